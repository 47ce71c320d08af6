package io.sightline.rollup;

import io.sightline.event.Dimension;
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
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sites that send their own (stable) visitor ids: the rollup path counts them with merged CPC
 * sketches, so a user seen on three days is one visitor, not three, within the sketches' error of
 * the exact count the test keeps itself; daily anonymous ids on the same site stay exact and add.
 * A restarted writer continues the stored sketches instead of starting today's from nothing.
 */
@Tag("integration")
class StableVisitorsTest {
  static final String[] PAGES = {"/", "/app", "/settings", "/billing"};
  static final String[] SOURCES = {"newsletter", "partner"};

  /** Users 0..n-1 on day k (0 = two days ago) are those with i % 3 != k; each views 1-3 pages. */
  static int sendDay(RunningServer server, int day, int users, int offset, Map<String, Set<String>> pageUsers, Set<String> all,
                     Map<String, Set<String>> sourceUsers) {
    Instant midnight = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2 - day));
    Instant latest = Instant.now().minusSeconds(120);
    int sent = 0;
    JsonArray batch = new JsonArray();
    for (int i = offset; i < offset + users; i++) {
      if (i % 3 == day) {
        continue;
      }
      String user = "user-" + i;
      Instant t = midnight.plusSeconds((i * 137L) % 80_000);
      if (!t.isBefore(latest)) { // today, not yet that late: somewhere between midnight and two minutes ago
        t = midnight.plusSeconds(i % Math.max(1, Math.min(600, Duration.between(midnight, latest).getSeconds())));
      }
      String source = SOURCES[(i + day) % SOURCES.length];
      for (int p = 0; p < 1 + i % 3; p++) {
        String page = PAGES[(i + p) % PAGES.length];
        batch.add(new JsonObject().put("type", "pageview").put("user_id", user).put("timestamp", t.plusSeconds(30L * p).toString())
            .put("url", "https://localhost" + page + (p == 0 ? "?utm_source=" + source : "")));
        pageUsers.computeIfAbsent(page, k -> new HashSet<>()).add(user);
        sent++;
      }
      sourceUsers.computeIfAbsent(source, k -> new HashSet<>()).add(user);
      all.add(user);
      if (batch.size() > 200) {
        post(server, batch);
        batch = new JsonArray();
      }
    }
    if (!batch.isEmpty()) {
      post(server, batch);
    }
    return sent;
  }

  static void post(RunningServer server, JsonArray batch) {
    HttpResponse<String> r = server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", server.siteKey(),
        "User-Agent", RollupTraffic.DESKTOP, "X-Forwarded-For", "198.51.100.7");
    assertEquals(200, r.statusCode(), r.body());
  }

  static List<Map<String, Object>> run(RunningServer server, boolean rollups, QuerySpec q) {
    server.foldRollups();
    return Await.result(new QueryEngine(server.server.database().pool(), 30_000, rollups).run(q), Duration.ofSeconds(60)).rows();
  }

  /** Within the sketches' error: 2 % (about two standard errors at lgK 12) or 1. */
  static void assertClose(long exact, long estimate, String what) {
    assertTrue(Math.abs(exact - estimate) <= Math.max(1, 0.02 * exact), what + ": exact " + exact + ", estimated " + estimate);
  }

  @Test
  void sketchesCountStableVisitorsOnceAcrossDays() {
    Map<String, Set<String>> pageUsers = new HashMap<>();
    Map<String, Set<String>> sourceUsers = new HashMap<>();
    Set<String> all = new HashSet<>();
    RunningServer before = RunningServer.start();
    sendDay(before, 0, 900, 0, pageUsers, all, sourceUsers);
    sendDay(before, 1, 900, 0, pageUsers, all, sourceUsers);
    before.close();
    try (RunningServer server = RunningServer.restart(before.db, before.banner)) {
      // today after a restart: the same users (already in the stored sketches of earlier days) and 300 new ones
      sendDay(server, 2, 1200, 0, pageUsers, all, sourceUsers);
      // anonymous visitors on the same site (daily ids, exact): two IPs today
      for (String ip : List.of("203.0.113.1", "203.0.113.2")) {
        HttpResponse<String> r = server.send("POST", "/api/event/batch", new JsonArray().add(new JsonObject().put("type", "pageview")
            .put("url", "https://localhost/")).encode(), "x-api-key", server.siteKey(), "User-Agent", RollupTraffic.DESKTOP, "X-Forwarded-For", ip);
        assertEquals(200, r.statusCode(), r.body());
      }
      Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
      Instant end = start.plus(Duration.ofDays(3));
      QuerySpec totals = new QuerySpec(1, start, end, ZoneOffset.UTC, List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(), List.of(), null,
          true, 100, 0);
      long rollupsBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
      Map<String, Object> served = run(server, true, totals).get(0);
      assertEquals(1, QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupsBefore, "the rollups answer, with sketches");
      assertEquals(run(server, false, totals).get(0).get("visitors"), (long) all.size() + 2, "raw: exact");
      assertClose(all.size() + 2, (Long) served.get("visitors"), "three days' visitors");
      assertTrue((Long) served.get("visitors") < 1.3 * all.size(), "not the sum of daily counts (about 2x)");

      QuerySpec pages = new QuerySpec(1, start, end, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.PAGE), List.of(), null, true, 100, 0);
      for (Map<String, Object> row : run(server, true, pages)) {
        String page = (String) row.get("page");
        assertClose(pageUsers.get(page).size() + (page.equals("/") ? 2 : 0), (Long) row.get("visitors"), page);
      }
      QuerySpec sources = new QuerySpec(1, start, end, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.SOURCE), List.of(), null, true, 100, 0);
      for (Map<String, Object> row : run(server, true, sources)) {
        if (row.get("source") != null) {
          assertClose(sourceUsers.get((String) row.get("source")).size(), (Long) row.get("visitors"), "source " + row.get("source"));
        }
      }
      QuerySpec days = new QuerySpec(1, start, end, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.DATE), List.of(), null, false, 100, 0);
      List<Map<String, Object>> raw = run(server, false, days);
      List<Map<String, Object>> rolled = run(server, true, days);
      assertEquals(3, rolled.size());
      for (int i = 0; i < 3; i++) {
        assertEquals(raw.get(i).get("date"), rolled.get(i).get("date"));
        assertClose((Long) raw.get(i).get("visitors"), (Long) rolled.get(i).get("visitors"), "day " + raw.get(i).get("date"));
      }
      // a rebuild makes the same sketches from the raw events (one row per key; the writer partitions keep one each)
      String keys = "select count(*) from (select distinct dim, day, value from rollup_sketch where site_id = 1) k";
      long stored = server.sql(keys).iterator().next().getLong(0);
      Await.result(RollupRebuild.site(server.server.database().pool(), 1), Duration.ofSeconds(60));
      assertEquals(stored, server.sql(keys).iterator().next().getLong(0));
      assertEquals(stored, server.sql("select count(*) from rollup_sketch where site_id = 1").iterator().next().getLong(0));
      assertClose(all.size() + 2, (Long) run(server, true, totals).get(0).get("visitors"), "after a rebuild");
    }
  }
}
