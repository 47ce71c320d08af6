package io.sightline.api.clickport;

import io.sightline.event.Dimension;
import io.sightline.http.ApiException;
import io.sightline.query.Comparison;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.Periods;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code POST /api/query} body (api-specs.md §5.3) into the engine's {@link QuerySpec}; 400 for anything invalid. */
final class ClickportQueryParser {
  static final int MAX_LIMIT = 10_000;
  static final int MAX_FILTERS = 20;
  static final int MAX_VALUES = 100;
  static final int MAX_VALUE_LENGTH = 1000;

  private ClickportQueryParser() {
  }

  /** Needs the site's first event time for {@code period: all} ({@code needsFirstEvent}). */
  static boolean needsFirstEvent(JsonObject body) {
    return body.getValue("date_range") == null && "all".equals(body.getValue("period"));
  }

  /**
   * A parsed query and, when {@code include_comparison} is true and the period has one, its baseline; {@code includeImported}:
   * whether imported daily aggregates are added ({@code include_imported}, default true).
   */
  record Parsed(QuerySpec spec, Optional<Comparison.Baseline> comparison, boolean includeImported) {
  }

  static Parsed parse(JsonObject body, int siteId, Clock clock, Instant firstEvent) {
    ZoneId zone = zone(body.getValue("timezone"));
    List<Metric> metrics = new ArrayList<>();
    for (String m : strings(body, "metrics", List.of("visitors"))) {
      Metric metric = Metric.parse(m);
      if (metric == null) {
        throw ApiException.badRequest("Unknown metric: " + m);
      }
      if (!metrics.contains(metric)) {
        metrics.add(metric);
      }
    }
    if (metrics.isEmpty()) {
      throw ApiException.badRequest("metrics must name at least one metric");
    }
    List<Dimension> dimensions = new ArrayList<>();
    String propertyKey = null;
    for (String d : strings(body, "dimensions", List.of())) {
      Dimension dimension = Dimension.parse(d);
      if (dimension == null) {
        throw ApiException.badRequest("Unknown dimension: " + d);
      }
      if (dimension == Dimension.PROPS) {
        propertyKey = propertyKey(d);
      }
      dimensions.add(dimension);
    }
    if (dimensions.size() > 1 && dimensions.stream().anyMatch(d -> d.kind() != Dimension.Kind.SESSION)) {
      throw ApiException.badRequest("Several dimensions can be grouped together only when all are session attributes "
          + "(source, channel, referrer_url, utm_*, entry_page, exit_page, country, region, city, device, browser, os, screen...); "
          + "page, hostname, event_name, event_type, event_page, goal, click_target, form_target, props:<key> and time dimensions group alone");
    }
    if (dimensions.size() > 3 || dimensions.stream().distinct().count() != dimensions.size()) {
      throw ApiException.badRequest("Group by at most 3 different dimensions");
    }
    Periods.Range range = range(body, zone, clock, firstEvent);
    if (!dimensions.isEmpty() && dimensions.get(0).kind() == Dimension.Kind.TIME) {
      long buckets = switch (dimensions.get(0)) {
        case HOUR -> Duration.between(range.start(), range.end()).toHours();
        case DATE -> Duration.between(range.start(), range.end()).toDays();
        case WEEK -> Duration.between(range.start(), range.end()).toDays() / 7;
        default -> Duration.between(range.start(), range.end()).toDays() / 28;
      };
      if (buckets > QueryEngine.MAX_BUCKETS) {
        throw ApiException.badRequest("The range has too many " + dimensions.get(0).id() + " buckets (at most "
            + QueryEngine.MAX_BUCKETS + "): narrow it or use a coarser time dimension");
      }
    }
    List<Filter> filters = filters(body.getValue("filters"));
    Object orderBy = body.getValue("order_by");
    if (orderBy != null && !(orderBy instanceof String)) {
      throw ApiException.badRequest("order_by must be a string");
    }
    String key = propertyKey;
    if (orderBy != null && Metric.parse((String) orderBy) == null
        && dimensions.stream().noneMatch(d -> (d == Dimension.PROPS ? "props:" + key : d.id()).equals(orderBy))) {
      throw ApiException.badRequest("order_by must be a requested metric or the grouped dimension: " + orderBy);
    }
    if (orderBy != null && Metric.parse((String) orderBy) != null && !metrics.contains(Metric.parse((String) orderBy))) {
      throw ApiException.badRequest("order_by must be one of the requested metrics: " + orderBy);
    }
    Object dir = body.getValue("order_dir");
    if (dir != null && !"asc".equals(dir) && !"desc".equals(dir)) {
      throw ApiException.badRequest("order_dir must be asc or desc");
    }
    boolean time = !dimensions.isEmpty() && dimensions.get(0).kind() == Dimension.Kind.TIME;
    boolean descending = dir == null ? !(time && orderBy == null) : "desc".equals(dir);
    int limit = integer(body, "limit", time ? MAX_LIMIT : 100, 1, MAX_LIMIT);
    int offset = integer(body, "offset", 0, 0, 1_000_000);
    Object comparison = body.getValue("include_comparison");
    if (comparison != null && !(comparison instanceof Boolean)) {
      throw ApiException.badRequest("include_comparison must be true or false");
    }
    Object imported = body.getValue("include_imported");
    if (imported != null && !(imported instanceof Boolean)) {
      throw ApiException.badRequest("include_imported must be true or false");
    }
    QuerySpec spec = new QuerySpec(siteId, range.start(), range.end(), zone, List.copyOf(metrics), List.copyOf(dimensions), filters,
        (String) orderBy, descending, limit, offset, propertyKey, List.of());
    String period = body.getValue("date_range") != null ? null : body.getValue("period") == null ? "today" : (String) body.getValue("period");
    return new Parsed(spec, Boolean.TRUE.equals(comparison) ? Comparison.baseline(period, range, zone, clock) : Optional.empty(),
        !Boolean.FALSE.equals(imported));
  }

