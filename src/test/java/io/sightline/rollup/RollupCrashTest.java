package io.sightline.rollup;

import io.sightline.lifecycle.Await;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollup deltas commit in the same statement as their events, so no failure can leave one without
 * the other; and a restarted writer rebuilds its in-memory state from the stored rows, so the
 * rollups stay equal to a rebuild from the raw events.
 */
class RollupCrashTest {
  private static final String TOTALS = "select bucket, vf, vl, vls, pageviews, events, stable_events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_total where site_id = 1 and (vf, vl, vls, pageviews, events, stable_events, sessions, "
      + "bounces, duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) order by bucket";
  private static final String DIMS = "select dim, day, value, visitors, carry, pageviews, events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_dim where site_id = 1 and (visitors, carry, pageviews, events, sessions, bounces, "
      + "duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) order by dim, day, value nulls first";

  @Test
  void aFailingRollupWriteLeavesNoEventBehindAndTheRetryCountsItOnce() throws Exception {
    try (RunningServer server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry")) {
      Instant now = Instant.now();
      RollupTraffic.send(server, server.siteKey(), RollupTraffic.generate(now, 1, 40));
      // the writer dies half-way through its statement: after the events' insert, in the rollup upsert
      server.sql("create function fail_rollup() returns trigger language plpgsql as $$ begin "
          + "if new.value = '/crash' then raise exception 'simulated crash between the events and the rollups'; end if; return new; end $$");
      server.sql("create trigger fail_rollup before insert on rollup_dim for each row execute function fail_rollup()");
      JsonArray batch = new JsonArray().add(new JsonObject().put("type", "pageview").put("url", "https://localhost/crash")
          .put("timestamp", now.minusSeconds(30).toString()));
      CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> server.send("POST", "/api/event/batch",
          batch.encode(), "x-api-key", server.siteKey(), "User-Agent", RollupTraffic.DESKTOP, "X-Forwarded-For", "203.0.113.9"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (server.metric("sightline_writer_failures_total") < 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(server.metric("sightline_writer_failures_total") >= 1, "the rollup write failed");
      assertEquals(0L, count(server, "select count(*) from events where pathname = '/crash'"), "the event's insert was rolled back with it");
      assertFalse(pending.isDone(), "the sender has no acknowledgement yet");
      server.sql("drop trigger fail_rollup on rollup_dim");
      HttpResponse<String> r = pending.get();
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(1L, count(server, "select count(*) from events where pathname = '/crash'"));
      assertEquals(1L, count(server, "select sum(pageviews) from rollup_dim where dim = 1 and value = '/crash'"));
      assertRollupsEqualARebuild(server);
    }
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
    Await.result(RollupRebuild.site(server.server.database().pool(), 1), Duration.ofSeconds(60));
    assertEquals(rows(server, TOTALS), totals);
    assertEquals(rows(server, DIMS), dims);
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
