package io.sightline.api.hubspot;

import io.sightline.http.ApiException;
import io.vertx.core.MultiMap;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The query parameters of a report (api-specs.md §2.4), checked: {@code start}/{@code end}
 * ({@code YYYYMMDD} or {@code YYYY-MM-DD}, both days included), {@code d1}/{@code d2}, {@code f} and
 * {@code e} (repeatable; {@code exclude} is an alias of {@code e}), {@code filterId}, {@code sort},
 * {@code sortDir} (ASC/DESC, default DESC), {@code limit} (1-10,000, default 350), {@code offset}
 * (default 0). Pure: no Vert.x types but the parameter map.
 */
public record HubSpotParams(LocalDate start, LocalDate end, String d1, String d2, List<String> include, List<String> exclude,
                            Integer filterId, String sort, boolean ascending, int limit, int offset) {
  public static final int DEFAULT_LIMIT = 350;
  public static final int MAX_LIMIT = 10_000;
  public static final int MAX_OFFSET = 1_000_000;
  public static final int MAX_DAYS = 3660;
  public static final int MAX_TIME_POINTS = 500;
  private static final int MAX_VALUES = 1000;
  private static final int MAX_VALUE_LENGTH = 2000;

  public static HubSpotParams parse(MultiMap p) {
    LocalDate start = date(p.get("start"), "start");
    LocalDate end = date(p.get("end"), "end");
    if (end.isBefore(start)) {
      throw ApiException.badRequest("end must not be before start (both days are included)");
    }
    if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
      throw ApiException.badRequest("the range from start to end is longer than " + MAX_DAYS + " days");
    }
    String d1 = text(p.get("d1"), "d1");
    String d2 = text(p.get("d2"), "d2");
    if (d2 != null && d1 == null) {
      throw ApiException.badRequest("d2 needs d1");
    }
    List<String> exclude = new ArrayList<>(values(p.getAll("e"), "e"));
    exclude.addAll(values(p.getAll("exclude"), "exclude"));
    String sortDir = p.get("sortDir");
    boolean ascending = false;
    if (sortDir != null) {
      switch (sortDir.toUpperCase(Locale.ROOT)) {
        case "ASC" -> ascending = true;
        case "DESC" -> ascending = false;
        default -> throw ApiException.badRequest("sortDir must be ASC or DESC");
      }
    }
    String sort = text(p.get("sort"), "sort");
    return new HubSpotParams(start, end, d1, d2, values(p.getAll("f"), "f"), exclude, integer(p.get("filterId"), "filterId", 1, Integer.MAX_VALUE, null),
        sort, ascending, integer(p.get("limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT), integer(p.get("offset"), "offset", 0, MAX_OFFSET, 0));
  }

  /** {@code YYYYMMDD} (HubSpot's form) or {@code YYYY-MM-DD}. */
  static LocalDate date(String raw, String name) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest(name + " is required (YYYYMMDD)");
    }
    String s = raw.strip();
    try {
      if (s.matches("\\d{8}")) {
        return LocalDate.of(Integer.parseInt(s.substring(0, 4)), Integer.parseInt(s.substring(4, 6)), Integer.parseInt(s.substring(6)));
      }
      if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return LocalDate.parse(s);
      }
    } catch (DateTimeException e) {
      throw ApiException.badRequest(name + " is not a valid date: " + shorten(s));
    }
    throw ApiException.badRequest(name + " must be a date as YYYYMMDD: " + shorten(s));
  }

  private static Integer integer(String raw, String name, int min, int max, Integer fallback) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      long v = Long.parseLong(raw.strip());
      if (v >= min && v <= max) {
        return (int) v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max);
  }

  private static String text(String raw, String name) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (raw.length() > MAX_VALUE_LENGTH || raw.indexOf('\0') >= 0) {
      throw ApiException.badRequest(name + " is too long or contains a NUL character");
    }
    return raw;
  }

  private static List<String> values(List<String> raw, String name) {
    if (raw.size() > MAX_VALUES) {
      throw ApiException.badRequest("at most " + MAX_VALUES + " values of " + name);
    }
    List<String> out = new ArrayList<>();
    for (String v : raw) {
      String t = text(v, name);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** One time point of a daily, weekly or monthly report: its key (the period's first day) and the days of the range in it. */
  public record Period(LocalDate key, LocalDate from, LocalDate toExclusive) {
  }

  /** The unit of a time period. */
  public enum Unit { TOTAL, DAILY, WEEKLY, MONTHLY }

  /**
   * The periods of the range: days, weeks starting on Monday, or calendar months, keyed by their
   * first day even when the range starts later (the first and last periods hold only the range's days).
   */
  public static List<Period> periods(LocalDate start, LocalDate end, Unit unit) {
    List<Period> out = new ArrayList<>();
    LocalDate key = switch (unit) {
      case TOTAL -> start;
      case DAILY -> start;
      case WEEKLY -> start.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTHLY -> start.withDayOfMonth(1);
    };
    LocalDate endExclusive = end.plusDays(1);
    while (key.isBefore(endExclusive)) {
      LocalDate next = switch (unit) {
        case TOTAL -> endExclusive;
        case DAILY -> key.plusDays(1);
        case WEEKLY -> key.plusWeeks(1);
        case MONTHLY -> key.plusMonths(1);
      };
      out.add(new Period(key, key.isBefore(start) ? start : key, next.isAfter(endExclusive) ? endExclusive : next));
      key = next;
      if (out.size() > MAX_TIME_POINTS) {
        break; // enough to know the limit is exceeded
      }
    }
    return out;
  }
}
