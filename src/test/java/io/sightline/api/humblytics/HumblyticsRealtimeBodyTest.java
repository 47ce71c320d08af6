package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsRoutes.Call;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.RealtimeWindow;
import io.sightline.support.RealtimeFixtures;
import io.sightline.support.RealtimeFixtures.FakeClock;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.sightline.support.RealtimeFixtures.SITE;
import static io.sightline.support.RealtimeFixtures.T0;
import static io.sightline.support.RealtimeFixtures.visit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Humblytics' {@code traffic/realtime}: the data part rendered once per snapshot and parameters, meta per request. */
class HumblyticsRealtimeBodyTest {
  private final FakeClock clock = new FakeClock();
  private final RealtimeWindow window = new RealtimeWindow(clock);
  private final RealtimeSnapshots snapshots = new RealtimeSnapshots(clock);
  private final HumblyticsRealtime realtime = new HumblyticsRealtime(snapshots);

  private JsonObject poll(String... params) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < params.length; i += 2) {
      map.add(params[i], params[i + 1]);
    }
    return realtime.realtime(new Call(SITE, Integer.toString(SITE), map)).result();
  }

  /** 40 visitors, one pageview each, every 50 seconds back from now, arriving oldest first; the last seen times, most recent first. */
  private List<Instant> arrive() {
    List<Instant> lastSeen = new ArrayList<>();
    for (int i = 39; i >= 0; i--) {
      Instant last = T0.minusSeconds(i * 50L);
      clock.now = last;
      window.add(visit(i + 1, last, last, "/p"));
      lastSeen.add(0, last);
    }
    clock.now = T0;
    RealtimeFixtures.publish(snapshots, window.snapshot(SITE));
    return lastSeen;
  }

  @Test
  void countsTheWindowAndSharesTheDataPartBetweenPollsOfOneSnapshot() {
    List<Instant> lastSeen = arrive();
    JsonObject first = poll("minutes", "10");
    JsonObject second = poll("minutes", "10");
    assertNotSame(first, second);
    assertSame(first.getJsonObject("data"), second.getJsonObject("data"));
    assertEquals(new JsonObject().put("property_id", "1").put("generated_at", "2026-06-01T12:00:30.000Z").put("minutes", 10)
        .put("timezone", "UTC").put("limit", 10), first.getJsonObject("meta"));
    JsonObject data = first.getJsonObject("data");
    Instant tenAgo = T0.minus(Duration.ofMinutes(10));
    Instant fiveAgo = T0.minus(Duration.ofMinutes(5));
    assertEquals(lastSeen.stream().filter(t -> !t.isBefore(fiveAgo)).count(), data.getLong("active_visitors"));
    assertEquals(lastSeen.stream().filter(t -> !t.isBefore(tenAgo)).count(), data.getLong("visitors"));
    long current = T0.getEpochSecond() / 60;
    assertEquals(lastSeen.stream().filter(t -> t.getEpochSecond() / 60 > current - 10).count(), data.getLong("page_views"));
    JsonArray trend = data.getJsonArray("trend");
    assertEquals(10, trend.size());
    assertEquals("2026-06-01T11:51:00Z", trend.getJsonObject(0).getString("bucket_start"));
  }

  @Test
  void otherParametersGetTheirOwnDataAndANewSnapshotANewOne() {
    List<Instant> lastSeen = arrive();
    JsonObject utc = poll().getJsonObject("data");
    JsonObject kolkata = poll("timezone", "Asia/Kolkata", "limit", "1").getJsonObject("data");
    assertNotSame(utc, kolkata);
    assertEquals(30, kolkata.getJsonArray("trend").size());
    assertTrue(kolkata.getJsonArray("trend").getJsonObject(29).getString("bucket_start").endsWith("+05:30"));
    assertSame(kolkata, poll("timezone", "Asia/Kolkata", "limit", "1").getJsonObject("data"));
    assertEquals("Asia/Kolkata", poll("timezone", "Asia/Kolkata", "limit", "1").getJsonObject("meta").getString("timezone"));
    clock.advance(Duration.ofSeconds(1));
    window.add(visit(100, clock.now, clock.now, "/new"));
    RealtimeFixtures.publish(snapshots, window.snapshot(SITE));
    JsonObject next = poll().getJsonObject("data");
    assertNotSame(utc, next);
    Instant since = clock.now.minus(Duration.ofMinutes(30)); // one second later: the visitor seen exactly 30 minutes before T0 left
    assertEquals(lastSeen.stream().filter(t -> !t.isBefore(since)).count() + 1, next.getLong("visitors"));
    assertEquals(utc.getInteger("visitors"), next.getInteger("visitors"));
  }
}
