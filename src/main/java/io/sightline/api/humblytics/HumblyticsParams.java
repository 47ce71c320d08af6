package io.sightline.api.humblytics;

import io.sightline.event.Dimension;
import io.sightline.http.ApiException;
import io.sightline.query.Periods;
import io.vertx.core.MultiMap;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Humblytics common parameters (api-specs.md §1.3), parsed and checked; every bad value is a
 * 400 {@code invalid_request}. Pure: no Vert.x types but the parameter map.
 *
 * <p>Dates: a date-only {@code start} is local midnight in {@code timezone}; a date-only {@code end}
 * is exclusive (the range stops at local midnight of that date, shown as {@code meta.end} one
 * second earlier, as the vendor's sample does). A timestamp with an offset is used as given, a
 * timestamp without one is read in {@code timezone}; a timestamp {@code end} is inclusive (to the
 * millisecond). Buckets run by calendar label from {@code start}'s to {@code end}'s, both
 * included, so a date-only {@code end} adds one last, empty bucket (the documented sample: May 1 to
 * May 7 by day is 7 buckets).
 */
final class HumblyticsParams {
  static final int MAX_BUCKETS = 500;
  static final int MAX_LIMIT = 50;
  static final int DEFAULT_LIMIT = 10;
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");
  static final DateTimeFormatter META_INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00", Locale.ROOT);
  private static final DateTimeFormatter DAY_LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
  private static final DateTimeFormatter MONTH_LABEL = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT);

  private HumblyticsParams() {
  }

  /** Bucket sizes and the engine's time dimension for each. */
  enum Granularity {
    HOUR(Dimension.HOUR), DAY(Dimension.DATE), WEEK(Dimension.WEEK), MONTH(Dimension.MONTH);

    final Dimension dimension;

    Granularity(Dimension dimension) {
      this.dimension = dimension;
    }

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The start of the bucket holding local time {@code t} (weeks start on Monday, as ISO weeks do). */
    LocalDateTime truncate(LocalDateTime t) {
      return switch (this) {
        case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
        case DAY -> t.truncatedTo(ChronoUnit.DAYS);
        case WEEK -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
        case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
      };
    }

    LocalDateTime next(LocalDateTime t) {
      return switch (this) {
        case HOUR -> t.plusHours(1);
        case DAY -> t.plusDays(1);
        case WEEK -> t.plusWeeks(1);
        case MONTH -> t.plusMonths(1);
      };
    }

    long count(LocalDateTime first, LocalDateTime last) {
      return switch (this) {
        case HOUR -> ChronoUnit.HOURS.between(first, last) + 1;
        case DAY -> ChronoUnit.DAYS.between(first, last) + 1;
        case WEEK -> ChronoUnit.WEEKS.between(first, last) + 1;
        case MONTH -> ChronoUnit.MONTHS.between(YearMonth.from(first), YearMonth.from(last)) + 1;
      };
    }

    /** The engine's label of the bucket starting at {@code t}. */
    String label(LocalDateTime t) {
      return switch (this) {
        case HOUR -> HOUR_LABEL.format(t);
        case DAY, WEEK -> DAY_LABEL.format(t);
        case MONTH -> MONTH_LABEL.format(t);
      };
    }

    static Granularity parse(String raw) {
      if (raw == null) {
        return DAY;
      }
      for (Granularity g : values()) {
        if (g.id().equals(raw)) {
          return g;
        }
      }
      throw ApiException.badRequest("Unsupported granularity: " + shorten(raw) + " (hour, day, week or month)");
    }
  }

  /**
   * A resolved range: the engine's half-open [start, end), what {@code meta} shows, and the local
   * start of the first and last bucket.
   */
  record Range(Instant start, Instant end, Instant metaEnd, ZoneId zone, String timezone, Instant lastBucketAnchor) {
    String metaStart() {
      return META_INSTANT.format(start);
    }

    String metaEndText() {
      return META_INSTANT.format(metaEnd);
    }

    /** The buckets' local starts, or 400 when there are more than {@link #MAX_BUCKETS}. */
    List<LocalDateTime> buckets(Granularity g) {
      LocalDateTime first = g.truncate(LocalDateTime.ofInstant(start, zone));
      LocalDateTime last = g.truncate(LocalDateTime.ofInstant(lastBucketAnchor, zone));
      long count = g.count(first, last);
      if (count > MAX_BUCKETS) {
        throw ApiException.badRequest("The range has " + count + " " + g.id() + " buckets; at most " + MAX_BUCKETS
            + " are allowed: narrow the range or use a coarser granularity");
      }
      List<LocalDateTime> out = new ArrayList<>();
      for (LocalDateTime b = first; !b.isAfter(last); b = g.next(b)) {
        out.add(b);
      }
      return out;
    }

    /** A bucket's start as an ISO-8601 timestamp in the requested zone ({@code Z} for UTC). */
    String bucketStart(LocalDateTime local) {
      return local.atZone(zone).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
  }

  static Range range(MultiMap params) {
    ZoneId zone = zone(params.get("timezone"));
    String timezone = params.get("timezone") == null ? "UTC" : params.get("timezone");
    String rawStart = required(params, "start");
    String rawEnd = required(params, "end");
    Instant start = instant("start", rawStart, zone);
    Instant endGiven = instant("end", rawEnd, zone);
    if (!endGiven.isAfter(start)) {
      throw ApiException.badRequest("end must be after start");
    }
    boolean endIsDate = DATE.matcher(rawEnd).matches();
    Instant end = endIsDate ? endGiven : endGiven.plusMillis(1);
    if (Duration.between(start, end).compareTo(Periods.MAX_RANGE) > 0) {
      throw ApiException.badRequest("The range is too large (at most 10 years)");
    }
    return new Range(start, end, endIsDate ? endGiven.minusSeconds(1) : endGiven, zone, timezone, endGiven);
  }

  static ZoneId zone(String raw) {
    if (raw == null) {
      return ZoneId.of("UTC");
    }
    try {
      ZoneId zone = raw.length() <= 64 && raw.contains("/") || raw.equals("UTC") ? ZoneId.of(raw) : null;
      if (zone != null && !(zone instanceof ZoneOffset)) {
        return zone;
      }
    } catch (DateTimeException e) {
      // answered below
    }
    throw ApiException.badRequest("Unsupported timezone: " + shorten(raw) + " (an IANA name such as America/New_York)");
  }

  private static String required(MultiMap params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(name + " is required (an ISO-8601 date or timestamp, e.g. 2024-05-01 or 2024-05-01T00:00:00Z)");
    }
    return value.trim();
  }

  /** A date (local midnight), a timestamp with an offset (as given) or a local timestamp (in the zone). */
  static Instant instant(String name, String raw, ZoneId zone) {
    Instant t = null;
    if (raw.length() <= 40) {
      try {
        if (DATE.matcher(raw).matches()) {
          t = LocalDate.parse(raw).atStartOfDay(zone).toInstant();
        } else if (raw.endsWith("Z") || raw.matches(".*[+-]\\d{2}(:?\\d{2})?$") && raw.indexOf('T') > 0) {
          t = OffsetDateTime.parse(raw).toInstant();
        } else {
          t = LocalDateTime.parse(raw).atZone(zone).toInstant();
        }
      } catch (DateTimeParseException e) {
        t = null;
      }
    }
    if (t == null || t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw ApiException.badRequest("Invalid " + name + ": " + shorten(raw)
          + " (an ISO-8601 date or timestamp, e.g. 2024-05-01 or 2024-05-01T00:00:00Z)");
    }
    return t;
  }

  /** {@code limit}: 1 to 50, default 10. */
  static int limit(MultiMap params) {
    String raw = params.get("limit");
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + " (got " + limit + ")");
    }
    return limit;
  }

  /** The required {@code page} path of the details endpoints (already URL-decoded). */
  static String page(MultiMap params) {
    String page = params.get("page");
    if (page == null || page.isEmpty()) {
      throw ApiException.badRequest("page is required (a page path such as /pricing, URL-encoded)");
    }
    if (!page.startsWith("/") || page.length() > 2000) {
      throw ApiException.badRequest("page must be a path starting with / (at most 2000 characters)");
    }
    return page;
  }

  static String shorten(String raw) {
    return raw.length() > 64 ? raw.substring(0, 64) + "…" : raw;
  }
}
