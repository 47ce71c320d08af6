package io.sightline.mail;

import io.sightline.http.ApiException;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** How often a report is sent, and which period it covers: the last whole ISO week (Monday to Sunday) or calendar month. */
public enum ReportFrequency {
  WEEKLY, MONTHLY;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReportFrequency parse(String value) {
    if (value != null) {
      for (ReportFrequency f : values()) {
        if (f.id().equals(value)) {
          return f;
        }
      }
    }
    throw ApiException.badRequest("frequency must be weekly or monthly");
  }

  /** The last whole period that ended on or before {@code today} began (in the site's time zone). */
  public ReportPeriod lastComplete(LocalDate today) {
    return switch (this) {
      case WEEKLY -> {
        LocalDate thisWeek = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        yield new ReportPeriod(thisWeek.minusWeeks(1), thisWeek);
      }
      case MONTHLY -> {
        LocalDate thisMonth = today.withDayOfMonth(1);
        yield new ReportPeriod(thisMonth.minusMonths(1), thisMonth);
      }
    };
  }

  /** The period before {@code p}, which the report compares against. */
  public ReportPeriod previous(ReportPeriod p) {
    return switch (this) {
      case WEEKLY -> new ReportPeriod(p.start().minusWeeks(1), p.start());
      case MONTHLY -> new ReportPeriod(p.start().minusMonths(1), p.start());
    };
  }
}
