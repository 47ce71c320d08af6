package io.sightline.rollup;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accumulator's deltas on hand-made cases: each expected count follows from the definitions in docs/ingestion.md, "Rollups". */
class RollupAccumulatorTest {
  static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  static final Instant MIDNIGHT = Instant.parse("2026-11-21T00:00:00Z");

  static EventRecord event(long visitor, long session, Instant ts, String type, String path, boolean stable) {
    return new EventRecord(1, ts, ts.toEpochMilli(), session, visitor, null, DAY, null, type, type.equals("custom") ? "Signup" : type,
        "example.com", path, null, null, null, "Google", "Organic Search", null, null, null, null, null, null, "DE", null, null,
        "desktop", "Chrome", null, "Windows", null, null, null, null, null, null, null, null, null, null, true, null, stable);
  }

  static SessionRow session(long visitor, long session, Instant start, Instant last, String exit, int pageviews, boolean interactive) {
    return new SessionRow(1, session, start, last, visitor, null, DAY, "/", exit, "example.com", null, null, "Google", "Organic Search",
        null, null, null, null, null, null, "DE", null, null, "desktop", "Chrome", null, "Windows", null, null, pageviews, pageviews, interactive,
        0, 0, null, 0, null, null, new Integer[0]);
  }

  static long quarter(Instant t) {
    return t.getEpochSecond() / 900;
  }

  @Test
  void aSecondPageviewTurnsTheBounceIntoAVisitAndMovesTheExitPage() {
    RollupAccumulator acc = new RollupAccumulator();
    Instant t = MIDNIGHT.minusSeconds(3600);
    RollupDelta first = acc.apply(List.of(event(7, 70, t, "pageview", "/", false)), List.of(session(7, 70, t, t, "/", 1, false)), t);
    long[] total = first.totals.get(new RollupDelta.TotalKey(1, quarter(t)));
    // vf, vl, vls, pageviews, events, stable, sessions, bounces, duration_us, session_pageviews, clickers
    assertArrayEquals(new long[] {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0}, total);
    acc.commit();
    Instant t2 = t.plusSeconds(90);
    RollupDelta second = acc.apply(List.of(event(7, 70, t2, "pageview", "/pricing", false)),
        List.of(session(7, 70, t, t2, "/pricing", 2, false)), t2);
    long[] moved = second.totals.get(new RollupDelta.TotalKey(1, quarter(t)));
    assertArrayEquals(new long[] {0, 0, 0, 1, 1, 0, 0, -1, 90_000_000, 1, 0}, moved, "same bucket: one more pageview, no longer a bounce, 90 s");
    assertEquals(-1, second.dimRow(1, RollupDim.EXIT_PAGE, DAY, "/")[RollupDelta.D_SESSIONS]);
    assertEquals(1, second.dimRow(1, RollupDim.EXIT_PAGE, DAY, "/pricing")[RollupDelta.D_SESSIONS]);
    assertEquals(1, second.dimRow(1, RollupDim.PAGE, DAY, "/pricing")[RollupDelta.D_VISITORS], "a new (visitor, page) pair");
    assertEquals(0, second.dimRow(1, RollupDim.SOURCE, DAY, "Google")[RollupDelta.D_VISITORS], "the visitor was already counted for Google");
  }

  @Test
  void aSessionCrossingMidnightIsCarriedAndSpills() {
    RollupAccumulator acc = new RollupAccumulator();
    Instant before = MIDNIGHT.minusSeconds(600);
    Instant after = MIDNIGHT.plusSeconds(600);
    RollupDelta d = acc.apply(List.of(event(9, 90, before, "pageview", "/", false), event(9, 90, after, "pageview", "/", false)),
        List.of(session(9, 90, before, after, "/", 2, false)), after);
    long[] last = d.totals.get(new RollupDelta.TotalKey(1, quarter(before)));
    assertEquals(1, last[RollupDelta.T_VF]);
    assertEquals(1, last[RollupDelta.T_VL], "last event within its salt day");
    assertEquals(1, last[2], "and it spilled past midnight");
    long[] afterMidnight = d.totals.get(new RollupDelta.TotalKey(1, quarter(after)));
    assertEquals(0, afterMidnight[RollupDelta.T_VF], "the spill is the same id: no second first event");
    assertEquals(1, afterMidnight[RollupDelta.T_PAGEVIEWS]);
    long[] page = d.dimRow(1, RollupDim.PAGE, DAY, "/");
    long[] nextDay = d.dimRow(1, RollupDim.PAGE, DAY.plusDays(1), "/");
    assertEquals(1, page[RollupDelta.D_VISITORS]);
    assertEquals(1, nextDay[RollupDelta.D_CARRY], "seen again the next day: carried, not counted again");
    assertEquals(0, nextDay[RollupDelta.D_VISITORS]);
  }

