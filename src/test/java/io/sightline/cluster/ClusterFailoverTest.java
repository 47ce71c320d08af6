package io.sightline.cluster;

import io.sightline.config.SightlineConfig;
import io.sightline.lifecycle.Await;
import io.sightline.lifecycle.DatabaseSession;
import io.sightline.lifecycle.FirstStart;
import io.sightline.rollup.RollupRebuild;
import io.sightline.support.ClusterMembers;
import io.sightline.support.TestConfig;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three cluster members as separate processes on loopback, one PostgreSQL (docs/cluster.md). Beacons sent to all three, each
 * visitor's events to different members, give the exact answers the test computes from what it sent, on every member; then one
 * member is killed with SIGKILL under load: every event acknowledged with a 2xx is stored exactly once, the survivors take its
 * partitions within seconds; it is started again under load and takes partitions back; every acknowledged event is stored
 * exactly once, and every visitor's next event continues its session. The members keep rollups (the default): after the kill
 * and after the join, the rollup tables equal a rebuild from the raw events, so each partition's rollup state (dedupe state,
 * sessions, pending deltas, sketches) moved with it and nothing was counted twice or lost.
 */
@Tag("integration")
class ClusterFailoverTest {
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
  private static final String[] PAGES = {"/", "/pricing", "/docs", "/blog"};
  private static final int PARTITIONS = 12;
  /** The rollups are folded every half second (10 s by default), so the queries and the checks against a rebuild wait little. */
  private static final String FOLD_OFTEN = "writer.rollupFoldMillis=500";

