package io.sightline.ingest.pipeline;

import java.util.Locale;

/**
 * Why an event was not stored. Every drop is counted in
 * {@code sightline_ingest_events_dropped_total{reason}}. {@link #rejects} says whether a keyed
 * (server-side) sender gets a 400 for it; the others are answered with success, as a tracker
 * cannot act on them (and must not learn it is being filtered).
 */
public enum DropReason {
  INVALID(true),
  HOSTNAME_MISMATCH(true),
  NO_USER_AGENT(true),
  BOT(true),
  DNT(false),
  GPC(false),
  EXCLUDED_IP(false),
  RATE_LIMITED(false),
  REFERRER_SPAM(false),
  UNKNOWN_SITE(false),
  /** The site used up its monthly event quota ({@code ingest.monthlyEventQuota}). */
  QUOTA(false),
  /** A copy of an event already stored (or being stored) under the same {@code event_id}: answered with the stored event's ids. */
  DUPLICATE(false);

  private final boolean rejects;

  DropReason(boolean rejects) {
    this.rejects = rejects;
  }

  public boolean rejects() {
    return rejects;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
