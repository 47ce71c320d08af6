package io.sightline.api.clickport;

import io.sightline.realtime.RealtimeWindow;
import io.sightline.realtime.SiteSnapshot;
import io.sightline.store.CommittedEvents;
import io.sightline.support.RealtimeFixtures;
import io.sightline.support.RealtimeFixtures.FakeClock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.sightline.support.RealtimeFixtures.SITE;
import static io.sightline.support.RealtimeFixtures.T0;
import static io.sightline.support.RealtimeFixtures.pageview;
import static io.sightline.support.RealtimeFixtures.session;
import static io.sightline.support.RealtimeFixtures.visit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@code /api/realtime} and its stream write buffers encoded once per snapshot. */
class ClickportRealtimeBodyTest {
  private final FakeClock clock = new FakeClock();
  private final RealtimeWindow window = new RealtimeWindow(clock);

  private void arrive(long visitor, Instant start, Instant last, String entry, String exit, int pageviews, String source, String city,
                      String device, Integer scroll) {
    clock.now = last;
    window.add(new CommittedEvents(List.of(pageview(visitor, last, exit)),
        List.of(session(visitor, start, last, entry, exit, pageviews, source, city, device, scroll))));
  }

  private static String text(Buffer b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void encodesTheCountAndTheMostRecentCurrentVisitorsOncePerSnapshot() {
    arrive(3, T0.minusSeconds(900), T0.minusSeconds(361), "/old", "/old", 1, "Google", "Berlin", "desktop", 10); // 6 min 1 s ago
    arrive(1, T0.minusSeconds(600), T0.minusSeconds(240), "/", "/pricing", 3, "Google", "Berlin", "desktop", 40);
    arrive(2, T0.minusSeconds(60), T0, "/blog", "/blog", 1, null, null, "mobile", null);
    SiteSnapshot s = window.snapshot(SITE);
    JsonObject expected = new JsonObject().put("count", 2).put("visitors", new JsonArray()
        .add(new JsonObject().put("session_id", 20).put("entry_page", "/blog").put("exit_page", "/blog").put("pageviews", 1)
            .put("duration", 60).put("source", (String) null).put("country", "DE").put("city", (String) null).put("device", "Mobile")
            .put("browser", "Chrome").put("os", "Windows").put("scroll", (Integer) null))
        .add(new JsonObject().put("session_id", 10).put("entry_page", "/").put("exit_page", "/pricing").put("pageviews", 3)
            .put("duration", 360).put("source", "Google").put("country", "DE").put("city", "Berlin").put("device", "Desktop")
            .put("browser", "Chrome").put("os", "Windows").put("scroll", 40)));
    Buffer body = ClickportRealtimeRoutes.body(s);
    assertEquals(expected.encode(), text(body));
    assertSame(body, ClickportRealtimeRoutes.body(s), "a repeated poll of one snapshot writes the same buffer");
    Buffer frame = ClickportRealtimeRoutes.frame(s);
    assertEquals("data: " + expected.encode() + "\n\n", text(frame));
    assertSame(frame, ClickportRealtimeRoutes.frame(s));
    assertEquals(text(body), text(ClickportRealtimeRoutes.body(s)), "writing a buffer does not consume it");
  }

  @Test
  void theNextSnapshotIsEncodedAgainWithTheNewEvents() {
    arrive(1, T0, T0, "/", "/", 1, "Google", "Berlin", "desktop", 40);
    SiteSnapshot first = window.snapshot(SITE);
    Buffer before = ClickportRealtimeRoutes.body(first);
    clock.advance(Duration.ofSeconds(1));
    window.add(visit(2, clock.now, clock.now, "/new"));
    SiteSnapshot next = window.snapshot(SITE);
    Buffer after = ClickportRealtimeRoutes.body(next);
    assertNotSame(before, after);
    JsonObject json = new JsonObject(text(after));
    assertEquals(2, json.getInteger("count"));
    assertEquals(20L, json.getJsonArray("visitors").getJsonObject(0).getLong("session_id"));
    assertEquals("/new", json.getJsonArray("visitors").getJsonObject(0).getString("exit_page"));
    assertEquals(1, new JsonObject(text(before)).getInteger("count"), "the earlier snapshot's body is unchanged");
  }

  @Test
  void aSiteWithoutCurrentVisitorsAnswersWithTheSharedEmptyBody() {
    assertEquals("{\"count\":0,\"visitors\":[]}", text(ClickportRealtimeRoutes.body(SiteSnapshot.empty(SITE, T0))));
    assertSame(ClickportRealtimeRoutes.EMPTY_BODY, ClickportRealtimeRoutes.body(SiteSnapshot.empty(7, T0.plusSeconds(5))));
    assertEquals("data: {\"count\":0,\"visitors\":[]}\n\n", text(ClickportRealtimeRoutes.frame(SiteSnapshot.empty(SITE, T0))));
    window.add(visit(1, T0, T0, "/"));
    clock.advance(Duration.ofMinutes(6));
    SiteSnapshot idle = window.snapshot(SITE);
    assertEquals(1, idle.visitors().size());
    assertSame(ClickportRealtimeRoutes.EMPTY_BODY, ClickportRealtimeRoutes.body(idle), "seen within the hour but not current");
  }

  @Test
  void fiftyThousandVisitorsGiveTheirCountAndTheTwentyMostRecentInOrder() {
    clock.now = T0.minusSeconds(31);
    List<Instant> lastSeen = new ArrayList<>();
    for (int from = 0; from < 50_000; from += 1000) {
      List<io.sightline.event.EventRecord> events = new ArrayList<>();
      List<io.sightline.event.SessionRow> sessions = new ArrayList<>();
      for (int i = from; i < from + 1000; i++) {
        Instant last = T0.minusMillis((i * 104_729L) % 1_200_000L); // the last 20 minutes, in no order
        lastSeen.add(last);
        events.add(pageview(i + 1, last, "/p"));
        sessions.add(session(i + 1, last, last, "/", "/p", 1, "Google", "Berlin", "desktop", 40));
      }
      window.add(new CommittedEvents(events, sessions));
    }
    clock.now = T0;
    SiteSnapshot s = window.snapshot(SITE);
    Instant since = T0.minus(Duration.ofMinutes(5));
    List<long[]> current = new ArrayList<>(); // {last seen in ms, session id}
    for (int i = 0; i < lastSeen.size(); i++) {
      if (!lastSeen.get(i).isBefore(since)) {
        current.add(new long[] {lastSeen.get(i).toEpochMilli(), (i + 1) * 10L});
      }
    }
    current.sort(Comparator.<long[]>comparingLong(v -> -v[0]).thenComparingLong(v -> v[1]));
    JsonObject body = new JsonObject(text(ClickportRealtimeRoutes.body(s)));
    assertEquals(current.size(), body.getInteger("count"));
    List<Long> expected = current.subList(0, 20).stream().map(v -> v[1]).toList();
    assertEquals(expected, body.getJsonArray("visitors").stream().map(o -> ((JsonObject) o).getLong("session_id")).toList());
  }
}
