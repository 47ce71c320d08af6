package io.sightline.api.datalyr;

import io.sightline.http.ApiException;
import io.sightline.query.Periods;
import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Parses DATALYR's query parameters. Dates (api-specs.md §4.5) are ISO 8601 with {@code Z}, an
 * offset, or milliseconds; a date-time without offset, or a plain date, is read in the workspace
 * (site) time zone. Both bounds are inclusive: an end given to the second includes that whole
 * second, an end with a fraction includes that millisecond, a plain end date includes that day.
 * Internally the range is half-open [start, endExclusive).
 */
public final class DatalyrParams {
  static final int MAX_PARAM = 64;

  private DatalyrParams() {
  }

  /** A resolved range: {@code end} is exclusive; {@code inclusiveEnd} is the last instant it covers. */
  public record Range(Instant start, Instant end, ZoneId zone) {
    public Instant inclusiveEnd() {
      return end.minusMillis(1);
    }
  }

  public static Range range(MultiMap p, ZoneId zone) {
    String start = p.get("start_date");
    String end = p.get("end_date");
    if (start == null || end == null || start.isBlank() || end.isBlank()) {
      throw ApiException.badRequest("start_date and end_date are required");
    }
    Instant from = instant(start, zone, false, "start_date");
    Instant to = instant(end, zone, true, "end_date");
    if (!to.isAfter(from)) {
      throw ApiException.badRequest("end_date must not be before start_date");
    }
    if (Duration.between(from, to).compareTo(Periods.MAX_RANGE) > 0) {
      throw ApiException.badRequest("the date range is longer than 10 years");
    }
    return new Range(from, to, zone);
  }

  /** One bound; for the end, the first instant after it (inclusive end). */
  static Instant instant(String text, ZoneId zone, boolean end, String name) {
    if (text.length() > MAX_PARAM) {
      throw ApiException.badRequest(name + " is too long");
    }
    Instant t;
    boolean dateOnly = false;
    try {
      t = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        t = LocalDateTime.parse(text).atZone(zone).toInstant();
      } catch (DateTimeParseException e2) {
        try {
          LocalDate d = LocalDate.parse(text);
          t = (end ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
          dateOnly = true;
        } catch (DateTimeParseException | ArithmeticException e3) {
          throw ApiException.badRequest(name + " must be an ISO 8601 date-time such as 2026-03-16T14:30:00Z, "
              + "2026-03-16T08:30:00-06:00 or 2026-03-16T14:30:45.123Z");
        }
      }
    }
    if (t.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || t.isAfter(Instant.parse("9999-01-01T00:00:00Z"))) {
      throw ApiException.badRequest(name + " is out of range");
    }
    if (!end || dateOnly) {
      return t;
    }
    return t.getNano() == 0 ? t.plusSeconds(1) : t.plusMillis(1).minusNanos(t.getNano() % 1_000_000);
  }

  /** A whole number parameter in [min, max], or the default when absent. */
  public static int integer(MultiMap p, String name, int fallback, int min, int max) {
    String v = p.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      if (v.length() <= 10) {
        int n = Integer.parseInt(v.trim());
        if (n >= min && n <= max) {
          return n;
        }
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max);
  }

  /** One of {@code allowed}, or the default when absent. */
  public static String choice(MultiMap p, String name, String fallback, List<String> allowed) {
    String v = p.get(name);
    if (v == null) {
      return fallback;
    }
    if (!allowed.contains(v)) {
      throw ApiException.badRequest(name + " must be one of " + String.join(", ", allowed));
    }
    return v;
  }

  /** An optional text filter (at most 500 characters, no control characters), or null. */
  public static String text(MultiMap p, String name) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.length() > 500 || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.badRequest(name + " must be at most 500 characters without control characters");
    }
    return v;
  }

  /**
   * The overview's automatic bucket: the same local day → hour; up to 60 days → day; up to 180 →
   * week; beyond → month. Days are the local calendar days the range touches.
   */
  public static String autoAggregation(Range r) {
    LocalDate first = LocalDate.ofInstant(r.start(), r.zone());
    LocalDate last = LocalDate.ofInstant(r.inclusiveEnd(), r.zone());
    long days = java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1;
    return days <= 1 ? "hour" : days <= 60 ? "day" : days <= 180 ? "week" : "month";
  }
}
