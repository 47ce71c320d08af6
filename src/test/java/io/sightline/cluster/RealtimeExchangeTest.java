package io.sightline.cluster;

import io.sightline.realtime.ActiveVisitor;
import io.sightline.realtime.MinuteCounts;
import io.sightline.realtime.SiteSnapshot;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Members' windows through the wire format and merged: minutes summed, every visitor once (its most recent state). */
class RealtimeExchangeTest {
  @Test
  void twoMembersWindowsMergeIntoOneCountingEachVisitorOnce() {
    Instant now = Instant.parse("2026-12-07T12:00:30Z");
    long minute = now.getEpochSecond() / 60;
    SiteSnapshot a = SiteSnapshot.of(1, now, List.of(
        new MinuteCounts(minute - 2, 2, 3, Map.of("EUR", new BigDecimal("9.50")), Map.of("/", 2), Map.of("Google", 1), Map.of("DE", 2)),
        new MinuteCounts(minute, 1, 1, Map.of(), Map.of("/pricing", 1), Map.of(), Map.of("US", 1))),
        List.of(visitor(1, now.minusSeconds(150), "/"), visitor(2, now.minusSeconds(20), "/pricing")));
    // visitor 2 moved to the other member with its partition: its later state is there
    SiteSnapshot b = SiteSnapshot.of(1, now, List.of(
        new MinuteCounts(minute, 4, 5, Map.of("EUR", new BigDecimal("0.50")), Map.of("/", 3, "/pricing", 1), Map.of(), Map.of("US", 4))),
        List.of(visitor(2, now.minusSeconds(5), "/docs"), visitor(3, now.minus(Duration.ofMinutes(10)), "/blog")));

    SiteSnapshot fromWire = RealtimeExchange.decode(RealtimeExchange.encode(Map.of(1, b))).get(1);
    SiteSnapshot merged = SiteSnapshot.merge(1, now, List.of(a, fromWire));

    assertEquals(3, merged.visitors().size());
    assertEquals(2, merged.activeCount(5), "visitors 1 and 2 in the last 5 minutes");
    assertEquals("/docs", merged.visitors().get(0).currentPage(), "visitor 2's most recent state");
    assertEquals(7, merged.pageviews(Duration.ofMinutes(5)));
    assertEquals(9, merged.events(Duration.ofMinutes(5)));
    assertEquals(Map.of("EUR", new BigDecimal("10.00")), merged.revenue(Duration.ofMinutes(5)));
    assertEquals(Map.of("/", 5, "/pricing", 2), merged.top(Duration.ofMinutes(5), MinuteCounts::pages, 10));
    assertEquals(60, merged.minutes().size());
  }

  private static ActiveVisitor visitor(long id, Instant lastSeen, String page) {
    return new ActiveVisitor(id, id * 10, lastSeen.minusSeconds(60), lastSeen, "/", page, 2, 3, "Google", null, "DE", null, "desktop",
        "Chrome", "Windows", null);
  }
}