  @Test
  void stableIdsAreNotDeduplicatedAndARolledBackBatchLeavesNoTrace() {
    RollupAccumulator acc = new RollupAccumulator();
    Instant t = MIDNIGHT.minusSeconds(7200);
    RollupDelta stable = acc.apply(List.of(event(5, 50, t, "pageview", "/", true)), List.of(), t);
    long[] total = stable.totals.get(new RollupDelta.TotalKey(1, quarter(t)));
    assertEquals(1, total[RollupDelta.T_STABLE]);
    assertEquals(0, total[RollupDelta.T_VF]);
    acc.commit();
    long before = acc.entries();
    acc.apply(List.of(event(6, 60, t, "pageview", "/", false)), List.of(session(6, 60, t, t, "/", 1, false)), t);
    assertTrue(acc.entries() > before);
    acc.rollback();
    assertEquals(before, acc.entries());
    RollupDelta again = acc.apply(List.of(event(6, 60, t, "pageview", "/", false)), List.of(session(6, 60, t, t, "/", 1, false)), t);
    assertEquals(1, again.totals.get(new RollupDelta.TotalKey(1, quarter(t)))[RollupDelta.T_VF], "counted once after the retry");
  }

  /** The first-occurrence flags of a batch's events, by hand: first of the key on the event's UTC day, and "both days" for the spill. */
  @Test
  void eventsCarryTheirFirstOccurrenceFlags() {
    RollupAccumulator acc = new RollupAccumulator();
    Instant t = MIDNIGHT.minusSeconds(1800);
    int visitor = FirstFlags.first(FirstFlags.Key.VISITOR);
    int page = FirstFlags.first(FirstFlags.Key.PAGE);
    int pageSource = FirstFlags.first(FirstFlags.Key.PAGE_SOURCE);
    int source = FirstFlags.first(FirstFlags.Key.SOURCE);
    RollupDelta d = acc.apply(List.of(
        event(5, 50, t, "pageview", "/", false),                        // first of everything on DAY
        event(5, 50, t.plusSeconds(60), "pageview", "/", false),        // nothing new
        event(5, 50, t.plusSeconds(120), "pageview", "/docs", false),   // a new page: page keys only
        event(5, 50, MIDNIGHT.plusSeconds(300), "pageview", "/", false), // the spill: first on the next day, and now on both
        event(6, 60, MIDNIGHT.plusSeconds(60), "custom", "/", true)),   // a stable id: no flags
        List.of(), t);
    Integer[] m = d.firstMasks();
    assertTrue((m[0] & visitor) != 0 && (m[0] & page) != 0 && (m[0] & pageSource) != 0 && (m[0] & source) != 0);
    assertEquals(0, m[1]);
    assertEquals(0, m[2] & (visitor | source), "the visitor and its source were seen");
    assertTrue((m[2] & page) != 0 && (m[2] & pageSource) != 0);
    int both = FirstFlags.both(FirstFlags.Key.VISITOR) | FirstFlags.both(FirstFlags.Key.PAGE) | FirstFlags.both(FirstFlags.Key.SOURCE);
    assertEquals(both, m[3] & both);
    assertTrue((m[3] & visitor) != 0 && (m[3] & page) != 0, "first of the pairs on the next UTC day");
    assertEquals(0, m[4]);
    acc.commit();

    // out of order: the next day's event first, then the salt day's, which completes both days
    RollupDelta late = acc.apply(List.of(event(8, 80, MIDNIGHT.plusSeconds(60), "pageview", "/", false),
        event(8, 80, t, "pageview", "/", false)), List.of(), t);
    Integer[] l = late.firstMasks();
    assertEquals(0, l[0] & FirstFlags.both(FirstFlags.Key.PAGE));
    assertTrue((l[1] & page) != 0 && (l[1] & FirstFlags.both(FirstFlags.Key.PAGE)) != 0);
    // and the drill-down rows count the pair once per day seen: visitors on the salt day, carry on the next
    assertEquals(1, late.drills.get(new RollupDelta.DrillKey(1, RollupDim.SOURCE.id(), "Google", DAY.toEpochDay(), "/"))[RollupDelta.D_VISITORS]);
    long[] next = late.drills.get(new RollupDelta.DrillKey(1, RollupDim.SOURCE.id(), "Google", DAY.toEpochDay() + 1, "/"));
    assertEquals(0, next[RollupDelta.D_VISITORS]);
    assertEquals(1, next[RollupDelta.D_CARRY]);
  }
}
