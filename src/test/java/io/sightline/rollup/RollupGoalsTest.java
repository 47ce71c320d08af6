package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalType;
import io.sightline.lifecycle.Await;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's goals: a restarted writer restores the goals' visitor pairs with the rest of its
 * state, so goal rows stay equal to a rebuild; and {@code rollup_goal_coverage} follows the goals the
 * writer counts (a goal defined on a site with traffic is covered from the next UTC midnight, a
 * deleted goal loses its row with the next batch, rollups off forget every row).
 */
@Tag("integration")
class RollupGoalsTest {
  private static final String[][] GOALS = {{"Blog", "pageview", "/blog*"}, {"Signup", "custom", "Signup"}, {"Buy", "click", "#buy"},
      {"Any form", "form", "*"}};

  @Test
  void aRestartedWriterContinuesTheGoalVisitorsExactly() throws InterruptedException {
    Instant now = Instant.now();
    List<RollupTraffic.Visit> first = new ArrayList<>();
    List<RollupTraffic.Visit> second = new ArrayList<>();
    for (RollupTraffic.Visit v : RollupTraffic.generate(now, 3, 120)) {
      int half = Math.max(1, v.events().size() / 2);
      first.add(new RollupTraffic.Visit(v.ip(), v.ua(), v.country(), new JsonArray(v.events().getList().subList(0, half))));
      if (v.events().size() > half) {
        second.add(new RollupTraffic.Visit(v.ip(), v.ua(), v.country(), new JsonArray(v.events().getList().subList(half, v.events().size()))));
      }
    }
    RunningServer before = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
    List<GoalMatch> matches = new ArrayList<>();
    for (String[] g : GOALS) {
      define(before, g);
      matches.add(new Goal(0, 1, g[0], GoalType.parse(g[1]), g[2]).toMatch());
    }
    awaitGoals(before, GOALS.length);
    RollupTraffic.send(before, before.siteKey(), first);
    before.close();
    try (RunningServer after = RunningServer.restart(before.db, before.banner, "ingest.cdnCountryHeader", "CF-IPCountry")) {
      assertEquals(GOALS.length, after.metric("sightline_rollup_goals"), 0.0, "loaded at start, before the state is restored");
      RollupTraffic.send(after, before.siteKey(), second);
      RollupCrashTest.assertRollupsEqualARebuild(after);

      Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
      QuerySpec q = new QuerySpec(1, yesterday, yesterday.plus(Duration.ofDays(2)), ZoneOffset.UTC, List.of(Metric.VISITORS, Metric.CONVERSIONS),
          List.of(Dimension.GOAL), List.of(), null, true, 100, 0).withGoals(matches);
      long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
      List<Map<String, Object>> rolled = run(after, true, q);
      assertEquals(1, QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore);
      assertEquals(run(after, false, q), rolled);
      assertEquals(GOALS.length, rolled.size());
    }
  }

  @Test
  void coverageFollowsTheGoalsTheWriterCounts() throws InterruptedException {
    RunningServer server = RunningServer.start();
    try {
      Instant now = Instant.now();
      send(server, "custom", "Signup");
      int signup = define(server, new String[] {"Signup", "custom", "Signup"});
      define(server, new String[] {"Pricing", "pageview", "/pricing"});
      awaitGoals(server, 2);
      assertEquals(2L, count(server, "select count(*) from rollup_goal_coverage"), "written once every writer partition counts them");
      send(server, "custom", "Signup");
      // the site had traffic before the goals were counted: covered from the next UTC midnight only
      for (var r : server.sql("select since from rollup_goal_coverage order by goal_key")) {
        OffsetDateTime since = r.getOffsetDateTime("since");
        assertEquals(since.truncatedTo(ChronoUnit.DAYS).toInstant(), since.toInstant(), "a UTC midnight");
        assertTrue(since.toInstant().isAfter(now) && !since.toInstant().isAfter(now.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(6))),
            String.valueOf(since));
      }
      assertEquals(2L, count(server, "select count(*) from rollup_goal_coverage"));
      QuerySpec q = new QuerySpec(1, now.truncatedTo(ChronoUnit.DAYS), now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)), ZoneOffset.UTC,
          List.of(Metric.VISITORS, Metric.CONVERSIONS), List.of(Dimension.GOAL), List.of(), null, true, 100, 0)
          .withGoals(List.of(new GoalMatch("Signup", "custom", "Signup")));
      long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW);
      assertEquals(List.of(Map.of("goal", "Signup", "visitors", 1L, "conversions", 2L)), run(server, true, q));
      assertEquals(1, QueryEngine.answered(QueryEngine.Plan.RAW) - rawBefore, "not covered today: raw");

      assertEquals(204, server.send("DELETE", "/admin/v1/sites/1/goals/" + signup, null, "Authorization", "Bearer " + server.adminKey())
          .statusCode());
      awaitGoals(server, 1);
      send(server, "pageview", null);
      assertEquals(List.of("pageview:/pricing"), keys(server), "the deleted goal's row went once no partition counts it");
    } finally {
      server.close();
    }
    try (RunningServer off = RunningServer.restart(server.db, server.banner, "writer.rollups", "false")) {
      assertEquals(0L, count(off, "select count(*) from rollup_goal_coverage"), "nothing keeps goal rows current with rollups off");
    }
  }

  private static int define(RunningServer server, String[] g) {
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/goals",
        new JsonObject().put("name", g[0]).put("type", g[1]).put("match", g[2]).encode(),
        "Authorization", "Bearer " + server.adminKey(), "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getInteger("id");
  }

  /** The writer reloads goals every 10 s. */
  private static void awaitGoals(RunningServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.metric("sightline_rollup_goals") != n && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(n, server.metric("sightline_rollup_goals"), 0.0);
  }

  private static void send(RunningServer server, String type, String name) {
    JsonObject e = new JsonObject().put("type", type).put("url", "https://localhost/pricing");
    if (name != null) {
      e.put("name", name);
    }
    HttpResponse<String> r = server.send("POST", "/api/event/batch", new JsonArray().add(e).encode(), "x-api-key", server.siteKey(),
        "User-Agent", RollupTraffic.DESKTOP, "X-Forwarded-For", "203.0.113.7");
    assertEquals(200, r.statusCode(), r.body());
  }

  private static List<Map<String, Object>> run(RunningServer server, boolean rollups, QuerySpec q) {
    server.foldRollups();
    List<Map<String, Object>> rows = new ArrayList<>(Await.result(new QueryEngine(server.server.database().pool(), 30_000, rollups).run(q),
        Duration.ofSeconds(60)).rows());
    rows.sort(Comparator.comparing(r -> String.valueOf(r.get("goal"))));
    return rows;
  }

  private static List<String> keys(RunningServer server) {
    List<String> out = new ArrayList<>();
    server.sql("select goal_key from rollup_goal_coverage order by goal_key").forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private static long count(RunningServer server, String sql) {
    return server.sql(sql).iterator().next().getLong(0);
  }
}
