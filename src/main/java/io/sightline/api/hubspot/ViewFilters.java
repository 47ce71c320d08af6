package io.sightline.api.hubspot;

import io.sightline.event.Dimension;
import io.sightline.http.ApiException;
import io.sightline.query.Filter;
import io.sightline.query.Operator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The filters of an analytics view: {@code [{"prop": "country", "op": "EQ", "args": ["DE"]}, ...]}.
 * {@code prop} is one of the engine's session or event dimensions ({@link #PROPS}); {@code op} one of
 * EQ, NEQ, CONTAINS, NOT_CONTAINS, STARTS_WITH, ENDS_WITH (the engine's is, is_not, contains,
 * not_contains, starts_with, ends_with); {@code args} 1-20 strings of at most 500 characters. All
 * filters apply (AND); several args match any of them (none of them for NEQ and NOT_CONTAINS).
 */
public final class ViewFilters {
  public static final int MAX_FILTERS = 20;
  public static final Set<String> PROPS = Set.of("source", "channel", "referrer_url", "utm_source", "utm_medium", "utm_campaign",
      "utm_content", "utm_term", "entry_page", "exit_page", "country", "region", "city", "device", "browser", "os", "screen", "page",
      "hostname", "event_name");
  private static final Map<String, Operator> OPS = Map.of("EQ", Operator.IS, "NEQ", Operator.IS_NOT, "CONTAINS", Operator.CONTAINS,
      "NOT_CONTAINS", Operator.NOT_CONTAINS, "STARTS_WITH", Operator.STARTS_WITH, "ENDS_WITH", Operator.ENDS_WITH);

  private ViewFilters() {
  }

  /** Checks and normalises filters given to the admin API or CLI (400 saying what is wrong). */
  public static JsonArray validate(Object raw) {
    if (raw == null) {
      return new JsonArray();
    }
    if (!(raw instanceof JsonArray array)) {
      throw ApiException.badRequest("filters must be an array of {prop, op, args}");
    }
    if (array.size() > MAX_FILTERS) {
      throw ApiException.badRequest("a view has at most " + MAX_FILTERS + " filters");
    }
    JsonArray out = new JsonArray();
    for (Object o : array) {
      if (!(o instanceof JsonObject f)) {
        throw ApiException.badRequest("each filter must be an object {prop, op, args}");
      }
      Object prop = f.getValue("prop");
      if (!(prop instanceof String p) || !PROPS.contains(p)) {
        throw ApiException.badRequest("filter prop must be one of " + String.join(", ", PROPS.stream().sorted().toList()));
      }
      Object op = f.getValue("op");
      String normalised = op instanceof String s ? s.toUpperCase(Locale.ROOT) : null;
      if (normalised == null || !OPS.containsKey(normalised)) {
        throw ApiException.badRequest("filter op must be EQ, NEQ, CONTAINS, NOT_CONTAINS, STARTS_WITH or ENDS_WITH");
      }
      Object args = f.getValue("args");
      if (!(args instanceof JsonArray a) || a.isEmpty() || a.size() > 20) {
        throw ApiException.badRequest("filter args must be an array of 1 to 20 strings");
      }
      JsonArray values = new JsonArray();
      for (Object v : a) {
        if (!(v instanceof String s) || s.length() > 500 || s.codePoints().anyMatch(c -> c == 0)) {
          throw ApiException.badRequest("filter args must be strings of at most 500 characters");
        }
        values.add(s);
      }
      out.add(new JsonObject().put("op", normalised).put("args", values).put("prop", p));
    }
    return out;
  }

  /** Stored (validated) filters as engine filters. */
  static List<Filter> toEngine(JsonArray filters) {
    List<Filter> out = new ArrayList<>();
    for (Object o : filters) {
      JsonObject f = (JsonObject) o;
      List<String> values = new ArrayList<>();
      f.getJsonArray("args").forEach(v -> values.add((String) v));
      out.add(new Filter(Dimension.parse(f.getString("prop")), OPS.get(f.getString("op")), values));
    }
    return out;
  }
}
