package io.sightline.export;

import io.sightline.http.ApiException;
import io.sightline.site.Site;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The days an export covers: {@code from} and {@code to} are dates ({@code YYYY-MM-DD}), both included, in the site's
 * time zone; the events are those in [start of {@code from}, start of the day after {@code to}).
 */
public record ExportRange(LocalDate from, LocalDate to, Instant start, Instant end, ZoneId zone) {
  /** At most this many days at once (about ten years). */
  public static final int MAX_DAYS = 3_700;

  public static ExportRange parse(String from, String to, Site site) {
    LocalDate f = date("from", from);
    LocalDate t = date("to", to);
    if (t.isBefore(f)) {
      throw ApiException.badRequest("to (" + t + ") is before from (" + f + ")");
    }
    if (f.plusDays(MAX_DAYS).isBefore(t)) {
      throw ApiException.badRequest("at most " + MAX_DAYS + " days at once");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(site.timezone());
    } catch (DateTimeException e) {
      zone = java.time.ZoneOffset.UTC;
    }
    return new ExportRange(f, t, f.atStartOfDay(zone).toInstant(), t.plusDays(1).atStartOfDay(zone).toInstant(), zone);
  }

  private static LocalDate date(String name, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(name + " is required (YYYY-MM-DD)");
    }
    try {
      LocalDate d = LocalDate.parse(value.trim());
      if (d.getYear() < 1970 || d.getYear() > 9998) {
        throw ApiException.badRequest(name + " must be a date between 1970 and 9998");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(name + " must be a date as YYYY-MM-DD, not '" + value + "'");
    }
  }
}