  private static Periods.Range range(JsonObject body, ZoneId zone, Clock clock, Instant firstEvent) {
    Object dateRange = body.getValue("date_range");
    if (dateRange != null) {
      if (!(dateRange instanceof JsonObject r) || !(r.getValue("start") instanceof String s) || !(r.getValue("end") instanceof String e)) {
        throw ApiException.badRequest("date_range must be {\"start\": \"YYYY-MM-DD\", \"end\": \"YYYY-MM-DD\"}");
      }
      try {
        return Periods.dates(LocalDate.parse(s), LocalDate.parse(e), zone);
      } catch (DateTimeParseException ex) {
        throw ApiException.badRequest("date_range dates must be YYYY-MM-DD");
      }
    }
    Object period = body.getValue("period");
    if (period != null && !(period instanceof String)) {
      throw ApiException.badRequest("period must be a string");
    }
    return Periods.resolve(period == null ? "today" : (String) period, zone, clock, firstEvent);
  }

  private static List<Filter> filters(Object raw) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray array) || array.size() > MAX_FILTERS) {
      throw ApiException.badRequest("filters must be an array of at most " + MAX_FILTERS + " objects");
    }
    List<Filter> out = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject f)) {
        throw ApiException.badRequest("each filter must be an object with dimension, operator and value");
      }
      Dimension d = f.getValue("dimension") instanceof String ds ? Dimension.parse(ds) : null;
      if (d == null) {
        throw ApiException.badRequest("Unknown filter dimension: " + f.getValue("dimension"));
      }
      if (d.kind() == Dimension.Kind.TIME) {
        throw ApiException.badRequest("Time dimensions cannot be filtered: use period or date_range");
      }
      Operator op = f.getValue("operator") instanceof String os ? Operator.parse(os) : null;
      if (op == null) {
        throw ApiException.badRequest("Unknown operator: " + f.getValue("operator")
            + " (is, is_not, contains, not_contains, starts_with, ends_with)");
      }
      Object value = f.getValue("value");
      List<String> values = new ArrayList<>();
      if (value instanceof String s) {
        values.add(s);
      } else if (value instanceof JsonArray vs && !vs.isEmpty() && vs.size() <= MAX_VALUES) {
        for (Object v : vs) {
          if (!(v instanceof String s)) {
            throw ApiException.badRequest("filter values must be strings");
          }
          values.add(s);
        }
      } else {
        throw ApiException.badRequest("filter value must be a string or an array of 1 to " + MAX_VALUES + " strings");
      }
      for (String v : values) {
        if (v.length() > MAX_VALUE_LENGTH || v.indexOf('\u0000') >= 0) {
          throw ApiException.badRequest("filter values must be at most " + MAX_VALUE_LENGTH + " characters, without NUL");
        }
      }
      if (d == Dimension.DEVICE) {
        values.replaceAll(ClickportDevices::stored);
      }
      out.add(new Filter(d, d == Dimension.PROPS ? propertyKey((String) f.getValue("dimension")) : null, op, List.copyOf(values)));
    }
    return List.copyOf(out);
  }

  /** The key of a {@code props:<key>} dimension: 1-200 characters without control characters. */
  private static String propertyKey(String dimension) {
    String key = dimension.substring("props:".length());
    if (key.length() > 200 || key.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("props:<key> needs a key of 1 to 200 characters without control characters");
    }
    return key;
  }

  private static ZoneId zone(Object raw) {
    if (raw == null) {
      return ZoneId.of("UTC");
    }
    if (!(raw instanceof String s)) {
      throw ApiException.badRequest("timezone must be a string");
    }
    try {
      return ZoneId.of(s);
    } catch (DateTimeException e) {
      throw ApiException.badRequest("Unknown timezone: " + s + " (an IANA name such as Europe/Berlin)");
    }
  }

  private static List<String> strings(JsonObject body, String field, List<String> defaults) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return defaults;
    }
    if (!(raw instanceof JsonArray array) || array.size() > 50) {
      throw ApiException.badRequest(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s)) {
        throw ApiException.badRequest(field + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  private static int integer(JsonObject body, String field, int defaultValue, int min, int max) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return defaultValue;
    }
    if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiException.badRequest(field + " must be a whole number from " + min + " to " + max);
    }
    return n.intValue();
  }
}
