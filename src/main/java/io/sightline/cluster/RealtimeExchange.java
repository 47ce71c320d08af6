package io.sightline.cluster;

import io.sightline.realtime.ActiveVisitor;
import io.sightline.realtime.MinuteCounts;
import io.sightline.realtime.RealtimePeers;
import io.sightline.realtime.SiteSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Realtime across members (docs/cluster.md, "Realtime"): every second each member publishes its own window (the visitors of the
 * partitions it owns: the minutes that had events, and the active visitors) on the clustered event bus, and merges the latest
 * window of every other member into the snapshots its polls read, so a poll on any member stays a lookup and counts each visitor
 * once. A member not heard from for {@link #STALE} (stopped, killed) drops out of the merge.
 */
public final class RealtimeExchange implements RealtimePeers {
  static final String ADDRESS = "sightline.cluster.realtime";
  static final Duration STALE = Duration.ofSeconds(5);

  private final String me;
  private final Map<String, Peer> peers = new ConcurrentHashMap<>();
  private Vertx vertx;

  private record Peer(Instant heard, Map<Integer, SiteSnapshot> sites) {
  }

  public RealtimeExchange(String me) {
    this.me = me;
  }

  @Override
  public Future<Void> start(Vertx vertx) {
    this.vertx = vertx;
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> {
      String from = m.body().getString("from");
      if (!me.equals(from)) {
        peers.put(from, new Peer(Instant.now(), decode(m.body())));
      }
    }).completion();
  }

  @Override
  public Map<Integer, SiteSnapshot> exchange(Map<Integer, SiteSnapshot> own) {
    Instant now = Instant.now();
    vertx.eventBus().publish(ADDRESS, encode(own).put("from", me));
    peers.values().removeIf(p -> p.heard().isBefore(now.minus(STALE)));
    if (peers.isEmpty()) {
      return own;
    }
    Set<Integer> sites = new HashSet<>(own.keySet());
    peers.values().forEach(p -> sites.addAll(p.sites().keySet()));
    Map<Integer, SiteSnapshot> merged = new HashMap<>();
    for (int site : sites) {
      List<SiteSnapshot> parts = new ArrayList<>();
      if (own.containsKey(site)) {
        parts.add(own.get(site));
      }
      peers.values().forEach(p -> {
        SiteSnapshot s = p.sites().get(site);
        if (s != null) {
          parts.add(s);
        }
      });
      merged.put(site, SiteSnapshot.merge(site, now, parts));
    }
    return merged;
  }

  static JsonObject encode(Map<Integer, SiteSnapshot> own) {
    JsonArray sites = new JsonArray();
    own.forEach((site, s) -> {
      JsonArray minutes = new JsonArray();
      for (MinuteCounts m : s.minutes()) {
        if (m.pageviews() == 0 && m.events() == 0) {
          continue; // compact: the empty minutes are implied
        }
        JsonObject revenue = new JsonObject();
        m.revenue().forEach((c, v) -> revenue.put(c, v.toPlainString()));
        minutes.add(new JsonArray().add(m.minute()).add(m.pageviews()).add(m.events()).add(revenue)
            .add(new JsonObject(new LinkedHashMap<>(m.pages()))).add(new JsonObject(new LinkedHashMap<>(m.sources())))
            .add(new JsonObject(new LinkedHashMap<>(m.countries()))));
      }
      JsonArray visitors = new JsonArray();
      for (ActiveVisitor v : s.visitors()) {
        visitors.add(new JsonArray().add(v.visitorId()).add(v.sessionId()).add(v.firstSeen().toEpochMilli()).add(v.lastSeen().toEpochMilli())
            .add(v.entryPage()).add(v.currentPage()).add(v.pageviews()).add(v.events()).add(v.source()).add(v.referrer())
            .add(v.country()).add(v.city()).add(v.device()).add(v.browser()).add(v.os()).add(v.scroll()));
      }
      sites.add(new JsonObject().put("site", site).put("at", s.takenAt().toEpochMilli()).put("minutes", minutes).put("visitors", visitors));
    });
    return new JsonObject().put("sites", sites);
  }

  static Map<Integer, SiteSnapshot> decode(JsonObject body) {
    Map<Integer, SiteSnapshot> out = new HashMap<>();
    for (Object o : body.getJsonArray("sites")) {
      JsonObject s = (JsonObject) o;
      List<MinuteCounts> minutes = new ArrayList<>();
      for (Object mo : s.getJsonArray("minutes")) {
        JsonArray m = (JsonArray) mo;
        Map<String, BigDecimal> revenue = new HashMap<>();
        m.getJsonObject(3).forEach(e -> revenue.put(e.getKey(), new BigDecimal((String) e.getValue())));
        minutes.add(new MinuteCounts(m.getLong(0), m.getInteger(1), m.getInteger(2), revenue, counts(m.getJsonObject(4)),
            counts(m.getJsonObject(5)), counts(m.getJsonObject(6))));
      }
      List<ActiveVisitor> visitors = new ArrayList<>();
      for (Object vo : s.getJsonArray("visitors")) {
        JsonArray v = (JsonArray) vo;
        visitors.add(new ActiveVisitor(v.getLong(0), v.getLong(1), Instant.ofEpochMilli(v.getLong(2)), Instant.ofEpochMilli(v.getLong(3)),
            v.getString(4), v.getString(5), v.getInteger(6), v.getInteger(7), v.getString(8), v.getString(9), v.getString(10),
            v.getString(11), v.getString(12), v.getString(13), v.getString(14), v.getInteger(15)));
      }
      int site = s.getInteger("site");
      out.put(site, SiteSnapshot.of(site, Instant.ofEpochMilli(s.getLong("at")), minutes, visitors));
    }
    return out;
  }

  private static Map<String, Integer> counts(JsonObject o) {
    Map<String, Integer> m = new HashMap<>();
    o.forEach(e -> m.put(e.getKey(), ((Number) e.getValue()).intValue()));
    return m;
  }
}
