package io.sightline.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Timestamps as exports write them. */
final class VendorTimes {
  private VendorTimes() {
  }

  /**
   * ISO 8601 with an offset or {@code Z}, or a date and time without one ({@code 2024-01-15 10:23:45.123}, as PostgreSQL
   * and ClickHouse print a UTC {@code timestamp}), read as UTC; null if it is neither.
   */
  static Instant utc(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        if (t.endsWith("+00") || t.endsWith("-00")) {
          return OffsetDateTime.parse(t + ":00").toInstant();
        }
        return LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
