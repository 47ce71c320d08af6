package io.sightline.event;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Which writer partition owns a visitor: every event and session of one (site, visitor id) goes to
 * the same partition, so each partition's rollup state (dedupe, first-occurrence flags, sessions,
 * pending deltas, stable-visitor sketches) sees all of its visitors' events and none of the others'.
 * Visitor ids are positive 64-bit digests (or sender ids hashed the same way), so their remainder
 * spreads them evenly. {@link #SQL} computes the same function in PostgreSQL, so a partition restores
 * only its own rows at start.
 */
public final class WriterPartitions {
  private static final long PRIME = 1_000_003L;

  /** PostgreSQL's side of {@link #of} for a table with {@code site_id} and {@code visitor_id}; {@code countParam} the partition count. */
  public static String sql(String countParam) {
    return "mod(mod(mod(visitor_id, " + PRIME + ") + " + PRIME + ", " + PRIME + ") + site_id, " + countParam + ")";
  }

  private WriterPartitions() {
  }

  /** The partition of {@code (siteId, visitorId)} among {@code count} (0 to count - 1). */
  public static int of(int siteId, long visitorId, int count) {
    if (count == 1) {
      return 0;
    }
    return (int) ((Math.floorMod(visitorId, PRIME) + siteId) % count);
  }

  /** The event-bus address partition {@code p} takes write requests on. */
  public static String address(int partition) {
    return Addresses.WRITE_EVENTS + "." + partition;
  }

  /** The event-bus address partition {@code p} takes fold requests on ({@link Addresses#FOLD_ROLLUPS} reaches all of them). */
  public static String foldAddress(int partition) {
    return Addresses.FOLD_ROLLUPS + "." + partition;
  }

  /** The event-bus address partition {@code p} (not the first) takes reloaded goals on. */
  public static String goalsAddress(int partition) {
    return "sightline.store.install-goals." + partition;
  }

  /**
   * Answers {@link Addresses#FOLD_ROLLUPS} for all partitions: asks each to fold and replies once all have folded the batches they
   * committed before the request.
   */
  public static Future<Void> answerFoldRequests(Vertx vertx, int partitions) {
    return vertx.eventBus().consumer(Addresses.FOLD_ROLLUPS, message -> {
      List<Future<Object>> folds = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) {
        folds.add(vertx.eventBus().request(foldAddress(p), null, new DeliveryOptions().setSendTimeout(60_000)).map(m -> null));
      }
      Future.all(folds).onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(null);
        } else {
          message.fail(503, ar.cause().getMessage());
        }
      });
    }).completion();
  }
}
