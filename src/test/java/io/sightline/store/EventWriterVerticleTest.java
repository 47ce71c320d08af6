package io.sightline.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sightline.config.WriterConfig;
import io.sightline.db.MigrationRunner;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.sightline.support.PgTestBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


@Tag("integration")
class EventWriterVerticleTest extends PgTestBase {

  @BeforeEach
  void setUp() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sql("select sightline_ensure_partitions(current_date - 1, current_date + 1)");
    vertx.eventBus().registerDefaultCodec(WriteRequest.class, new LocalCodec<>(WriteRequest.class));
    vertx.eventBus().registerDefaultCodec(CommittedEvents.class, new LocalCodec<>(CommittedEvents.class));
    await(vertx.deployVerticle(new EventWriterVerticle(pool, new WriterConfig(100, Duration.ofMillis(50), 1000, Duration.ofSeconds(10), 1),
        2000, new SimpleMeterRegistry())));
  }


  @Test
  void aBatchWithOneUnstorableEventCommitsTheOthersAndRefusesOnlyThatOne() {
    // the three requests arrive within the linger time, so they form one batch
    Future<Object> good1 = vertx.eventBus().request(WriterPartitions.address(0), WriterRequests.pageview(1, "/one")).map(m -> m.body());
    Future<Object> bad = vertx.eventBus().request(WriterPartitions.address(0), WriterRequests.pageview(2, "/nul\u0000byte")).map(m -> m.body());
    Future<Object> good2 = vertx.eventBus().request(WriterPartitions.address(0), WriterRequests.pageview(3, "/three")).map(m -> m.body());
    await(good1);
    await(good2);
    ReplyException refused = assertThrows(ReplyException.class, () -> await(bad));
    assertEquals(EventWriterVerticle.UNSTORABLE, refused.failureCode());
    assertEquals(2L, sql("select count(*) as n from events").iterator().next().getLong("n"));
    assertEquals(2L, sql("select count(*) as n from sessions").iterator().next().getLong("n"));
    await(vertx.eventBus().request(WriterPartitions.address(0), WriterRequests.pageview(4, "/after"))); // the queue is not blocked
    assertEquals(3L, sql("select count(*) as n from events").iterator().next().getLong("n"));
  }

  @Test
  void anUnchangedSessionSnapshotNeverOverwritesANewerOne() {
    WriteRequest first = WriterRequests.pageview(10, "/a");
    SessionRow older = first.sessions().get(0);
    SessionRow newer = new SessionRow(older.siteId(), older.sessionId(), older.startedAt(), older.lastSeenAt().plusSeconds(30),
        older.visitorId(), null, older.saltDay(), "/a", "/b", "a.example", null, null, null, "Direct", null, null, null, null, null, null,
        null, null, null, "desktop", null, null, null, null, null, 2, 2, false, 0, 0, null, 0, null, null, new Integer[0]);
    await(vertx.eventBus().request(WriterPartitions.address(0), new WriteRequest(List.of(), List.of(newer))));
    await(vertx.eventBus().request(WriterPartitions.address(0), new WriteRequest(List.of(), List.of(older)))); // arrives late
    var row = sql("select pageviews, exit_page from sessions").iterator().next();
    assertEquals(2, row.getInteger("pageviews"));
    assertEquals("/b", row.getString("exit_page"));
  }
}
