package io.sightline.cluster;

import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.Routed;
import io.sightline.ingest.enrich.BotLayer;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.pipeline.DropReason;
import io.sightline.store.StoredIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event on its way from the member that received it to the member that owns its visitor, and the owner's answer, as JSON on
 * the clustered event bus: the event as the sender described it, the request's facts (the client address only feeds the visitor
 * id and geolocation on the owner; it is never stored or logged), the site, and the visitor id the event was routed by.
 */
final class ForwardedEvents {
  private ForwardedEvents() {
  }

  static JsonObject encode(int siteId, IncomingEvent e, RequestFacts f, int partition, long routedVisitorId) {
    JsonObject o = new JsonObject().put("site", siteId).put("p", partition).put("rv", routedVisitorId)
        .put("type", e.type().name());
    put(o, "name", e.name());
    put(o, "url", e.url());
    put(o, "ref", e.referrer());
    put(o, "domain", e.domain());
    if (e.utm() != null) {
      o.put("utm", new JsonObject(new LinkedHashMap<>(e.utm())));
    }
    put(o, "sw", e.screenWidth());
    put(o, "tz", e.timezone());
    if (e.revenueAmount() != null) {
      o.put("ra", e.revenueAmount().toPlainString());
    }
    put(o, "rc", e.revenueCurrency());
    if (e.props() != null) {
      o.put("props", new JsonObject(new LinkedHashMap<>(e.props())));
    }
    if (e.tags() != null) {
      o.put("tags", new JsonArray(new ArrayList<>(e.tags())));
    }
    put(o, "tl", e.targetLabel());
    put(o, "ts2", e.targetSecondary());
    put(o, "scroll", e.scrollDepth());
    put(o, "eng", e.engagementMs());
    put(o, "vid", e.visitorId());
    put(o, "uid", e.userId());
    if (e.timestamp() != null) {
      o.put("at", e.timestamp().toString());
    }
    o.put("inter", e.interactive());
    if (e.traits() != null) {
      o.put("traits", new JsonObject(new LinkedHashMap<>(e.traits())));
    }
    put(o, "eid", e.eventId());
    o.put("ip", Base64.getEncoder().encodeToString(f.clientIp()));
    put(o, "ua", f.userAgent());
    UserAgentInfo ua = f.userAgentInfo();
    if (ua != null) {
      o.put("uai", new JsonArray().add(ua.device()).add(ua.browser()).add(ua.browserVersion()).add(ua.os()).add(ua.osVersion())
          .add(ua.botLayer() == null ? null : ua.botLayer().name()).add(ua.botReason()));
    }
    o.put("dnt", f.doNotTrack()).put("gpc", f.globalPrivacyControl());
    put(o, "cdn", f.cdnCountry());
    o.put("recv", f.receivedAt().toString());
    put(o, "key", f.keyId());
    return o;
  }

  static int siteId(JsonObject o) {
    return o.getInteger("site");
  }

  static int partition(JsonObject o) {
    return o.getInteger("p");
  }

  static long routedVisitorId(JsonObject o) {
    return o.getLong("rv");
  }

  static IncomingEvent event(JsonObject o) {
    String amount = o.getString("ra");
    String at = o.getString("at");
    JsonArray tags = o.getJsonArray("tags");
    List<String> tagList = null;
    if (tags != null) {
      List<String> list = new ArrayList<>(tags.size());
      for (Object t : tags) {
        list.add((String) t);
      }
      tagList = List.copyOf(list);
    }
    return new IncomingEvent(EventType.valueOf(o.getString("type")), o.getString("name"), o.getString("url"), o.getString("ref"),
        o.getString("domain"), strings(o.getJsonObject("utm")), o.getInteger("sw"), o.getString("tz"),
        amount == null ? null : new BigDecimal(amount), o.getString("rc"), strings(o.getJsonObject("props")), tagList,
        o.getString("tl"), o.getString("ts2"), o.getInteger("scroll"), o.getInteger("eng"), o.getString("vid"), o.getString("uid"),
        at == null ? null : Instant.parse(at), o.getBoolean("inter"), strings(o.getJsonObject("traits")), o.getString("eid"));
  }

  static RequestFacts facts(JsonObject o) {
    JsonArray a = o.getJsonArray("uai");
    UserAgentInfo ua = a == null ? null : new UserAgentInfo(a.getString(0), a.getString(1), a.getString(2), a.getString(3),
        a.getString(4), a.getString(5) == null ? null : BotLayer.valueOf(a.getString(5)), a.getString(6));
    return new RequestFacts(Base64.getDecoder().decode(o.getString("ip")), o.getString("ua"), ua, o.getBoolean("dnt"),
        o.getBoolean("gpc"), o.getString("cdn"), Instant.parse(o.getString("recv")), o.getInteger("key"));
  }

  static JsonObject answer(Routed r) {
    JsonObject o = new JsonObject();
    if (r.ids() != null) {
      o.put("s", r.ids().sessionId()).put("v", r.ids().pageVisitId());
    }
    if (r.dropped() != null) {
      o.put("d", r.dropped().name());
      put(o, "m", r.message());
    }
    return o;
  }

  static Routed routed(JsonObject o) {
    StoredIds ids = o.containsKey("s") ? new StoredIds(o.getLong("s"), o.getLong("v")) : null;
    String dropped = o.getString("d");
    return new Routed(ids, dropped == null ? null : DropReason.valueOf(dropped), o.getString("m"));
  }

  private static Map<String, String> strings(JsonObject o) {
    if (o == null) {
      return null;
    }
    Map<String, String> m = new LinkedHashMap<>();
    o.forEach(e -> m.put(e.getKey(), (String) e.getValue()));
    return java.util.Collections.unmodifiableMap(m);
  }

  private static void put(JsonObject o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
