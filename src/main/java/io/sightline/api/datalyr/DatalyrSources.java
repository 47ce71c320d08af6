package io.sightline.api.datalyr;

import io.sightline.ingest.enrich.Referrers;

/**
 * Names a Sightline source the way DATALYR names referrers, by domain ({@code google.com}, not
 * {@code Google}): a known source by its main domain in the referrer list, an unknown referrer by its
 * host (already a domain, without {@code www.}), a {@code utm_source} that is no known source as it
 * was sent, and no source as {@code (direct)}.
 */
final class DatalyrSources {
  static final String DIRECT = "(direct)";
  /** The realtime window's name for "no source". */
  private static final String NONE = "Direct / None";

  private final Referrers referrers;

  DatalyrSources(Referrers referrers) {
    this.referrers = referrers;
  }

  String name(String source) {
    if (source == null || NONE.equals(source)) {
      return DIRECT;
    }
    return referrers.domain(source).orElse(source);
  }
}
