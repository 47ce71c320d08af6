package io.sightline.ingest.http;

import io.sightline.http.ApiException;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * The Clickport {@code POST /api/event} body (api-specs.md §5.4) plus Sightline's additions:
 * {@code utm_content}, {@code utm_term}, {@code target_label}, {@code target_secondary},
 * {@code scroll_depth}, {@code engagement_time} (ms), {@code visitor_id}, {@code user_id},
 * {@code timestamp} (backfill), {@code tags}, {@code interactive}, {@code props} (an object, as an
 * alternative to {@code meta_keys}/{@code meta_values}), {@code traits} (an object of an identified
 * user's attributes, with {@code user_id} only; {@code email}, if given, must look like an address),
 * {@code event_id} (the sender's id of the event, so that a retry is stored once).
 */
public final class ClickportEventParser {
  private ClickportEventParser() {
  }

  public static IncomingEvent parse(JsonObject o) {
    String typeText = Fields.string(o, "type", 20);
    EventType type = typeText == null ? EventType.PAGEVIEW : EventType.parse(typeText);
    if (type == null) {
      throw ApiException.badRequest("type must be one of pageview, custom, click, form, engagement");
    }
    String url = Fields.string(o, "url", Fields.MAX_URL);
    if (url == null) {
      throw ApiException.badRequest("url is required");
    }
    String name = Fields.string(o, "name", Fields.MAX_NAME);
    if (type == EventType.CUSTOM && name == null) {
      throw ApiException.badRequest("name is required for custom events");
    }
    if (type == EventType.PAGEVIEW || name == null) {
      name = type.id();
    }
    Map<String, String> utm = new HashMap<>();
    for (String f : new String[] {"utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"}) {
      String v = Fields.string(o, f, Fields.MAX_UTM);
      if (v != null) {
        utm.put(f, v);
      }
    }
    Map<String, String> props = new java.util.LinkedHashMap<>(Fields.metaArrays(o));
    Object propsObject = o.getValue("props");
    if (propsObject != null) {
      if (!(propsObject instanceof JsonObject p)) {
        throw ApiException.badRequest("props must be an object");
      }
      props.putAll(Fields.props(p.getMap(), "props"));
      if (props.size() > Fields.MAX_PROPS) {
        throw ApiException.badRequest("at most " + Fields.MAX_PROPS + " properties");
      }
    }
    BigDecimal amount = Fields.amount(o.getValue("revenue_amount"), "revenue_amount");
    String currency = Fields.currency(o.getValue("revenue_currency"), "revenue_currency");
    if (amount != null && currency == null) {
      currency = "USD";
    }
    if (amount == null) {
      currency = null;
    }
    Boolean interactive = Fields.bool(o, "interactive");
    Fields.timezone(o, "timezone"); // validated; the visitor's zone is not stored
    String userId = Fields.string(o, "user_id", Fields.MAX_ID);
    Map<String, String> traits = traits(o, userId);
    return new IncomingEvent(type, name, url, Fields.string(o, "referrer", Fields.MAX_URL), null, Map.copyOf(utm),
        Fields.integer(o, "screen_width", 0, 100_000), null, amount, currency, props, Fields.tags(o, "tags"),
        Fields.label(o, "target_label"), Fields.label(o, "target_secondary"), Fields.integer(o, "scroll_depth", 0, 100),
        Fields.integer(o, "engagement_time", 0, 86_400_000), Fields.string(o, "visitor_id", Fields.MAX_ID),
        userId, Fields.timestamp(o, "timestamp"), interactive == null || interactive, traits, Fields.string(o, "event_id", Fields.MAX_ID));
  }

  static final int MAX_EMAIL = 320;

  private static Map<String, String> traits(JsonObject o, String userId) {
    Object raw = o.getValue("traits");
    if (raw == null) {
      return Map.of();
    }
    if (!(raw instanceof JsonObject t)) {
      throw ApiException.badRequest("traits must be an object");
    }
    if (userId == null) {
      throw ApiException.badRequest("traits need a user_id");
    }
    Map<String, String> traits = Fields.props(t.getMap(), "traits");
    if (traits.size() > Fields.MAX_PROPS) {
      throw ApiException.badRequest("at most " + Fields.MAX_PROPS + " traits");
    }
    String email = traits.get("email");
    if (email != null && (email.length() > MAX_EMAIL || !email.matches("[^@\\s]+@[^@\\s]+"))) {
      throw ApiException.badRequest("traits.email must be an e-mail address of at most " + MAX_EMAIL + " characters");
    }
    return Map.copyOf(traits);
  }
}
