package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.CleanUrl;
import io.sightline.ingest.enrich.UrlCleaner;

import java.time.Duration;
import java.time.Instant;

/**
 * Checks the event can be stored for this site: a server {@code timestamp} in
 * [now − backfill days, now + 1 min]; an absolute http(s) URL (click ids and UTMs taken out);
 * a hostname that is the site's domain, one of its subdomains, or one of its extra hostnames.
 */
public final class ValidateStep implements PipelineStep {
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  private final UrlCleaner cleaner;
  private final Duration backfill;

  public ValidateStep(UrlCleaner cleaner, int backfillDays) {
    this.cleaner = cleaner;
    this.backfill = Duration.ofDays(backfillDays);
  }

  @Override
  public void apply(EventDraft d) {
    Instant received = d.facts.receivedAt();
    Instant ts = d.in.timestamp() == null ? received : d.in.timestamp();
    if (ts.isAfter(received.plus(CLOCK_SKEW))) {
      throw new Dropped(DropReason.INVALID, "timestamp is in the future");
    }
    if (ts.isBefore(received.minus(backfill))) {
      throw new Dropped(DropReason.INVALID, "timestamp is more than " + backfill.toDays() + " days in the past (ingest.backfillDays)");
    }
    boolean beforeYesterday = utcDay(ts) < utcDay(received) - 1;
    if (beforeYesterday && d.in.visitorId() == null && d.in.userId() == null) {
      throw new Dropped(DropReason.INVALID, "events older than yesterday (UTC) need a visitor_id or user_id: the daily salt that would derive one is gone");
    }
    d.ts = ts;
    CleanUrl url = cleaner.clean(d.in.url()).orElseThrow(() -> new Dropped(DropReason.INVALID, "url must be an absolute http(s) URL"));
    if (!belongsToSite(url.hostname(), d)) {
      throw new Dropped(DropReason.HOSTNAME_MISMATCH, "url host " + url.hostname() + " is not " + d.site.domain() + " or one of its subdomains");
    }
    d.url = url;
  }

  private static boolean belongsToSite(String host, EventDraft d) {
    String domain = d.site.domain();
    String bare = domain.startsWith("www.") ? domain.substring(4) : domain;
    if (host.equals(domain) || host.equals(bare) || host.endsWith("." + bare)) {
      return true;
    }
    for (String extra : d.site.extraHostnames()) {
      if (host.equals(extra) || host.endsWith("." + extra)) {
        return true;
      }
    }
    return false;
  }

  private static long utcDay(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), 86_400L);
  }
}
