package io.sightline.rollup;

import io.sightline.lifecycle.Await;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's rollup delta commits as pending in the same statement as its events, and a fold moves
 * pending deltas into the rollup tables in one statement; so no failure or crash can leave events
 * without their counts or count them twice. A restarted writer folds what was left pending and
 * rebuilds its in-memory state from the stored rows, so the rollups stay equal to a rebuild from the
 * raw events.
 */
@Tag("integration")
class RollupCrashTest {
  private static final String TOTALS = "select bucket, vf, vl, vls, pageviews, events, stable_events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_total where site_id = 1 and (vf, vl, vls, pageviews, events, stable_events, sessions, "
      + "bounces, duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) order by bucket";
  private static final String DIMS = "select dim, day, value, visitors, carry, pageviews, events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_dim where site_id = 1 and (visitors, carry, pageviews, events, sessions, bounces, "
      + "duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) order by dim, day, value nulls first";
  private static final String DRILLS = "select filter_dim, filter_value, day, page, visitors, carry, pageviews, events from rollup_drill "
      + "where site_id = 1 and (visitors, carry, pageviews, events) <> (0, 0, 0, 0) order by 1, 2, 3, 4";
  private static final String FAIL_DIM_INSERTS = "create trigger fail_rollup before insert on rollup_dim for each row execute function fail_rollup()";

