package io.sightline.mail;

import java.time.LocalDate;

/** Local days [start, endExclusive) in the site's time zone. */
public record ReportPeriod(LocalDate start, LocalDate endExclusive) {
  public LocalDate lastDay() {
    return endExclusive.minusDays(1);
  }
}
