package io.sightline.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sightline.config.WriterConfig;
import io.sightline.db.MigrationRunner;
import io.sightline.event.WriterPartitions;
import io.sightline.support.PgTestBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partition epoch fence (docs/cluster.md, "Fencing") with two real writers of one partition against one PostgreSQL, each in a
 * Vert.x instance and pool of its own, as two cluster members would run them: the old owner's batch that is in flight when the
 * new owner moves the epoch fails and is not acknowledged, every later batch of the old owner too, and the rollups count exactly the
 * acknowledged events (the new owner folds what the old one left pending).
 */
@Tag("integration")
class PartitionFenceTest extends PgTestBase {
  private static final int PARTITIONS = 12;
  /** The old owner folds only when it stops (its deltas stay pending meanwhile), the new one every 200 ms. */
  private static final WriterConfig OLD = config(Duration.ofSeconds(60));
  private static final WriterConfig NEW = config(Duration.ofMillis(200));

  private static WriterConfig config(Duration foldInterval) {
    return new WriterConfig(100, Duration.ofMillis(20), 1000, Duration.ofSeconds(10), 1, true, foldInterval,
        WriterConfig.DEFAULT_FOLD_ROWS, PARTITIONS, 0);
  }

  @Test
  void aBatchOfTheOldOwnerThatCommitsAfterTheEpochMovedFailsAndIsNotCounted() throws Exception {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sql("select sightline_ensure_partitions(current_date - 1, current_date + 1)");
    codecs(vertx);
    long epochA = await(PartitionEpochs.advance(pool, List.of(0))).get(0);
    assertEquals(1L, epochA, "a partition never taken starts at epoch 1");
    String oldOwner = await(vertx.deployVerticle(writer(pool, OLD, epochA)));
    await(send(vertx, WriterRequests.pageview(1, "/one")));
    assertEquals(1L, count("select count(*) from rollup_pending where part = 0"), "its delta is pending");

    // the new owner moves the epoch in a transaction it keeps open: the old owner's next batch waits on the epoch's row
    SqlConnection taker = await(pool.getConnection());
    Transaction tx = await(taker.begin());
    long epochB = await(PartitionEpochs.advance(taker, List.of(0))).get(0);
    assertEquals(2L, epochB);
    Future<Object> inFlight = send(vertx, WriterRequests.pageview(2, "/in-flight"));
    awaitBlockedBatch();
    assertFalse(inFlight.isComplete(), "the batch waits for the take");
    await(tx.commit());
    ReplyException refused = assertThrows(ReplyException.class, () -> await(inFlight));
    assertEquals(EventWriterVerticle.QUEUE_FULL, refused.failureCode(), refused.getMessage());
    await(taker.close());

    // the new owner: a real second writer, in a Vert.x and pool of its own
    Vertx other = Vertx.vertx();
    Pool otherPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(db.options()).using(other).build();
    try {
      codecs(other);
      await(other.deployVerticle(writer(otherPool, NEW, epochB)));
      assertEquals(0L, count("select count(*) from rollup_pending"), "the new owner folded what the old one left pending");
      await(send(other, WriterRequests.pageview(3, "/three")));
      ReplyException late = assertThrows(ReplyException.class, () -> await(send(vertx, WriterRequests.pageview(4, "/late"))));
      assertEquals(EventWriterVerticle.QUEUE_FULL, late.failureCode(), "the old owner's later batches fail too");

      assertEquals(Map.of("/one", 1L, "/three", 1L), stored(), "only the acknowledged events are stored");
      await(vertx.undeploy(oldOwner)); // its last fold finds its pending delta folded already: it adds nothing
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (count("select count(*) from rollup_pending") > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50); // the writers fold every 200 ms
      }
      assertEquals(0L, count("select count(*) from rollup_pending"), "every pending delta folded");
      Map<String, Long> pageviews = new TreeMap<>();
      sql("select value, sum(pageviews) as n from rollup_dim where site_id = 1 and dim = 1 group by value")
          .forEach(r -> pageviews.put(r.getString("value"), r.getLong("n")));
      assertEquals(Map.of("/one", 1L, "/three", 1L), pageviews, "the rollups count each acknowledged event once");
      assertEquals(2L, count("select sum(pageviews) from rollup_total where site_id = 1"));
    } finally {
      await(otherPool.close());
      await(other.close());
    }
  }

  private static EventWriterVerticle writer(Pool pool, WriterConfig config, long epoch) {
    return new EventWriterVerticle(pool, config, 2000, new SimpleMeterRegistry(), 3, 0, PARTITIONS, epoch);
  }

  private static void codecs(Vertx vertx) {
    vertx.eventBus().registerDefaultCodec(WriteRequest.class, new LocalCodec<>(WriteRequest.class));
    vertx.eventBus().registerDefaultCodec(CommittedEvents.class, new LocalCodec<>(CommittedEvents.class));
  }

  private static Future<Object> send(Vertx vertx, WriteRequest request) {
    return vertx.eventBus().request(WriterPartitions.address(0), request).map(m -> m.body());
  }

  /** Waits until a batch statement of the old owner waits on the epoch's row lock. */
  private void awaitBlockedBatch() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String waiting = "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like 'with inserted_events%'";
    while (count(waiting) == 0) {
      if (System.nanoTime() > deadline) {
        StringBuilder seen = new StringBuilder();
        sql("select state, wait_event_type, wait_event, left(query, 120) as q from pg_stat_activity where datname = current_database()")
            .forEach(r -> seen.append('\n').append(r.toJson().encode()));
        throw new AssertionError("no batch waits on the epoch:" + seen);
      }
      Thread.sleep(20);
    }
  }

  private Map<String, Long> stored() {
    Map<String, Long> byPath = new TreeMap<>();
    sql("select pathname, count(*) as n from events group by 1").forEach(r -> byPath.put(r.getString("pathname"), r.getLong("n")));
    return byPath;
  }

  private long count(String query) {
    Object v = sql(query).iterator().next().getValue(0);
    return v == null ? 0 : ((Number) v).longValue();
  }

}
