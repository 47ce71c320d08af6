package io.sightline.imports;

import io.sightline.http.ApiException;

import java.util.Locale;

/** The tools Sightline imports from. */
public enum ImportSource {
  /** Umami's {@code website_event} and {@code session} tables, as CSV (raw events). */
  UMAMI,
  /** Google Analytics 4's BigQuery export, {@code events_YYYYMMDD} as NDJSON (raw events). */
  GA4,
  /** Sightline's own raw export ({@code sightline export}, NDJSON): a round trip, or a move between servers. */
  SIGHTLINE,
  /** Plausible CE's CSV export, the {@code imported_*} daily tables (aggregates). */
  PLAUSIBLE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ImportSource parse(String s) {
    if (s != null) {
      for (ImportSource source : values()) {
        if (source.id().equalsIgnoreCase(s.trim())) {
          return source;
        }
      }
    }
    throw ApiException.badRequest("source must be umami, ga4, sightline or plausible, not '" + s + "'");
  }
}
