package io.sightline.realtime;

import io.sightline.store.Addresses;
import io.sightline.store.CommittedEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.HashMap;
import java.util.Map;

/**
 * Owns the realtime window: takes every committed batch from the event bus and publishes a
 * snapshot per site every second, so that realtime polls are answered from memory without
 * touching PostgreSQL or queueing behind ingestion.
 */
public final class RealtimeVerticle extends VerticleBase {
  static final long PUBLISH_INTERVAL_MS = 1000;
  private final RealtimeWindow window;
  private final RealtimeSnapshots snapshots;

  public RealtimeVerticle(RealtimeWindow window, RealtimeSnapshots snapshots) {
    this.window = window;
    this.snapshots = snapshots;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(PUBLISH_INTERVAL_MS, id -> publish());
    return vertx.eventBus().<CommittedEvents>localConsumer(Addresses.EVENTS_COMMITTED, m -> window.add(m.body())).completion();
  }

  private void publish() {
    Map<Integer, SiteSnapshot> all = new HashMap<>();
    for (int site : window.sites()) {
      all.put(site, window.snapshot(site));
    }
    snapshots.publish(all);
  }
}