  @Test
  void aFailingBatchLeavesNoEventBehindAndTheRetryCountsItOnce() throws Exception {
    try (RunningServer server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry")) {
      Instant now = Instant.now();
      RollupTraffic.send(server, server.siteKey(), RollupTraffic.generate(now, 1, 40));
      // the writer dies half-way through its statement: after the events' insert, storing the batch's rollup delta
      server.sql("create function fail_rollup() returns trigger language plpgsql as $$ begin "
          + "raise exception 'simulated crash between the events and the rollups'; end $$");
      server.sql("create trigger fail_pending before insert on rollup_pending for each row execute function fail_rollup()");
      CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> sendCrashPage(server, now));
      awaitMetric(server, "sightline_writer_failures_total");
      assertEquals(0L, count(server, "select count(*) from events where pathname = '/crash'"), "the event's insert was rolled back with it");
      assertFalse(pending.isDone(), "the sender has no acknowledgement yet");
      server.sql("drop trigger fail_pending on rollup_pending");
      HttpResponse<String> r = pending.get();
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(1L, count(server, "select count(*) from events where pathname = '/crash'"));
      assertEquals(1L, count(server, "select sum(pageviews) from rollup_dim where dim = 1 and value = '/crash'"));
      assertRollupsEqualARebuild(server);
    }
  }

  @Test
  void aWriterKilledBetweenTheBatchAndTheFoldLeavesItsDeltasPendingAndTheNextStartFoldsThem() throws Exception {
    Instant now = Instant.now();
    RunningServer before = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry", "writer.rollupFoldMillis", "200");
    RollupTraffic.send(before, before.siteKey(), RollupTraffic.generate(now, 3, 40));
    // every fold fails from here on, as if the process died after each batch's commit and before any fold
    before.sql("create function fail_rollup() returns trigger language plpgsql as $$ begin "
        + "raise exception 'simulated crash before the fold'; end $$");
    before.sql(FAIL_DIM_INSERTS);
    HttpResponse<String> r = sendCrashPage(before, now);
    assertEquals(200, r.statusCode(), r.body());
    RollupTraffic.sendUnfolded(before, before.siteKey(), RollupTraffic.generate(now, 4, 30));
    awaitMetric(before, "sightline_rollup_fold_failures_total");
    assertEquals(1L, plain(before, "select count(*) from events where pathname = '/crash'"), "the event is stored and acknowledged");
    assertEquals(0L, plain(before, "select count(*) from rollup_dim where value = '/crash'"), "its counts are not folded");
    assertTrue(plain(before, "select count(*) from rollup_pending") >= 1, "they are pending");
    before.close(); // its last fold fails too: the deltas stay pending, as after a crash
    assertTrue(onDatabase(before.db, "select count(*) from rollup_pending") >= 1);
    onDatabase(before.db, "drop trigger fail_rollup on rollup_dim");
    try (RunningServer after = RunningServer.restart(before.db, before.banner, "ingest.cdnCountryHeader", "CF-IPCountry")) {
      assertEquals(0L, plain(after, "select count(*) from rollup_pending"), "the start folded them");
      assertEquals(1L, plain(after, "select sum(pageviews) from rollup_dim where dim = 1 and value = '/crash'"));
      RollupTraffic.send(after, before.siteKey(), RollupTraffic.generate(now, 5, 30));
      assertRollupsEqualARebuild(after);
    }
  }

  @Test
  void aFoldWhoseReplyWasLostCountsNothingTheSecondTimeAndAPartialOneChangesNothing() {
    try (RunningServer server = RunningServer.start()) {
      var pool = server.server.database().pool();
      RollupDelta delta = new RollupDelta();
      long day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toEpochDay();
      delta.dim(77, RollupDim.PAGE, day, "/folded", RollupDelta.D_PAGEVIEWS, 3);
      delta.total(77, day * 96, RollupDelta.T_PAGEVIEWS, 3);
      delta.drill(77, RollupDim.SOURCE, "Google", day, "/folded", RollupDelta.D_PAGEVIEWS, 3);
      long a = pendingRow(server, delta);
      long b = pendingRow(server, new RollupDelta());
      long[] ids = {a, b};
      assertTrue(RunningServer.await(RollupFold.fold(pool, ids, delta)), "the first fold folds");
      assertFalse(RunningServer.await(RollupFold.fold(pool, ids, delta)), "the same fold again (its reply lost) finds nothing pending");
      assertEquals(3L, plain(server, "select pageviews from rollup_dim where site_id = 77 and value = '/folded'"));
      assertEquals(3L, plain(server, "select pageviews from rollup_total where site_id = 77"));
      assertEquals(3L, plain(server, "select pageviews from rollup_drill where site_id = 77"));
      // one of two pending rows gone (a second writer, or a hand edit): the statement fails and changes nothing
      long c = pendingRow(server, delta);
      assertThrows(RuntimeException.class, () -> RunningServer.await(RollupFold.fold(pool, new long[] {c, c + 1000}, delta)));
      assertEquals(1L, plain(server, "select count(*) from rollup_pending where id = " + c));
      assertEquals(3L, plain(server, "select pageviews from rollup_dim where site_id = 77 and value = '/folded'"));
      assertEquals(1, RunningServer.await(RollupFold.recover(pool)));
      assertEquals(6L, plain(server, "select pageviews from rollup_dim where site_id = 77 and value = '/folded'"));
    }
  }

  @Test
  void aRebuildWhileDeltasArePendingIsNotCountedTwiceByTheFoldThatFollows() {
    // folds only when asked: the deltas of everything sent stay pending until then
    try (RunningServer server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry", "writer.rollupFoldMillis", "60000")) {
      Instant now = Instant.now();
      RollupTraffic.send(server, server.siteKey(), RollupTraffic.generate(now, 6, 60));
      RollupTraffic.sendUnfolded(server, server.siteKey(), RollupTraffic.generate(now, 7, 60));
      assertTrue(plain(server, "select count(*) from rollup_pending") >= 1, "deltas are pending");
      Await.result(RollupRebuild.site(server.server.database().pool(), 1), Duration.ofSeconds(60));
      assertTrue(plain(server, "select count(*) from rollup_pending") >= 1, "the rebuild leaves them pending");
      assertRollupsEqualARebuild(server); // folds them first
    }
  }

  private static HttpResponse<String> sendCrashPage(RunningServer server, Instant now) {
    JsonArray batch = new JsonArray().add(new JsonObject().put("type", "pageview").put("url", "https://localhost/crash")
        .put("timestamp", now.minusSeconds(30).toString()));
    return server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", server.siteKey(), "User-Agent", RollupTraffic.DESKTOP,
        "X-Forwarded-For", "203.0.113.9");
  }

  private static void awaitMetric(RunningServer server, String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.metric(name) < 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(server.metric(name) >= 1, name);
  }

  private static long pendingRow(RunningServer server, RollupDelta delta) {
    return plainSql(server, "insert into rollup_pending (delta) values ($1) returning id", RollupFold.pendingValue(delta))
        .iterator().next().getLong(0);
  }

  /** One statement on a database no server runs on; returns the first column of the first row (or 0). */
  private static long onDatabase(io.sightline.support.TestDatabase db, String sql) {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(db.options()).using(vertx).build();
      var rows = Await.result(pool.query(sql).execute(), Duration.ofSeconds(20));
      var it = rows.iterator();
      return it.hasNext() && it.next().getValue(0) instanceof Number n ? n.longValue() : 0;
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(20));
    }
  }

  /** SQL without folding first (RunningServer.sql folds). */
  private static io.vertx.sqlclient.RowSet<Row> plainSql(RunningServer server, String sql, Object... args) {
    return RunningServer.await(server.server.database().pool().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.from(args)));
  }

  private static long plain(RunningServer server, String sql) {
    Row r = plainSql(server, sql).iterator().next();
    return r.getValue(0) == null ? 0 : ((Number) r.getValue(0)).longValue();
  }

  @Test
  void aRestartedWriterContinuesTheSameVisitorsAndSessionsExactly() {
    Instant now = Instant.now();
    List<RollupTraffic.Visit> visits = RollupTraffic.generate(now, 2, 120);
    List<RollupTraffic.Visit> first = new ArrayList<>();
    List<RollupTraffic.Visit> second = new ArrayList<>();
    for (RollupTraffic.Visit v : visits) {
      int half = v.events().size() / 2;
      first.add(new RollupTraffic.Visit(v.ip(), v.ua(), v.country(), new JsonArray(v.events().getList().subList(0, Math.max(1, half)))));
      if (v.events().size() > Math.max(1, half)) {
        second.add(new RollupTraffic.Visit(v.ip(), v.ua(), v.country(),
            new JsonArray(v.events().getList().subList(Math.max(1, half), v.events().size()))));
      }
    }
    RunningServer before = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
    RollupTraffic.send(before, before.siteKey(), first);
    before.close();
    try (RunningServer after = RunningServer.restart(before.db, before.banner, "ingest.cdnCountryHeader", "CF-IPCountry")) {
      RollupTraffic.send(after, before.siteKey(), second);
      assertRollupsEqualARebuild(after);
    }
  }

  static void assertRollupsEqualARebuild(RunningServer server) {
    List<String> totals = rows(server, TOTALS);
    List<String> dims = rows(server, DIMS);
    List<String> drills = rows(server, DRILLS);
    Await.result(RollupRebuild.site(server.server.database().pool(), 1), Duration.ofSeconds(60));
    assertEquals(rows(server, TOTALS), totals);
    assertEquals(rows(server, DIMS), dims);
    assertEquals(rows(server, DRILLS), drills);
  }

  private static long count(RunningServer server, String sql) {
    Row r = server.sql(sql).iterator().next();
    return r.getValue(0) == null ? 0 : ((Number) r.getValue(0)).longValue();
  }

  private static List<String> rows(RunningServer server, String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : server.sql(sql)) {
      out.add(r.toJson().encode());
    }
    return out;
  }
}