  @Test
  void threeMembersAnswerExactlyAndLoseNoAcknowledgedEventWhenOneIsKilled() throws Exception {
    long testStarted = System.nanoTime();
    TestDatabase db = TestPostgres.newDatabase();
    SightlineConfig config = TestConfig.forDatabase(db, "writer.rollups", "false");
    Vertx vertx = Vertx.vertx();
    DatabaseSession database = DatabaseSession.open(config, vertx); // the schema and the first site, before the members start
    String key = Await.result(FirstStart.run(database.pool(), config), Duration.ofSeconds(30)).orElseThrow().siteKey().key();
    ExecutorService clients = Executors.newFixedThreadPool(6);
    try (ClusterMembers cluster = new ClusterMembers(db.url(), 3)) {
      for (int i = 0; i < 3; i++) {
        cluster.start(i, FOLD_OFTEN);
      }
      for (int i = 0; i < 3; i++) {
        cluster.awaitReady(i, Duration.ofSeconds(150)); // about 15 s on an idle 2-core machine; far longer on a busy one
      }
      awaitOwners(cluster, new int[] {0, 1, 2}, Duration.ofSeconds(20));
      System.out.printf("3 members ready and owning all partitions %d ms after the test started%n", millisSince(testStarted));

      // 1. each visitor's three pageviews go to three different members
      int visitors = 45;
      Map<String, List<String>> sent = new TreeMap<>(); // visitor → pages, in order
      Map<String, Long> sessionOf = new ConcurrentHashMap<>();
      List<Future<?>> done = new ArrayList<>();
      for (int v = 0; v < visitors; v++) {
        String visitor = "v" + v;
        List<String> pages = new ArrayList<>();
        int views = 1 + v % 3;
        for (int j = 0; j < views; j++) {
          pages.add(PAGES[(v + j) % PAGES.length]);
        }
        sent.put(visitor, pages);
        int first = v % 3;
        done.add(clients.submit(() -> {
          for (int j = 0; j < pages.size(); j++) {
            HttpResponse<String> r = acknowledged(cluster, (first + j) % 3, 3, key, visitor, null, pages.get(j));
            long session = new JsonObject(r.body()).getLong("session_id");
            Long before = sessionOf.putIfAbsent(visitor, session);
            assertTrue(before == null || before == session, visitor + ": one session across members");
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      int pageviews = sent.values().stream().mapToInt(List::size).sum();
      awaitQuiet(database.pool(), new AtomicInteger()); // the queries read the rollups, folded every 500 ms
      Map<String, Set<String>> visitorsByPage = new TreeMap<>();
      sent.forEach((visitor, pages) -> pages.forEach(p -> visitorsByPage.computeIfAbsent(p, x -> new HashSet<>()).add(visitor)));
      for (int i = 0; i < 3; i++) {
        JsonObject totals = query(cluster, i, key, null).getJsonObject("results");
        assertEquals(visitors, totals.getInteger("visitors"), "member " + i + ": " + totals);
        assertEquals(visitors, totals.getInteger("sessions"), "member " + i + ": " + totals);
        assertEquals(pageviews, totals.getInteger("pageviews"), "member " + i + ": " + totals);
        Map<String, Integer> byPage = new TreeMap<>();
        for (Object row : query(cluster, i, key, "page").getJsonArray("results")) {
          JsonObject r = (JsonObject) row;
          byPage.put(r.getString("page"), r.getInteger("visitors"));
        }
        Map<String, Integer> expected = new TreeMap<>();
        visitorsByPage.forEach((p, set) -> expected.put(p, set.size()));
        assertEquals(expected, byPage, "member " + i);
      }

      // realtime: every member counts every visitor once, whichever member owns it
      for (int i = 0; i < 3; i++) {
        assertEquals(visitors, awaitRealtime(cluster, i, key, visitors), "member " + i + ": current visitors");
      }

      // identity stitching across members: v0 logs in as u0 on member 0; u0's server-side event through members 1 and 2 continues
      // v0's session, once they learnt the link
      HttpResponse<String> login = acknowledged(cluster, 0, 1, key, "v0", "u0", "/login");
      assertEquals(sessionOf.get("v0"), new JsonObject(login.body()).getLong("session_id"), login.body());
      for (int i = 1; i < 3; i++) {
        awaitMetric(cluster, i, "sightline_ingest_identity_links", 1);
        HttpResponse<String> server = acknowledged(cluster, i, 1, key, null, "u0", "/account");
        assertEquals(sessionOf.get("v0"), new JsonObject(server.body()).getLong("session_id"), "member " + i + ": " + server.body());
      }

      // 2. load on all three members, member 2 killed with SIGKILL while it runs: senders retry with the same event_id elsewhere
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicBoolean victimDead = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean paused = new AtomicBoolean();
      AtomicInteger sending = new AtomicInteger();
      AtomicInteger retries = new AtomicInteger();
      List<Future<?>> load = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        load.add(clients.submit(() -> {
          int n = 0;
          while (!stop.get()) {
            if (paused.get()) {
              Thread.sleep(20);
              continue;
            }
            sending.incrementAndGet();
            // half of the visitors send their own id (counted by the stable visitors' sketches), half are anonymous (an address
            // of their own: counted by the writer's dedupe state)
            boolean anonymous = thread % 2 == 1;
            String visitor = anonymous ? null : "load" + thread + "-" + (n % 25);
            String address = anonymous ? "81.2.69." + (10 + thread * 25 + n % 25) : "81.2.69.160";
            String eid = UUID.randomUUID().toString();
            int member = (thread + n) % 3;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
              if (member == 2 && victimDead.get()) {
                member = 0;
              }
              try {
                HttpResponse<String> r = event(cluster, member, key, visitor, null, PAGES[n % PAGES.length], eid, address);
                if (r.statusCode() / 100 == 2) {
                  acknowledged.add(eid);
                  break;
                }
                assertEquals(503, r.statusCode(), r.body()); // not stored, or not confirmed: the same event_id again
              } catch (IOException refused) {
                // the killed member's connections
              }
              retries.incrementAndGet();
              assertTrue(System.nanoTime() < deadline, "an event not acknowledged within 30 s of retries");
              member = (member + 1) % 3;
              Thread.sleep(50);
            }
            sending.decrementAndGet();
            n++;
          }
          return null;
        }));
      }
      Thread.sleep(1500);
      int before = acknowledged.size();
      long killedAt = System.nanoTime();
      cluster.kill(2);
      victimDead.set(true);
      awaitOwners(cluster, new int[] {0, 1}, Duration.ofSeconds(30));
      long failoverMs = millisSince(killedAt);
      Thread.sleep(500); // some load on the survivors alone
      // the rollups after the kill: the killed member's partitions, their pending deltas and state, taken by the survivors
      paused.set(true);
      awaitQuiet(database.pool(), sending);
      assertRollupsEqualARebuild(database.pool(), cluster, key, "after the kill");
      paused.set(false);
      int beforeJoin = acknowledged.size();
      // 3. a member joins under load (the killed one, started again): it takes partitions from the two, which drain them first
      long joinStarted = System.nanoTime();
      cluster.start(2, FOLD_OFTEN);
      cluster.awaitReady(2, Duration.ofSeconds(150));
      long joinReadyMs = millisSince(joinStarted);
      awaitOwners(cluster, new int[] {0, 1, 2}, Duration.ofSeconds(30));
      long joinMs = millisSince(joinStarted);
      int afterJoin = acknowledged.size();
      Thread.sleep(1000);
      stop.set(true);
      for (Future<?> f : load) {
        f.get(60, TimeUnit.SECONDS);
      }
      System.out.printf("Failover: the 2 survivors own all %d partitions %d ms after the SIGKILL; %d events acknowledged "
          + "(%d before the kill, %d before the join), %d retries%n", PARTITIONS, failoverMs, acknowledged.size(), before, beforeJoin,
          retries.get());
      System.out.printf("Join: the restarted member ready %d ms after its start, partitions moved to it %d ms later; "
          + "%d events acknowledged during the join%n", joinReadyMs, joinMs - joinReadyMs, afterJoin - beforeJoin);
      assertTrue(failoverMs < 15_000, "partitions taken over within 15 s, took " + failoverMs + " ms");
      assertTrue(afterJoin > beforeJoin, "events acknowledged while the member joined");

      // every acknowledged event stored exactly once, no event stored twice
      Map<String, Long> stored = new HashMap<>();
      for (Row r : Await.result(database.pool().query("select props->>'eid' as eid, count(*) as n from events "
          + "where props ? 'eid' group by 1").execute(), Duration.ofSeconds(30))) {
        stored.put(r.getString("eid"), r.getLong("n"));
      }
      for (String eid : acknowledged) {
        assertEquals(1L, stored.getOrDefault(eid, 0L), "acknowledged event " + eid + " stored exactly once");
      }
      stored.forEach((eid, n) -> assertEquals(1L, n, "event " + eid + " stored once"));
      awaitQuiet(database.pool(), sending);
      assertRollupsEqualARebuild(database.pool(), cluster, key, "after the join");

      // 4. every visitor of step 1 comes back (within 30 minutes): the same session, wherever it lives now
      for (String visitor : sent.keySet()) {
        HttpResponse<String> r = acknowledged(cluster, Math.floorMod(visitor.hashCode(), 3), 3, key, visitor, null, "/back");
        assertEquals(sessionOf.get(visitor), new JsonObject(r.body()).getLong("session_id"), visitor + " continues its session");
      }
      // realtime: the same count on every member, every visitor of step 4 among it
      int current = awaitRealtime(cluster, 0, key, -1);
      assertTrue(current >= visitors, "current visitors " + current);
      assertEquals(current, awaitRealtime(cluster, 1, key, current), "members 0 and 1 count the same visitors");
      assertEquals(current, awaitRealtime(cluster, 2, key, current), "members 0 and 2 count the same visitors");
      System.out.printf("Cluster test took %d ms%n", millisSince(testStarted));
    } finally {
      clients.shutdownNow();
      database.close();
      vertx.close();
    }
  }

  /**
   * Sends one event as a client that follows the contract does: a 503 (not stored, or not confirmed in time) is retried with the
   * same event_id, on the next of the first {@code members} members, until it is acknowledged (within 30 s).
   */
  private static HttpResponse<String> acknowledged(ClusterMembers cluster, int member, int members, String key, String visitor, String user,
                                                   String page) throws Exception {
    String eid = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      HttpResponse<String> r = event(cluster, member, key, visitor, user, page, eid);
      if (r.statusCode() == 200) {
        return r;
      }
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(System.nanoTime() < deadline, "not acknowledged within 30 s: " + r.body());
      member = (member + 1) % members;
    }
  }

  private static HttpResponse<String> event(ClusterMembers cluster, int member, String key, String visitor, String page, String eid)
      throws IOException, InterruptedException {
    return event(cluster, member, key, visitor, null, page, eid);
  }

  private static HttpResponse<String> event(ClusterMembers cluster, int member, String key, String visitor, String user, String page,
                                            String eid) throws IOException, InterruptedException {
    return event(cluster, member, key, visitor, user, page, eid, "81.2.69.160");
  }

  private static HttpResponse<String> event(ClusterMembers cluster, int member, String key, String visitor, String user, String page,
                                            String eid, String address) throws IOException, InterruptedException {
    JsonObject body = new JsonObject().put("url", "https://localhost" + page).put("event_id", eid)
        .put("props", new JsonObject().put("eid", eid));
    if (visitor != null) {
      body.put("visitor_id", visitor);
    }
    if (user != null) {
      body.put("user_id", user);
    }
    return cluster.post(member, "/api/event", body.encode(), "x-api-key", key, "User-Agent", UA, "X-Forwarded-For", address,
        "Content-Type", "application/json");
  }

  private static final String TOTALS = "select bucket, vf, vl, vls, pageviews, events, stable_events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_total where (vf, vl, vls, pageviews, events, stable_events, sessions, "
      + "bounces, duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) order by bucket";
  private static final String DIMS = "select dim, day, value, visitors, carry, pageviews, events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers from rollup_dim where (visitors, carry, pageviews, events, sessions, bounces, "
      + "duration_us, session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) order by dim, day, value nulls first";
  private static final String DRILLS = "select filter_dim, filter_value, day, page, visitors, carry, pageviews, events from rollup_drill "
      + "where (visitors, carry, pageviews, events) <> (0, 0, 0, 0) order by 1, 2, 3, 4";

  /** Waits until no load thread has an event in flight and every member folded its pending rollup deltas (every 500 ms). */
  private static void awaitQuiet(Pool pool, AtomicInteger sending) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (sending.get() > 0 || count(pool, "select count(*) from rollup_pending") > 0) {
      assertTrue(System.nanoTime() < deadline, "rollup deltas still pending after 20 s");
      Thread.sleep(50);
    }
  }

  /**
   * The members' rollup rows (the test's one site) equal what a rebuild from the raw events writes ({@code sightline rollups
   * rebuild}), with nothing pending: the rows each member folded add up to exactly the raw truth. The stable visitors' sketches
   * are kept per writer partition (a rebuild writes them as one partition's), so they are compared by what a query answers from
   * them: the visitors in all and by page, before and after the rebuild.
   */
  private static void assertRollupsEqualARebuild(Pool pool, ClusterMembers cluster, String key, String when) throws Exception {
    int site = (int) count(pool, "select min(id) from sites");
    List<List<String>> before = rollupRows(pool);
    assertTrue(before.get(0).size() > 0 && before.get(1).size() > 0, "rollup rows written " + when);
    String answered = query(cluster, 0, key, null).getJsonObject("results").encode() + query(cluster, 0, key, "page").getJsonArray("results");
    Await.result(RollupRebuild.site(pool, site), Duration.ofSeconds(60));
    List<List<String>> rebuilt = rollupRows(pool);
    String[] names = {"rollup_total", "rollup_dim", "rollup_drill"};
    for (int i = 0; i < names.length; i++) {
      assertEquals(rebuilt.get(i), before.get(i), names[i] + " " + when + " equals a rebuild");
    }
    assertEquals(query(cluster, 0, key, null).getJsonObject("results").encode() + query(cluster, 0, key, "page").getJsonArray("results"),
        answered, "the visitors (sketches included) " + when + " equal a rebuild's");
    System.out.printf("Rollups %s equal a rebuild: %d total, %d dimension, %d drill-down rows; %s%n", when, before.get(0).size(),
        before.get(1).size(), before.get(2).size(), answered);
  }

  private static List<List<String>> rollupRows(Pool pool) {
    List<List<String>> tables = new ArrayList<>();
    for (String sql : new String[] {TOTALS, DIMS, DRILLS}) {
      List<String> rows = new ArrayList<>();
      Await.result(pool.query(sql).execute(), Duration.ofSeconds(30)).forEach(r -> rows.add(r.toJson().encode()));
      tables.add(rows);
    }
    return tables;
  }

  private static long count(Pool pool, String sql) {
    Object v = Await.result(pool.query(sql).execute(), Duration.ofSeconds(30)).iterator().next().getValue(0);
    return v == null ? 0 : ((Number) v).longValue();
  }

  private static JsonObject query(ClusterMembers cluster, int member, String key, String dimension) throws IOException, InterruptedException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonObject request = new JsonObject()
        .put("date_range", new JsonObject().put("start", today.minusDays(1).toString()).put("end", today.plusDays(1).toString()))
        .put("metrics", new JsonArray().add("visitors").add("sessions").add("pageviews"));
    if (dimension != null) {
      request.put("dimensions", new JsonArray().add(dimension)).put("limit", 100);
    }
    HttpResponse<String> r = cluster.post(member, "/api/query", request.encode(), "x-api-key", key, "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** The member's realtime count once it is {@code expected} (or, with -1, once two publications in a row agree), within 5 s. */
  private static int awaitRealtime(ClusterMembers cluster, int member, String key, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int last = -2;
    while (true) {
      HttpResponse<String> r = cluster.get(member, "/api/realtime", "x-api-key", key);
      assertEquals(200, r.statusCode(), r.body());
      int count = new JsonObject(r.body()).getInteger("count");
      if (count == expected || expected == -1 && count == last || System.nanoTime() > deadline) {
        return count;
      }
      last = count;
      Thread.sleep(expected == -1 ? 1100 : 200);
    }
  }

  private static void awaitMetric(ClusterMembers cluster, int member, String name, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    double value = cluster.metric(member, name);
    while (value != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      value = cluster.metric(member, name);
    }
    assertEquals(expected, value, "member " + member + ": " + name);
  }

  /** Waits until the given members all see exactly themselves as the members and together own every partition. */
  private static void awaitOwners(ClusterMembers cluster, int[] members, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      double owned = 0;
      boolean agreed = true;
      StringBuilder seen = new StringBuilder();
      for (int i : members) {
        double m = cluster.metric(i, "sightline_cluster_members");
        double o = cluster.metric(i, "sightline_cluster_partitions_owned");
        seen.append(" member ").append(i).append(": members=").append(m).append(" owned=").append(o);
        agreed &= m == members.length;
        owned += o;
      }
      last = seen.toString();
      if (agreed && owned == PARTITIONS) {
        return;
      }
      Thread.sleep(100);
    }
    StringBuilder logs = new StringBuilder();
    for (int i : members) {
      logs.append("\n--- member ").append(i).append('\n').append(cluster.log(i));
    }
    throw new AssertionError("partitions not owned in time:" + last + logs);
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
