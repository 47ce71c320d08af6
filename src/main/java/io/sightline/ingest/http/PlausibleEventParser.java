package io.sightline.ingest.http;

import io.sightline.http.ApiException;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The Plausible Events API body, as the official tracker sends it: {@code name/n}, {@code url/u},
 * {@code domain/d}, {@code referrer/r}, {@code props/p} (an object, or older trackers' JSON text in
 * {@code meta/m}), {@code revenue/$} ({@code amount}, {@code currency}), {@code interactive/i};
 * and for {@code engagement} events {@code sd} (scroll depth %) and {@code e} (engaged ms). Sightline's
 * tracker adds {@code w} (viewport width), {@code event_id} (one per beacon, so that a retry is stored
 * once), and for clicks and form submissions {@code t} ({@code click} or {@code form}), {@code tl}
 * (target label) and {@code ts} (href, id or action).
 */
public final class PlausibleEventParser {
  private PlausibleEventParser() {
  }

  /**
   * Whether a keyless body is meant for the Plausible Events API: it names its site ({@code domain}
   * or {@code d}, which Plausible requires) or uses the tracker's short fields ({@code n}, {@code u}).
   * Anything else (a Clickport event: {@code type}, {@code url}, no domain) was meant for the keyed API.
   */
  public static boolean isPlausibleShaped(JsonObject o) {
    return o.containsKey("domain") || o.containsKey("d") || o.containsKey("n") || o.containsKey("u");
  }

  public static IncomingEvent parse(JsonObject o) {
    String name = first(o, Fields.MAX_NAME, "name", "n");
    String url = first(o, Fields.MAX_URL, "url", "u");
    String domain = first(o, 1000, "domain", "d");
    if (name == null || url == null || domain == null) {
      throw ApiException.badRequest("name, url and domain are required");
    }
    String kind = Fields.string(o, "t", 20);
    EventType type = "click".equals(kind) ? EventType.CLICK : "form".equals(kind) ? EventType.FORM : switch (name) {
      case "pageview" -> EventType.PAGEVIEW;
      case "engagement" -> EventType.ENGAGEMENT;
      default -> EventType.CUSTOM;
    };
    if (kind != null && type != EventType.CLICK && type != EventType.FORM) {
      throw ApiException.badRequest("t must be click or form");
    }
    Map<String, String> props = Map.of();
    Object p = o.containsKey("props") ? o.getValue("props") : o.containsKey("p") ? o.getValue("p")
        : o.containsKey("meta") ? o.getValue("meta") : o.getValue("m");
    if (p instanceof String text && !text.isBlank()) {
      try {
        p = new JsonObject(text);
      } catch (DecodeException e) {
        throw ApiException.badRequest("props must be an object");
      }
    }
    if (p instanceof JsonObject po) {
      props = Fields.props(po.getMap(), "props");
    } else if (p != null && !(p instanceof String)) {
      throw ApiException.badRequest("props must be an object");
    }
    BigDecimal amount = null;
    String currency = null;
    Object r = o.containsKey("revenue") ? o.getValue("revenue") : o.getValue("$");
    if (r instanceof String text && !text.isBlank()) {
      try {
        r = new JsonObject(text);
      } catch (DecodeException e) {
        throw ApiException.badRequest("revenue must be an object with amount and currency");
      }
    }
    if (r instanceof JsonObject ro) {
      amount = Fields.amount(ro.getValue("amount"), "revenue.amount");
      currency = Fields.currency(ro.getValue("currency"), "revenue.currency");
      if (amount == null || currency == null) {
        throw ApiException.badRequest("revenue needs amount and currency");
      }
    } else if (r != null && !(r instanceof String)) {
      throw ApiException.badRequest("revenue must be an object with amount and currency");
    }
    Boolean interactive = o.containsKey("interactive") ? Fields.bool(o, "interactive") : Fields.bool(o, "i");
    Integer scroll = type == EventType.ENGAGEMENT ? Fields.integer(o, "sd", 0, 100) : null;
    Integer engaged = type == EventType.ENGAGEMENT ? Fields.integer(o, "e", 0, 86_400_000) : null;
    return new IncomingEvent(type, name, url, first(o, Fields.MAX_URL, "referrer", "r"), domain, Map.of(),
        Fields.integer(o, "w", 0, 100_000), null, amount, currency, props, List.of(), Fields.label(o, "tl"), Fields.label(o, "ts"),
        scroll, engaged, null, null, null,
        type != EventType.ENGAGEMENT && (interactive == null || interactive), Map.of(), Fields.string(o, "event_id", Fields.MAX_ID));
  }

  private static String first(JsonObject o, int max, String longName, String shortName) {
    return o.containsKey(longName) ? Fields.string(o, longName, max) : Fields.string(o, shortName, max);
  }
}
