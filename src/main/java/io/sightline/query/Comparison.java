package io.sightline.query;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The baseline a query's range is compared against (api-specs.md §5.3.5). Pure: the caller runs the
 * same query over each baseline range and merges the results with {@link ComparisonMerge}.
 * <ul>
 *   <li>{@code today}: the same weekday 1 to 4 weeks back, each from local midnight up to the local
 *   time of day of now (the exact instant's time, not the end of the current hour, so that the
 *   baselines cover as much of their day as today has had so far); averaged;</li>
 *   <li>{@code yesterday}: the same weekday 1 to 4 weeks back, whole days; averaged;</li>
 *   <li>{@code 7d}, {@code 14d}: the 4 preceding periods of 7 (14) days, back to back; averaged;</li>
 *   <li>{@code 30d}, {@code 90d} and a custom {@code date_range}: the one preceding range of as many
 *   local days;</li>
 *   <li>{@code 12m}: the 12 months before, in the same calendar sense as {@link Periods}: the 12 months
 *   ending the day before the current range starts, so the two never overlap nor leave a gap;</li>
 *   <li>{@code realtime}: the 30 minutes before the current window;</li>
 *   <li>{@code all}: no comparison.</li>
 * </ul>
 * Every day-based range is computed on local dates in the query's zone and only then turned into
 * instants with {@link LocalDate#atStartOfDay(ZoneId)}, so a baseline day across a DST change is
 * the whole local day (23 or 25 hours). The dates come from {@code current} (as resolved by
 * {@link Periods}); the clock is read only for today's time of day.
 */
public final class Comparison {
  /** How many same weekdays or preceding periods are averaged for today, yesterday, 7d and 14d. */
  public static final int AVERAGED_PERIODS = 4;

  private Comparison() {
  }

  /**
   * The baseline: one range (30d, 90d, 12m, custom, realtime) or four to average (today,
   * yesterday, 7d, 14d), oldest last; {@code [displayStart, displayEndExclusive)} is the span of
   * local dates they cover, for the response's {@code comparison_range} (end exclusive like
   * {@code date_range}). For weekday baselines the span includes the days in between.
   */
  public record Baseline(List<Periods.Range> ranges, LocalDate displayStart, LocalDate displayEndExclusive) {
    public Baseline {
      ranges = List.copyOf(ranges);
    }

    /** True when the ranges are averaged (today, yesterday, 7d, 14d) rather than a single preceding range. */
    public boolean averaged() {
      return ranges.size() > 1;
    }
  }

  /**
   * The baseline for a range chosen by {@code period} (null for a custom {@code date_range}), or
   * empty for {@code all}.
   *
   * @param current the range as resolved by {@link Periods#resolve} or {@link Periods#dates} in {@code zone}
   * @throws IllegalArgumentException for a period {@link Periods} does not know
   */
  public static Optional<Baseline> baseline(String period, Periods.Range current, ZoneId zone, Clock clock) {
    if (period == null) {
      return Optional.of(precedingDays(current, zone));
    }
    return switch (period) {
      case "all" -> Optional.empty();
      case "realtime" -> Optional.of(realtime(current, zone));
      case "today" -> Optional.of(sameWeekdays(current, zone, timeOfDay(current, zone, clock)));
      case "yesterday" -> Optional.of(sameWeekdays(current, zone, null));
      case "7d", "14d" -> Optional.of(precedingPeriods(current, zone));
      case "30d", "90d" -> Optional.of(precedingDays(current, zone));
      case "12m" -> Optional.of(precedingYear(current, zone));
      default -> throw new IllegalArgumentException("Unknown period: " + period);
    };
  }

  /** The same weekday 1..4 weeks back; each cut at {@code cut} (a local time) or whole when null. */
  private static Baseline sameWeekdays(Periods.Range current, ZoneId zone, LocalTime cut) {
    LocalDate day = localDate(current.start(), zone);
    List<Periods.Range> ranges = new ArrayList<>();
    for (int k = 1; k <= AVERAGED_PERIODS; k++) {
      LocalDate d = day.minusWeeks(k);
      Instant end = cut == null ? start(d.plusDays(1), zone) : firstInstantAtOrAfter(d.atTime(cut), zone);
      ranges.add(new Periods.Range(start(d, zone), end));
    }
    return new Baseline(ranges, day.minusWeeks(AVERAGED_PERIODS), day.minusWeeks(1).plusDays(1));
  }

  /** The 4 back-to-back periods of the current range's length in local days before it (7d, 14d). */
  private static Baseline precedingPeriods(Periods.Range current, ZoneId zone) {
    LocalDate first = localDate(current.start(), zone);
    long days = localDays(current, zone);
    List<Periods.Range> ranges = new ArrayList<>();
    for (int k = 1; k <= AVERAGED_PERIODS; k++) {
      ranges.add(new Periods.Range(start(first.minusDays(k * days), zone), start(first.minusDays((k - 1) * days), zone)));
    }
    return new Baseline(ranges, first.minusDays(AVERAGED_PERIODS * days), first);
  }

  /** The one range of as many local days just before the current one (30d, 90d, custom). */
  private static Baseline precedingDays(Periods.Range current, ZoneId zone) {
    LocalDate first = localDate(current.start(), zone);
    LocalDate from = first.minusDays(localDays(current, zone));
    return new Baseline(List.of(new Periods.Range(start(from, zone), start(first, zone))), from, first);
  }

  /** The 12 months ending the day before the current 12m range starts, as {@link Periods} counts "12m". */
  private static Baseline precedingYear(Periods.Range current, ZoneId zone) {
    LocalDate first = localDate(current.start(), zone);
    LocalDate from = first.minusDays(1).minusMonths(12).plusDays(1);
    return new Baseline(List.of(new Periods.Range(start(from, zone), start(first, zone))), from, first);
  }

  /** The window of the same length just before the realtime one (30 minutes; the current one ends 1 ms past now). */
  private static Baseline realtime(Periods.Range current, ZoneId zone) {
    Periods.Range r = new Periods.Range(current.start().minus(Duration.ofMinutes(30)), current.start());
    return new Baseline(List.of(r), localDate(r.start(), zone), localDate(r.end().minusNanos(1), zone).plusDays(1));
  }

  /**
   * How far into today to compare: now's local time of day while now is inside today's range, the
   * whole day (null) once now has passed its end (the clock crossed midnight since the range was
   * resolved), nothing (midnight) if now is before it.
   */
  private static LocalTime timeOfDay(Periods.Range today, ZoneId zone, Clock clock) {
    Instant now = clock.instant();
    if (!now.isBefore(today.end())) {
      return null;
    }
    if (now.isBefore(today.start())) {
      return LocalTime.MIDNIGHT;
    }
    return LocalTime.ofInstant(now, zone);
  }

  /**
   * The first instant at which the local clock reads {@code t} or later: in a DST gap (a time that
   * does not exist that day) the instant the clock jumps, in an overlap the earlier of the two.
   */
  private static Instant firstInstantAtOrAfter(LocalDateTime t, ZoneId zone) {
    ZoneOffsetTransition transition = zone.getRules().getTransition(t);
    if (transition != null && transition.isGap()) {
      return transition.getInstant();
    }
    return t.atZone(zone).toInstant(); // not in a gap: the earlier offset if in an overlap
  }

  private static long localDays(Periods.Range r, ZoneId zone) {
    return ChronoUnit.DAYS.between(localDate(r.start(), zone), localDate(r.end(), zone));
  }

  private static LocalDate localDate(Instant t, ZoneId zone) {
    return LocalDate.ofInstant(t, zone);
  }

  private static Instant start(LocalDate d, ZoneId zone) {
    return d.atStartOfDay(zone).toInstant();
  }
}
