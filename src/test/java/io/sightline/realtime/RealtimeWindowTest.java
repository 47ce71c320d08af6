package io.sightline.realtime;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.store.CommittedEvents;
import io.sightline.support.RealtimeFixtures;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealtimeWindowTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:30Z");

  private final RealtimeFixtures.FakeClock clock = new RealtimeFixtures.FakeClock();
  private final RealtimeWindow window = new RealtimeWindow(clock);

  private static EventRecord event(int site, Instant ts, long visitor, String type, String path, String source, String country,
                                   String revenue) {
    return new EventRecord(site, ts, ts.toEpochMilli(), visitor * 10, visitor, null, LocalDate.ofInstant(ts, ZoneOffset.UTC), null, type,
        type, "a.example", path, null, null, null, source, null, null, null, null, null, null, null, country, null, null, "desktop",
        "Chrome", "131", "Windows", "10", null, null, null, null, null, revenue == null ? null : new BigDecimal(revenue),
        revenue == null ? null : "EUR", null, null, true, null, false);
  }

  private static SessionRow session(int site, long visitor, Instant start, Instant last, String entry, String exit, int pageviews) {
    return new SessionRow(site, visitor * 10, start, last, visitor, null, LocalDate.ofInstant(start, ZoneOffset.UTC), entry, exit,
        "a.example", null, null, "Google", "Organic Search", null, null, null, null, null, null, "DE", "DE-BE", "Berlin", "desktop",
        "Chrome", "131", "Windows", "10", 1280, pageviews, pageviews, false, 0, 0, 40, 0, null, null, new Integer[0]);
  }

  private void pageview(long visitor, String path, Instant start) {
    window.add(new CommittedEvents(List.of(event(1, clock.instant(), visitor, "pageview", path, "Google", "DE", null)),
        List.of(session(1, visitor, start, clock.instant(), "/", path, 1))));
  }

  @Test
  void countsPerMinuteAndSumsAnyWindowUpToAnHour() {
    pageview(1, "/a", clock.instant());
    pageview(2, "/a", clock.instant());
    clock.advance(Duration.ofMinutes(10));
    pageview(3, "/b", clock.instant());
    window.add(new CommittedEvents(List.of(event(1, clock.instant(), 3, "custom", "/b", "Google", "DE", "12.50"),
        event(1, clock.instant(), 3, "engagement", "/b", "Google", "DE", null)), List.of()));
    SiteSnapshot s = window.snapshot(1);
    assertEquals(60, s.minutes().size());
    assertEquals(3, s.pageviews(Duration.ofMinutes(60)));
    assertEquals(1, s.pageviews(Duration.ofMinutes(5)));
    assertEquals(4, s.events(Duration.ofMinutes(60)), "engagement is not an event");
    assertEquals(0, new BigDecimal("12.50").compareTo(s.revenue(Duration.ofMinutes(30)).get("EUR")));
    assertEquals(Map.of("/a", 2, "/b", 1), s.top(Duration.ofMinutes(60), MinuteCounts::pages, 10));
    assertEquals(List.of("/a"), List.copyOf(s.top(Duration.ofMinutes(60), MinuteCounts::pages, 1).keySet()));
  }

  @Test
  void rotatesBucketsSoMinutesOlderThanAnHourFallOut() {
    pageview(1, "/old", clock.instant());
    clock.advance(Duration.ofMinutes(59));
    assertEquals(1, window.snapshot(1).pageviews(Duration.ofMinutes(60)));
    clock.advance(Duration.ofMinutes(1));
    pageview(2, "/new", clock.instant()); // reuses the old minute's slot
    SiteSnapshot s = window.snapshot(1);
    assertEquals(1, s.pageviews(Duration.ofMinutes(60)));
    assertEquals(Map.of("/new", 1), s.top(Duration.ofMinutes(60), MinuteCounts::pages, 10));
  }

  @Test
  void survivesIdleGapsLongerThanTheWindow() {
    pageview(1, "/a", clock.instant());
    clock.advance(Duration.ofHours(3));
    SiteSnapshot idle = window.snapshot(1);
    assertEquals(0, idle.pageviews(Duration.ofMinutes(60)));
    assertTrue(idle.visitors().isEmpty());
    assertTrue(window.sites().isEmpty(), "an idle site is forgotten");
    pageview(2, "/b", clock.instant());
    assertEquals(1, window.snapshot(1).pageviews(Duration.ofMinutes(60)));
  }

  @Test
  void currentVisitorsAreThoseActiveInTheLastFiveMinutes() {
    Instant start = clock.instant();
    pageview(1, "/a", start);
    clock.advance(Duration.ofMinutes(3));
    pageview(2, "/b", clock.instant());
    pageview(1, "/c", start); // visitor 1 again: one visitor, current page updated
    SiteSnapshot at3 = window.snapshot(1);
    assertEquals(2, at3.activeWithin(SiteSnapshot.CURRENT).size());
    ActiveVisitor first = at3.visitors().stream().filter(v -> v.visitorId() == 1).findFirst().orElseThrow();
    assertEquals("/c", first.currentPage());
    assertEquals(180, first.durationSeconds());
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertEquals(0, window.snapshot(1).activeWithin(SiteSnapshot.CURRENT).size(), "5 min 1 s after their last event both expired");
    assertEquals(2, window.snapshot(1).activeWithin(Duration.ofMinutes(30)).size());
  }

  @Test
  void ignoresBackfillsOlderThanTheWindowAndKeepsSitesApart() {
    window.add(new CommittedEvents(List.of(event(1, clock.instant().minus(Duration.ofHours(2)), 9, "pageview", "/x", null, null, null),
        event(2, clock.instant(), 8, "pageview", "/y", null, null, null)), List.of()));
    assertEquals(0, window.snapshot(1).pageviews(Duration.ofMinutes(60)));
    assertEquals(1, window.snapshot(2).pageviews(Duration.ofMinutes(60)));
  }

  @Test
  void capsTheKeysKeptPerMinute() {
    for (int i = 0; i < RealtimeWindow.MAX_KEYS + 10; i++) {
      window.add(new CommittedEvents(List.of(event(1, clock.instant(), i, "pageview", "/p" + i, null, null, null)), List.of()));
    }
    Map<String, Integer> pages = window.snapshot(1).top(Duration.ofMinutes(1), MinuteCounts::pages, 10_000);
    assertEquals(RealtimeWindow.MAX_KEYS + 1, pages.size());
    assertEquals(10, pages.get(MinuteBucket.OTHER));
  }
}
