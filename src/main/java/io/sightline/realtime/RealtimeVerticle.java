package io.sightline.realtime;

import io.sightline.event.Addresses;
import io.sightline.store.CommittedEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns the realtime window: takes every committed batch from the event bus and publishes a
 * snapshot per site every second, so that realtime polls are answered from memory without
 * touching PostgreSQL or queueing behind ingestion.
 *
 * <p>Deployed as a worker verticle: building the snapshots (sorting up to
 * {@link RealtimeWindow#MAX_VISITORS} visitors of a site) runs on a worker thread, never on an
 * event loop. A worker verticle's handlers run one at a time, never concurrently, so the window
 * stays confined to this verticle and needs no locks; only the immutable snapshots leave it.
 */
public final class RealtimeVerticle extends VerticleBase {
  static final long PUBLISH_INTERVAL_MS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeVerticle.class);
  private final RealtimeWindow window;
  private final RealtimeSnapshots snapshots;
  private final RealtimePeers peers;

  public RealtimeVerticle(RealtimeWindow window, RealtimeSnapshots snapshots) {
    this(window, snapshots, null);
  }

  /** @param peers cluster mode: the other members' windows, merged into what is published (null on a single node) */
  public RealtimeVerticle(RealtimeWindow window, RealtimeSnapshots snapshots, RealtimePeers peers) {
    this.window = window;
    this.snapshots = snapshots;
    this.peers = peers;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(PUBLISH_INTERVAL_MS, id -> publish());
    Future<Void> committed = vertx.eventBus().<CommittedEvents>localConsumer(Addresses.EVENTS_COMMITTED, m -> window.add(m.body())).completion();
    return peers == null ? committed : committed.compose(v -> peers.start(vertx));
  }

  private void publish() {
    long started = System.nanoTime();
    Map<Integer, SiteSnapshot> all = new HashMap<>();
    for (int site : window.sites()) {
      all.put(site, window.snapshot(site));
    }
    snapshots.publish(peers == null ? all : peers.exchange(all));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (tookMs > PUBLISH_INTERVAL_MS / 2) {
      LOG.warn("Realtime snapshots took {} ms for {} sites", tookMs, all.size());
    }
  }
}
