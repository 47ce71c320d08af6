package io.sightline.realtime;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The latest snapshot per site, published by the realtime verticle and read by any event loop. */
public final class RealtimeSnapshots {
  private final Map<Integer, SiteSnapshot> latest = new ConcurrentHashMap<>();
  private final Clock clock;
  private volatile long publishedAtMillis;

  public RealtimeSnapshots(Clock clock) {
    this.clock = clock;
  }

  void publish(Map<Integer, SiteSnapshot> snapshots) {
    latest.keySet().retainAll(snapshots.keySet());
    latest.putAll(snapshots);
    publishedAtMillis = clock.millis();
  }

  public SiteSnapshot of(int siteId) {
    SiteSnapshot s = latest.get(siteId);
    return s != null ? s : SiteSnapshot.empty(siteId, clock.instant());
  }

  /** Seconds since the last publication (a stalled realtime verticle shows here). */
  public double ageSeconds() {
    return publishedAtMillis == 0 ? 0 : (clock.millis() - publishedAtMillis) / 1000.0;
  }
}
