package io.sightline.api.datalyr;

import io.sightline.realtime.RealtimeWindow;
import io.sightline.realtime.SiteSnapshot;
import io.sightline.support.RealtimeFixtures;
import io.sightline.support.RealtimeFixtures.FakeClock;
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

/** DATALYR's {@code /realtime} body: rendered once per snapshot and window, with the numbers of that window. */
class DatalyrRealtimeBodyTest {
  private final FakeClock clock = new FakeClock();
  private final RealtimeWindow window = new RealtimeWindow(clock);
  private final DatalyrRealtime realtime = new DatalyrRealtime(null, io.sightline.ingest.enrich.Referrers.load(java.util.Optional.empty()));

  /** 150 visitors, one pageview each, last seen every 23 seconds back from now (the oldest 57 minutes ago), arriving oldest first. */
  private List<Instant> arrive() {
    List<Instant> lastSeen = new ArrayList<>();
    for (int i = 149; i >= 0; i--) {
      Instant last = T0.minusSeconds(i * 23L);
      clock.now = last;
      window.add(visit(i + 1, last.minusSeconds(30), last, "/p" + (i % 3)));
      lastSeen.add(0, last);
    }
    clock.now = T0;
    return lastSeen; // lastSeen.get(i) is visitor i + 1's, most recent first
  }

  @Test
  void countsEachWindowAndListsTheMostRecentVisitors() {
    List<Instant> lastSeen = arrive();
    SiteSnapshot s = window.snapshot(SITE);
    long current = T0.getEpochSecond() / 60;
    for (int minutes : new int[] {1, 5, 30, 60}) {
      Instant since = T0.minus(Duration.ofMinutes(minutes));
      List<Integer> active = new ArrayList<>();
      for (int i = 0; i < lastSeen.size(); i++) {
        if (!lastSeen.get(i).isBefore(since)) {
          active.add(i + 1);
        }
      }
      JsonObject body = realtime.body(s, minutes);
      assertEquals(active.size(), body.getInteger("active_visitors"), minutes + " minutes");
      long first = current - minutes + 1;
      assertEquals(lastSeen.stream().filter(t -> t.getEpochSecond() / 60 >= first).count(), body.getLong("pageviews"));
      JsonArray visitors = body.getJsonArray("visitors");
      assertEquals(active.subList(0, Math.min(100, active.size())).stream().map(String::valueOf).toList(),
          visitors.stream().map(o -> ((JsonObject) o).getString("visitor_id")).toList());
      JsonArray timeline = body.getJsonArray("timeline");
      assertEquals(minutes, timeline.size());
      for (int i = 0; i < minutes; i++) {
        long minute = first + i;
        assertEquals(Instant.ofEpochSecond(minute * 60).toString(), timeline.getJsonObject(i).getString("minute"));
        long lastSeenThen = lastSeen.stream().filter(t -> t.getEpochSecond() / 60 == minute).count();
        assertEquals(lastSeenThen, timeline.getJsonObject(i).getLong("visitors"), "visitors last seen in " + Instant.ofEpochSecond(minute * 60));
      }
      assertEquals(minutes, body.getInteger("time_window"));
      assertEquals("2026-06-01T12:00:30Z", body.getString("timestamp"));
    }
  }

  @Test
  void aRepeatedPollOfOneSnapshotAndWindowGetsTheSameBody() {
    arrive();
    SiteSnapshot s = window.snapshot(SITE);
    JsonObject thirty = realtime.body(s, 30);
    assertSame(thirty, realtime.body(s, 30));
    assertNotSame(thirty, realtime.body(s, 5));
    assertSame(realtime.body(s, 5), realtime.body(s, 5));
    clock.advance(Duration.ofSeconds(1));
    window.add(visit(1000, clock.now, clock.now, "/new"));
    JsonObject next = realtime.body(window.snapshot(SITE), 30);
    assertNotSame(thirty, next);
    assertEquals(thirty.getInteger("active_visitors") + 1, next.getInteger("active_visitors"));
    assertEquals("1000", next.getJsonArray("visitors").getJsonObject(0).getString("visitor_id"));
  }
}
