package io.sightline.query;

import io.sightline.http.ApiException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Named periods resolved in a time zone, as half-open ranges [start, end): {@code realtime} the last
 * 30 minutes; {@code today}, {@code yesterday} calendar days; {@code 7d}, {@code 14d}, {@code 30d},
 * {@code 90d} that many calendar days ending with today; {@code 12m} the 12 months ending today;
 * {@code all} from the site's first event (the caller passes it) to the end of today.
 */
public final class Periods {
  public static final Duration MAX_RANGE = Duration.ofDays(3660);

  private Periods() {
  }

  public record Range(Instant start, Instant end) {
  }

  public static Range resolve(String period, ZoneId zone, Clock clock, Instant firstEvent) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    Instant tomorrow = today.plusDays(1).atStartOfDay(zone).toInstant();
    return switch (period) {
      case "realtime" -> new Range(clock.instant().minus(Duration.ofMinutes(30)), clock.instant().plusMillis(1));
      case "today" -> new Range(today.atStartOfDay(zone).toInstant(), tomorrow);
      case "yesterday" -> new Range(today.minusDays(1).atStartOfDay(zone).toInstant(), today.atStartOfDay(zone).toInstant());
      case "7d", "14d", "30d", "90d" -> new Range(today.minusDays(Integer.parseInt(period.substring(0, period.length() - 1)) - 1L)
          .atStartOfDay(zone).toInstant(), tomorrow);
      case "12m" -> new Range(today.minusMonths(12).plusDays(1).atStartOfDay(zone).toInstant(), tomorrow);
      case "all" -> new Range(firstEvent == null ? today.atStartOfDay(zone).toInstant()
          : LocalDate.ofInstant(firstEvent, zone).atStartOfDay(zone).toInstant(), tomorrow);
      default -> throw ApiException.badRequest("Unknown period: " + period
          + " (realtime, today, yesterday, 7d, 14d, 30d, 90d, 12m, all, or a date_range)");
    };
  }

  /** A custom range of local dates, end exclusive. */
  public static Range dates(LocalDate start, LocalDate end, ZoneId zone) {
    if (start.getYear() < 1970 || end.getYear() > 9999) {
      throw ApiException.badRequest("Dates must be between 1970-01-01 and 9999-12-30");
    }
    if (!end.isAfter(start)) {
      throw ApiException.badRequest("date_range.end must be after date_range.start (end is exclusive)");
    }
    Range r = new Range(start.atStartOfDay(zone).toInstant(), end.atStartOfDay(zone).toInstant());
    if (Duration.between(r.start(), r.end()).compareTo(MAX_RANGE) > 0) {
      throw ApiException.badRequest("date_range is longer than 10 years");
    }
    return r;
  }
}
