package io.sightline.query;

import io.sightline.query.Comparison.Baseline;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  private static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), UTC);
  }

  private static Periods.Range range(String start, String end) {
    return new Periods.Range(Instant.parse(start), Instant.parse(end));
  }

  private static LocalDate date(String d) {
    return LocalDate.parse(d);
  }

  /** The baseline of a named period resolved by {@link Periods} at the clock's instant. */
  private static Baseline baseline(String period, ZoneId zone, Clock clock) {
    return Comparison.baseline(period, Periods.resolve(period, zone, clock, null), zone, clock).orElseThrow();
  }

  private static Baseline custom(String start, String end, ZoneId zone) {
    Clock clock = at("2026-06-15T12:00:00Z");
    return Comparison.baseline(null, Periods.dates(date(start), date(end), zone), zone, clock).orElseThrow();
  }

  // today

  @Test
  void todayIsComparedWithTheFourPreviousSameWeekdaysUpToTheCurrentTimeOfDay() {
    Baseline b = baseline("today", UTC, at("2026-03-25T14:37:12Z")); // a Wednesday
    assertEquals(new Baseline(List.of(
        range("2026-03-18T00:00:00Z", "2026-03-18T14:37:12Z"),
        range("2026-03-11T00:00:00Z", "2026-03-11T14:37:12Z"),
        range("2026-03-04T00:00:00Z", "2026-03-04T14:37:12Z"),
        range("2026-02-25T00:00:00Z", "2026-02-25T14:37:12Z")),
        date("2026-02-25"), date("2026-03-19")), b);
    assertTrue(b.averaged());
  }

  @Test
  void todayKeepsTheLocalTimeOfDayWhenAPreviousWeekdayHadAnotherUtcOffset() {
    // Sunday 2026-04-05 10:15 CEST; 2026-03-29 is the spring-forward day, the two before are CET
    Baseline b = baseline("today", BERLIN, at("2026-04-05T08:15:00Z"));
    assertEquals(new Baseline(List.of(
        range("2026-03-28T23:00:00Z", "2026-03-29T08:15:00Z"),
        range("2026-03-21T23:00:00Z", "2026-03-22T09:15:00Z"),
        range("2026-03-14T23:00:00Z", "2026-03-15T09:15:00Z"),
        range("2026-03-07T23:00:00Z", "2026-03-08T09:15:00Z")),
        date("2026-03-08"), date("2026-03-30")), b);
  }

  @Test
  void todayAtATimeThatDidNotExistOnTheSpringForwardDayStopsWhenTheClockJumped() {
    // 02:30 CEST on 2026-04-05; on 2026-03-29 the clock jumped from 02:00 CET to 03:00 CEST (01:00Z)
    Baseline b = baseline("today", BERLIN, at("2026-04-05T00:30:00Z"));
    assertEquals(range("2026-03-28T23:00:00Z", "2026-03-29T01:00:00Z"), b.ranges().get(0));
    assertEquals(range("2026-03-21T23:00:00Z", "2026-03-22T01:30:00Z"), b.ranges().get(1));
  }

  @Test
  void todayAtATimeThatHappenedTwiceOnTheFallBackDayStopsAtItsFirstOccurrence() {
    // 02:30 CET on Sunday 2026-11-01; on 2026-10-25 02:30 came first in CEST (00:30Z), then in CET
    Baseline b = baseline("today", BERLIN, at("2026-11-01T01:30:00Z"));
    assertEquals(range("2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z"), b.ranges().get(0));
    assertEquals(range("2026-10-17T22:00:00Z", "2026-10-18T00:30:00Z"), b.ranges().get(1));
  }

  @Test
  void todayUsesTheLocalDateAndTimeWhereTheUtcDateDiffers() {
    // 03:00 IST on Saturday 2026-01-10 is still 2026-01-09 in UTC
    Baseline b = baseline("today", KOLKATA, at("2026-01-09T21:30:00Z"));
    assertEquals(new Baseline(List.of(
        range("2026-01-02T18:30:00Z", "2026-01-02T21:30:00Z"),
        range("2025-12-26T18:30:00Z", "2025-12-26T21:30:00Z"),
        range("2025-12-19T18:30:00Z", "2025-12-19T21:30:00Z"),
        range("2025-12-12T18:30:00Z", "2025-12-12T21:30:00Z")),
        date("2025-12-13"), date("2026-01-04")), b);
  }

  @Test
  void todayAtMidnightHasEmptyBaselines() {
    Baseline b = baseline("today", NEW_YORK, at("2026-03-25T04:00:00Z")); // 00:00 EDT
    assertEquals(range("2026-03-18T04:00:00Z", "2026-03-18T04:00:00Z"), b.ranges().get(0));
    assertEquals(range("2026-02-25T05:00:00Z", "2026-02-25T05:00:00Z"), b.ranges().get(3));
    assertEquals(date("2026-02-25"), b.displayStart());
    assertEquals(date("2026-03-19"), b.displayEndExclusive());
  }

  @Test
  void todayComparesWholeDaysWhenTheClockPassedMidnightAfterTheRangeWasResolved() {
    Periods.Range today = Periods.resolve("today", UTC, at("2026-03-25T23:59:59Z"), null);
    Baseline b = Comparison.baseline("today", today, UTC, at("2026-03-26T00:00:01Z")).orElseThrow();
    assertEquals(range("2026-03-18T00:00:00Z", "2026-03-19T00:00:00Z"), b.ranges().get(0));
    assertEquals(range("2026-02-25T00:00:00Z", "2026-02-26T00:00:00Z"), b.ranges().get(3));
  }

  // yesterday

  @Test
  void yesterdayIsComparedWithTheFourPreviousSameWeekdaysAsWholeDays() {
    Baseline b = baseline("yesterday", UTC, at("2026-03-25T14:37:12Z"));
    assertEquals(new Baseline(List.of(
        range("2026-03-17T00:00:00Z", "2026-03-18T00:00:00Z"),
        range("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"),
        range("2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z"),
        range("2026-02-24T00:00:00Z", "2026-02-25T00:00:00Z")),
        date("2026-02-24"), date("2026-03-18")), b);
  }

  @Test
  void yesterdaysBaselineDayAcrossTheSpringForwardIsTheWholeTwentyThreeHourLocalDay() {
    // today Monday 2026-04-06 in Berlin, yesterday Sunday 2026-04-05
    Baseline b = baseline("yesterday", BERLIN, at("2026-04-06T10:00:00Z"));
    assertEquals(new Baseline(List.of(
        range("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"),
        range("2026-03-21T23:00:00Z", "2026-03-22T23:00:00Z"),
        range("2026-03-14T23:00:00Z", "2026-03-15T23:00:00Z"),
        range("2026-03-07T23:00:00Z", "2026-03-08T23:00:00Z")),
        date("2026-03-08"), date("2026-03-30")), b);
    assertEquals(Duration.ofHours(23), Duration.between(b.ranges().get(0).start(), b.ranges().get(0).end()));
  }

  // 7d, 14d

  @Test
  void sevenDaysIsComparedWithTheFourPrecedingSevenDayPeriodsInLocalDaysAcrossDst() {
    // Friday 2026-03-20 09:00 EDT; New York sprang forward on 2026-03-08
    Baseline b = baseline("7d", NEW_YORK, at("2026-03-20T13:00:00Z"));
    assertEquals(new Baseline(List.of(
        range("2026-03-07T05:00:00Z", "2026-03-14T04:00:00Z"),
        range("2026-02-28T05:00:00Z", "2026-03-07T05:00:00Z"),
        range("2026-02-21T05:00:00Z", "2026-02-28T05:00:00Z"),
        range("2026-02-14T05:00:00Z", "2026-02-21T05:00:00Z")),
        date("2026-02-14"), date("2026-03-14")), b);
  }

  @Test
  void fourteenDaysIsComparedWithTheFourPrecedingFourteenDayPeriods() {
    // 03:00 IST on 2026-01-10: the current range is 2025-12-28 .. 2026-01-10
    Baseline b = baseline("14d", KOLKATA, at("2026-01-09T21:30:00Z"));
    assertEquals(new Baseline(List.of(
        range("2025-12-13T18:30:00Z", "2025-12-27T18:30:00Z"),
        range("2025-11-29T18:30:00Z", "2025-12-13T18:30:00Z"),
        range("2025-11-15T18:30:00Z", "2025-11-29T18:30:00Z"),
        range("2025-11-01T18:30:00Z", "2025-11-15T18:30:00Z")),
        date("2025-11-02"), date("2025-12-28")), b);
  }

  // 30d, 90d, 12m

  @Test
  void thirtyDaysIsComparedWithThePrecedingThirtyDays() {
    Baseline b = baseline("30d", UTC, at("2026-03-25T14:37:12Z")); // current 2026-02-24 .. 2026-03-25
    assertEquals(new Baseline(List.of(range("2026-01-25T00:00:00Z", "2026-02-24T00:00:00Z")),
        date("2026-01-25"), date("2026-02-24")), b);
    assertFalse(b.averaged());
  }

  @Test
  void ninetyDaysIsComparedWithThePrecedingNinetyLocalDaysAcrossTheAutumnChange() {
    Baseline b = baseline("90d", BERLIN, at("2026-04-10T10:00:00Z")); // current 2026-01-11 .. 2026-04-10
    assertEquals(new Baseline(List.of(range("2025-10-12T22:00:00Z", "2026-01-10T23:00:00Z")),
        date("2025-10-13"), date("2026-01-11")), b);
  }

  @Test
  void twelveMonthsIsComparedWithTheSameTwelveMonthsAYearEarlier() {
    Baseline b = baseline("12m", BERLIN, at("2026-03-25T10:00:00Z")); // current 2025-03-26 .. 2026-03-25
    assertEquals(new Baseline(List.of(range("2024-03-25T23:00:00Z", "2025-03-25T23:00:00Z")),
        date("2024-03-26"), date("2025-03-26")), b);
  }

  @Test
  void twelveMonthsOnALeapDayIsComparedWithTheTwelveMonthsBeforeMarchFirst() {
    // today 2024-02-29: the current range is 2023-03-01 .. 2024-02-29
    Baseline b = baseline("12m", UTC, at("2024-02-29T12:00:00Z"));
    assertEquals(new Baseline(List.of(range("2022-03-01T00:00:00Z", "2023-03-01T00:00:00Z")),
        date("2022-03-01"), date("2023-03-01")), b);
  }

  @Test
  void twelveMonthsStartingOnALeapDayIsFollowedByItsBaselineWithoutOverlapOrGap() {
    // today 2025-02-28: the current range is 2024-02-29 .. 2025-02-28 (366 days)
    Periods.Range current = Periods.resolve("12m", UTC, at("2025-02-28T12:00:00Z"), null);
    assertEquals(Instant.parse("2024-02-29T00:00:00Z"), current.start());
    Baseline b = baseline("12m", UTC, at("2025-02-28T12:00:00Z"));
    assertEquals(new Baseline(List.of(range("2023-03-01T00:00:00Z", "2024-02-29T00:00:00Z")),
        date("2023-03-01"), date("2024-02-29")), b);
  }

  @Test
  void twelveMonthsAtAMonthEndIsComparedWithTheTwelveMonthsBefore() {
    Baseline b = baseline("12m", UTC, at("2024-03-31T12:00:00Z")); // current 2023-04-01 .. 2024-03-31
    assertEquals(new Baseline(List.of(range("2022-04-01T00:00:00Z", "2023-04-01T00:00:00Z")),
        date("2022-04-01"), date("2023-04-01")), b);
  }

  // custom date_range

  @Test
  void aCustomRangeIsComparedWithThePrecedingRangeOfAsManyDays() {
    // api-specs §5.3.5's example: March 2026 (end exclusive 03-31: 30 days) against 2026-01-30 .. 2026-02-28
    Baseline b = custom("2026-03-01", "2026-03-31", BERLIN);
    assertEquals(new Baseline(List.of(range("2026-01-29T23:00:00Z", "2026-02-28T23:00:00Z")),
        date("2026-01-30"), date("2026-03-01")), b);
  }

  @Test
  void aCustomRangeAfterTheSpringForwardIsComparedWithWholeLocalDaysAcrossIt() {
    Baseline b = custom("2026-03-30", "2026-04-01", BERLIN);
    assertEquals(new Baseline(List.of(range("2026-03-27T23:00:00Z", "2026-03-29T22:00:00Z")),
        date("2026-03-28"), date("2026-03-30")), b);
  }

  @Test
  void aOneDayCustomRangeIsComparedWithTheDayBefore() {
    Baseline b = custom("2026-03-01", "2026-03-02", NEW_YORK);
    assertEquals(new Baseline(List.of(range("2026-02-28T05:00:00Z", "2026-03-01T05:00:00Z")),
        date("2026-02-28"), date("2026-03-01")), b);
  }

  // realtime, all, unknown

  @Test
  void realtimeIsComparedWithTheThirtyMinutesBefore() {
    Baseline b = baseline("realtime", UTC, at("2026-03-25T14:37:12.345Z"));
    assertEquals(new Baseline(List.of(range("2026-03-25T13:37:12.345Z", "2026-03-25T14:07:12.345Z")),
        date("2026-03-25"), date("2026-03-26")), b);
  }

  @Test
  void realtimeJustAfterLocalMidnightShowsTheLocalDayItsBaselineFellOn() {
    Baseline b = baseline("realtime", KOLKATA, at("2026-03-24T18:40:00Z")); // 00:10 IST on 03-25
    assertEquals(new Baseline(List.of(range("2026-03-24T17:40:00Z", "2026-03-24T18:10:00Z")),
        date("2026-03-24"), date("2026-03-25")), b);
  }

  @Test
  void allTimeHasNoComparison() {
    Clock clock = at("2026-03-25T14:37:12Z");
    Periods.Range all = Periods.resolve("all", UTC, clock, Instant.parse("2025-01-01T10:00:00Z"));
    assertEquals(Optional.empty(), Comparison.baseline("all", all, UTC, clock));
  }

  @Test
  void anUnknownPeriodIsAProgrammingError() {
    Clock clock = at("2026-03-25T14:37:12Z");
    Periods.Range today = Periods.resolve("today", UTC, clock, null);
    assertThrows(IllegalArgumentException.class, () -> Comparison.baseline("6w", today, UTC, clock));
  }
}
