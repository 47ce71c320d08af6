package io.sightline.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ReportFrequencyTest {
  private static ReportPeriod p(String start, String end) {
    return new ReportPeriod(LocalDate.parse(start), LocalDate.parse(end));
  }

  @Test
  void weeklyIsTheLastWholeIsoWeek() {
    assertEquals(p("2026-11-30", "2026-12-07"), ReportFrequency.WEEKLY.lastComplete(LocalDate.parse("2026-12-07"))); // a Monday
    assertEquals(p("2026-11-30", "2026-12-07"), ReportFrequency.WEEKLY.lastComplete(LocalDate.parse("2026-12-13"))); // the Sunday after
    assertEquals(p("2026-11-23", "2026-11-30"), ReportFrequency.WEEKLY.lastComplete(LocalDate.parse("2026-12-06")));
    assertEquals(p("2026-11-23", "2026-11-30"), ReportFrequency.WEEKLY.previous(p("2026-11-30", "2026-12-07")));
  }

  @Test
  void monthlyIsTheLastCalendarMonth() {
    assertEquals(p("2026-11-01", "2026-12-01"), ReportFrequency.MONTHLY.lastComplete(LocalDate.parse("2026-12-01")));
    assertEquals(p("2026-11-01", "2026-12-01"), ReportFrequency.MONTHLY.lastComplete(LocalDate.parse("2026-12-31")));
    assertEquals(p("2026-12-01", "2027-01-01"), ReportFrequency.MONTHLY.lastComplete(LocalDate.parse("2027-01-15")));
    assertEquals(p("2026-02-01", "2026-03-01"), ReportFrequency.MONTHLY.previous(p("2026-03-01", "2026-04-01")));
  }
}
