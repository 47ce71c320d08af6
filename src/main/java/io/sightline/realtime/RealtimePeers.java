package io.sightline.realtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;

/**
 * The other processes' realtime windows (cluster mode, docs/cluster.md): each member's window holds only the visitors it owns,
 * so every second a member shares its own snapshots and publishes the merge of everyone's. Called on the realtime verticle's
 * worker thread.
 */
public interface RealtimePeers {
  /** Starts taking the peers' windows (registered on the realtime verticle's context). */
  Future<Void> start(Vertx vertx);

  /** Shares this member's own snapshots and returns every site's merged snapshot (this member's and the peers' windows). */
  Map<Integer, SiteSnapshot> exchange(Map<Integer, SiteSnapshot> own);
}
