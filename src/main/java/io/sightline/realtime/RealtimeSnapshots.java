package io.sightline.realtime;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest snapshot per site, published by the realtime verticle and read by any event loop. A
 * publication replaces all of them at once. A site with nothing in its window gets an empty
 * snapshot taken at the publication, one per site and publication, so its answers are memoized
 * like any other site's.
 */
public final class RealtimeSnapshots {
  private final Clock clock;
  private volatile Publication current;

  /** One publication: the sites' snapshots, and the empty ones handed out since (at most {@link RealtimeWindow#MAX_SITES}). */
  private record Publication(Map<Integer, SiteSnapshot> sites, Instant at, Map<Integer, SiteSnapshot> empty) {
  }

  public RealtimeSnapshots(Clock clock) {
    this.clock = clock;
  }

  public void publish(Map<Integer, SiteSnapshot> snapshots) {
    current = new Publication(Map.copyOf(snapshots), clock.instant(), new ConcurrentHashMap<>());
  }

  public SiteSnapshot of(int siteId) {
    Publication p = current;
    if (p == null) {
      return SiteSnapshot.empty(siteId, clock.instant()); // before the first publication
    }
    SiteSnapshot s = p.sites().get(siteId);
    if (s != null) {
      return s;
    }
    s = p.empty().get(siteId);
    if (s != null) {
      return s;
    }
    s = SiteSnapshot.empty(siteId, p.at());
    if (p.empty().size() >= RealtimeWindow.MAX_SITES) {
      return s;
    }
    SiteSnapshot raced = p.empty().putIfAbsent(siteId, s);
    return raced != null ? raced : s;
  }

  /** Seconds since the last publication (a stalled realtime verticle shows here). */
  public double ageSeconds() {
    Publication p = current;
    return p == null ? 0 : (clock.millis() - p.at().toEpochMilli()) / 1000.0;
  }
}
