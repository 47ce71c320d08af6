package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalType;
import io.sightline.lifecycle.Await;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollup path and the raw path answer the same on the same traffic: every metric the rollups
 * keep, totals, date/week/month series and every rolled-up dimension, in UTC, America/New_York and
 * Asia/Kolkata, for ranges on UTC days and ranges that start and end inside them (those the
 * rollups cannot answer exactly must fall back to raw, and still agree). The goals breakdown the
 * same way, for goals defined through the admin API before the traffic (wildcard and exact pages,
 * custom, click by label or secondary target, any and one form, two names for one pattern, a goal
 * never completed). Then the rollup tables equal a rebuild from the raw events.
 */
@Tag("integration")
class RollupConsistencyTest {
  static RunningServer server;
  static Instant now;
  static int sent;

  /** name, type, match: as defined through the admin API. */
  static final List<String[]> GOALS = List.of(new String[] {"Blog", "pageview", "/blog*"}, new String[] {"Blog again", "pageview", "/blog*"},
      new String[] {"Blog posts", "pageview", "/blog/*"}, new String[] {"Pricing", "pageview", "/pricing"},
      new String[] {"Signup", "custom", "Signup"}, new String[] {"Buy", "click", "Buy"}, new String[] {"Buy link", "click", "#buy"},
      new String[] {"Any form", "form", "*"}, new String[] {"Contact form", "form", "contact"}, new String[] {"Never", "custom", "Never"});
  static List<GoalMatch> goalMatches;

  @BeforeAll
  static void ingest() throws InterruptedException {
    ingestWith(2);
  }

  /** The traffic, through {@code partitions} writer partitions (the single-partition run: {@link RollupConsistencySinglePartitionTest}). */
  static void ingestWith(int partitions) throws InterruptedException {
    server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry", "writer.partitions", Integer.toString(partitions));
    List<GoalMatch> matches = new ArrayList<>();
    for (String[] g : GOALS) {
      var r = server.send("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", g[0]).put("type", g[1]).put("match", g[2]).encode(),
          "Authorization", "Bearer " + server.adminKey(), "Content-Type", "application/json");
      assertEquals(201, r.statusCode(), r.body());
      matches.add(new Goal(0, 1, g[0], GoalType.parse(g[1]), g[2]).toMatch());
    }
    goalMatches = matches;
    // the writer reloads goals every 10 s: wait until it counts them (9 distinct type:pattern keys) before any traffic
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (server.metric("sightline_rollup_goals") < GOALS.size() - 1 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(GOALS.size() - 1, server.metric("sightline_rollup_goals"), 0.0);
    now = Instant.now();
    sent = RollupTraffic.send(server, server.siteKey(), RollupTraffic.generate(now, 20261123, 300));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Pool pool() {
    return server.server.database().pool();
  }

  static List<Map<String, Object>> run(boolean rollups, QuerySpec q) {
    return RollupQueries.run(pool(), rollups, q);
  }

  static final List<Metric> METRICS = List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.EVENTS, Metric.VIEWS_PER_VISIT,
      Metric.BOUNCE_RATE, Metric.AVG_DURATION, Metric.BOUNCES, Metric.TOTAL_DURATION, Metric.CLICKERS);

  @Test
  void rollupAndRawAgreeOnEveryCoveredShape() {
    Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant today = yesterday.plus(Duration.ofDays(1));
    Instant tomorrow = today.plus(Duration.ofDays(1));
    List<Instant[]> ranges = new ArrayList<>(List.of(
        new Instant[] {yesterday, today}, new Instant[] {yesterday, tomorrow}, new Instant[] {today, tomorrow},
        new Instant[] {yesterday.minus(Duration.ofDays(3)), tomorrow},
        new Instant[] {yesterday.plus(Duration.ofHours(3)), today.plus(Duration.ofHours(5))},        // inside days, past the spill
        new Instant[] {yesterday.plus(Duration.ofMinutes(45)), today.plus(Duration.ofMinutes(45))}, // inside the spill: raw
        new Instant[] {yesterday.plus(Duration.ofHours(6)), yesterday.plus(Duration.ofHours(18))}));  // inside one day: raw
    List<ZoneId> zones = List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"));
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    int compared = 0;
    for (ZoneId zone : zones) {
      // the zone's own days: yesterday and today as local days
      LocalDate localToday = LocalDate.ofInstant(now, zone);
      ranges.add(new Instant[] {localToday.minusDays(1).atStartOfDay(zone).toInstant(), localToday.plusDays(1).atStartOfDay(zone).toInstant()});
      for (Instant[] r : ranges) {
        List<List<Dimension>> shapes = new ArrayList<>();
        shapes.add(List.of());
        shapes.add(List.of(Dimension.DATE));
        shapes.add(List.of(Dimension.WEEK));
        shapes.add(List.of(Dimension.MONTH));
        for (RollupDim d : RollupDim.values()) {
          if (d != RollupDim.GOAL) { // compared with goal metrics in goalBreakdownsAgree
            shapes.add(List.of(d.dimension()));
          }
        }
        for (List<Dimension> dims : shapes) {
          for (List<Metric> metrics : List.of(METRICS, List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Metric.VISITORS),
              List.of(Metric.SESSIONS, Metric.BOUNCE_RATE, Metric.AVG_DURATION), List.of(Metric.EVENTS), List.of(Metric.PAGEVIEWS))) {
            QuerySpec q = new QuerySpec(1, r[0], r[1], zone, metrics, dims, List.of(), null, true, 10_000, 0);
            List<Map<String, Object>> raw = sorted(run(false, q), dims);
            List<Map<String, Object>> rolled = sorted(run(true, q), dims);
            assertEquals(raw, rolled, () -> zone + " " + r[0] + ".." + r[1] + " " + dims + " " + metrics);
            compared++;
          }
        }
      }
      ranges.remove(ranges.size() - 1);
    }
    long byRollups = QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore;
    assertTrue(byRollups > compared / 4, "rollups answered " + byRollups + " of " + compared + " queries");
    // and the traffic was there: the totals of yesterday..tomorrow count every event sent
    QuerySpec all = new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.EVENTS, Metric.PAGEVIEWS), List.of(), List.of(),
        null, true, 10, 0);
    long engagement = count("select count(*) from events where site_id = 1 and type = 'engagement'");
    assertEquals(sent - engagement, run(true, all).get(0).get("events"));
  }

  /**
   * A filter on one value of a session attribute: the totals, the date, week and month series and the breakdown by the
   * attribute itself come from the value's rows ({@code RollupPath.oneValue}) and equal the raw answers, for the
   * attribute's most common value and a value no event has (zeros, empty buckets, no breakdown row).
   */
  @Test
  void oneValueFiltersAgree() {
    Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant tomorrow = yesterday.plus(Duration.ofDays(2));
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    int compared = 0;
    for (RollupDim d : RollupDim.values()) {
      if (d.kind() != RollupDim.Kind.SESSION_ATTRIBUTE) {
        continue;
      }
      List<Map<String, Object>> values = run(false, new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.VISITORS),
          List.of(d.dimension()), List.of(), null, true, 1, 0));
      List<String> tried = new ArrayList<>(List.of("no such value"));
      if (!values.isEmpty() && values.get(0).get(d.dimension().id()) != null) {
        tried.add(String.valueOf(values.get(0).get(d.dimension().id())));
      }
      for (String value : tried) {
        // from yesterday, and from today (its first day's carry: yesterday's sessions crossing midnight)
        for (Instant[] r : List.of(new Instant[] {yesterday, tomorrow}, new Instant[] {yesterday.plus(Duration.ofDays(1)), tomorrow})) {
          for (List<Dimension> dims : List.of(List.<Dimension>of(), List.of(Dimension.DATE), List.of(Dimension.WEEK), List.of(Dimension.MONTH),
              List.of(d.dimension()))) {
            // visitors alone: a breakdown row's existence by the events side only
            for (List<Metric> metrics : dims.isEmpty() || dims.get(0) != d.dimension() ? List.of(METRICS) : List.of(METRICS, List.of(Metric.VISITORS))) {
              QuerySpec q = new QuerySpec(1, r[0], r[1], ZoneOffset.UTC, metrics, dims, List.of(new Filter(d.dimension(), Operator.IS, List.of(value))),
                  null, true, 10_000, 0);
              assertEquals(sorted(run(false, q), dims), sorted(run(true, q), dims), () -> d + " is " + value + " " + r[0] + ".." + r[1] + " " + dims
                  + " " + metrics);
              compared++;
            }
          }
        }
      }
    }
    assertEquals(compared, QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore, "every filtered query came from the rollups");
  }

  /**
   * The drill-down rows among one value of a visitor-level attribute ({@code RollupAccumulator.BY_VISITOR}): its pages,
   * sources, channels, countries, devices and goals, and read the other way, the countries and devices where a source or
   * channel is one value; the attribute's most common value and an absent one, from the rollups and equal
   * to the raw answers (a goal of two names for one key included).
   */
  @Test
  void crossDrillRowsAgree() {
    Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant tomorrow = yesterday.plus(Duration.ofDays(2));
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    int compared = 0;
    List<RollupDim[]> pairs = new ArrayList<>();
    for (RollupDim f : RollupAccumulator.BY_VISITOR) {
      for (RollupDim d : List.of(RollupDim.PAGE, RollupDim.SOURCE, RollupDim.CHANNEL, RollupDim.COUNTRY, RollupDim.DEVICE, RollupDim.GOAL)) {
        if (d != f) {
          pairs.add(new RollupDim[] {f, d});
          if (RollupAccumulator.CROSS.contains(d) && !RollupAccumulator.BY_VISITOR.contains(d)) {
            pairs.add(new RollupDim[] {d, f}); // the other way
          }
        }
      }
    }
    for (RollupDim[] p : pairs) {
      List<Map<String, Object>> values = run(false, new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.VISITORS),
          List.of(p[0].dimension()), List.of(), null, true, 1, 0));
      List<String> tried = new ArrayList<>(List.of("no such value"));
      for (Map<String, Object> v : values) {
        if (v.get(p[0].dimension().id()) != null) {
          tried.add(String.valueOf(v.get(p[0].dimension().id())));
        }
      }
      for (String value : tried) {
        List<List<Metric>> metricSets = p[1] == RollupDim.GOAL ? List.of(List.of(Metric.VISITORS, Metric.CONVERSIONS))
            : List.of(List.of(Metric.VISITORS), List.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS));
        for (List<Metric> metrics : metricSets) {
          QuerySpec q = new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, metrics, List.of(p[1].dimension()),
              List.of(new Filter(p[0].dimension(), Operator.IS, List.of(value))), null, true, 10_000, 0).withGoals(goalMatches);
          List<Dimension> dims = q.dimensions();
          assertEquals(sorted(run(false, q), dims), sorted(run(true, q), dims), () -> p[1] + " where " + p[0] + " is " + value + " " + metrics);
          compared++;
        }
      }
    }
    assertEquals(compared, QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore, "every drill-down came from the rollups");
  }

  /**
   * The goals breakdown: rollup and raw agree on every range and zone (the rollups answer whole UTC
   * days in UTC, raw the rest), for the metrics goal rows keep; goals with no conversion have no row
   * on either path; a goal the writer does not count sends the query to raw.
   */
  @Test
  void goalBreakdownsAgree() {
    Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant today = yesterday.plus(Duration.ofDays(1));
    Instant tomorrow = today.plus(Duration.ofDays(1));
    List<Instant[]> ranges = List.of(new Instant[] {yesterday, today}, new Instant[] {yesterday, tomorrow}, new Instant[] {today, tomorrow},
        new Instant[] {yesterday.minus(Duration.ofDays(3)), tomorrow}, new Instant[] {yesterday.plus(Duration.ofHours(3)), today.plus(Duration.ofHours(5))},
        new Instant[] {yesterday.plus(Duration.ofHours(6)), yesterday.plus(Duration.ofHours(18))});
    List<List<Metric>> metricSets = List.of(List.of(Metric.VISITORS, Metric.CONVERSIONS), List.of(Metric.VISITORS), List.of(Metric.CONVERSIONS),
        List.of(Metric.EVENTS, Metric.PAGEVIEWS), List.of(Metric.VISITORS, Metric.CONVERSIONS, Metric.EVENTS, Metric.PAGEVIEWS),
        List.of(Metric.VISITORS, Metric.CONVERSIONS, Metric.CONVERSION_RATE));
    int byRollups = 0;
    for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"))) {
      for (Instant[] r : ranges) {
        for (List<Metric> metrics : metricSets) {
          QuerySpec q = new QuerySpec(1, r[0], r[1], zone, metrics, List.of(Dimension.GOAL), List.of(), null, true, 10_000, 0)
              .withGoals(goalMatches);
          String what = zone + " " + r[0] + ".." + r[1] + " " + metrics;
          List<Map<String, Object>> raw = sorted(run(false, q), q.dimensions());
          long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW);
          assertEquals(raw, sorted(run(true, q), q.dimensions()), what);
          // conversion_rate needs every visitor in scope (its scope query may come from the rollups, its goal rows not)
          boolean rollable = zone == ZoneOffset.UTC && r[0].getEpochSecond() % 86_400 == 0 && r[1].getEpochSecond() % 86_400 == 0
              && !metrics.contains(Metric.CONVERSION_RATE);
          assertEquals(rollable, QueryEngine.answered(QueryEngine.Plan.RAW) == rawBefore, "answered from the rollups: " + what);
          byRollups += rollable ? 1 : 0;
        }
      }
    }
    assertEquals(4 * 5, byRollups); // the whole UTC days in UTC, every metric set but the one with conversion_rate

    QuerySpec twoDays = new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.VISITORS, Metric.CONVERSIONS),
        List.of(Dimension.GOAL), List.of(), null, true, 100, 0).withGoals(goalMatches);
    Map<String, Map<String, Object>> rows = new TreeMap<>();
    run(true, twoDays).forEach(row -> rows.put((String) row.get("goal"), row));
    assertEquals(GOALS.stream().map(g -> g[0]).filter(n -> !n.equals("Never")).sorted().toList(), new ArrayList<>(rows.keySet()),
        "every goal with a conversion has a row, the goal never completed has none");
    assertEquals(rows.get("Blog"), withGoal(rows.get("Blog again"), "Blog"), "two names, one pattern: the same counts");
    assertTrue((Long) rows.get("Blog").get("conversions") > (Long) rows.get("Blog").get("visitors"), "visitors are distinct over pages");
    assertEquals(count("select count(*) from events where site_id = 1 and type = 'custom' and name = 'Signup'"),
        rows.get("Signup").get("conversions"));

    // a goal the writer does not count (not defined on the site): raw, and still the same answer
    List<GoalMatch> withUndefined = new ArrayList<>(goalMatches);
    withUndefined.add(new GoalMatch("Autoplay", "custom", "Autoplay"));
    QuerySpec undefined = twoDays.withGoals(withUndefined);
    long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW);
    List<Map<String, Object>> rolled = sorted(run(true, undefined), undefined.dimensions());
    assertEquals(1, QueryEngine.answered(QueryEngine.Plan.RAW) - rawBefore);
    assertEquals(sorted(run(false, undefined), undefined.dimensions()), rolled);
  }

  private static Map<String, Object> withGoal(Map<String, Object> row, String name) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(row);
    copy.put("goal", name);
    return copy;
  }

  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows, List<Dimension> dims) {
    return RollupQueries.sorted(rows, dims);
  }

  /**
   * Dashboards ask for a page of the top rows, which the rollup path cuts in SQL (every tie at the cut kept): in
   * either direction, by each count, at offsets, the page served is the page the raw path cuts from all its rows,
   * in the same order. Besides the random traffic (whose ties depend on the hour the test runs), a second site gets
   * traffic built to tie on every dimension with two or more values, so there are always ties to cut inside, where
   * a cut without them would differ.
   */
  @Test
  void topRowsCutInSqlPageLikeAllRows() {
    Instant yesterday = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant tomorrow = yesterday.plus(Duration.ofDays(2));
    int tieSite = sendTiedTraffic(yesterday);
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    int[] random = comparePages(1, yesterday, tomorrow);
    int[] tied = comparePages(tieSite, yesterday, tomorrow);
    int compared = random[1] + tied[1];
    // drill-downs are cut the same way: pages where the most common source, channel or country is the value
    for (RollupDim attribute : RollupAccumulator.DRILL) {
      QuerySpec values = new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(attribute.dimension()),
          List.of(), null, true, 1, 0);
      Object top = run(false, values).get(0).get(attribute.dimension().id());
      for (Metric by : List.of(Metric.VISITORS, Metric.PAGEVIEWS)) {
        for (int[] page : new int[][] {{1, 0}, {3, 0}, {2, 3}}) {
          QuerySpec q = new QuerySpec(1, yesterday, tomorrow, ZoneOffset.UTC, List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Dimension.PAGE),
              List.of(new Filter(attribute.dimension(), Operator.IS, List.of(String.valueOf(top)))), by.id(), true, page[0], page[1]);
          assertEquals(run(false, q), run(true, q), () -> "pages where " + attribute + " = " + top + " by " + by + " " + page[0] + "@" + page[1]);
          compared++;
        }
      }
    }
    assertTrue(QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore >= compared, "every page came from the rollups");
    assertTrue(tied[0] >= 20, "orderings of the tied site with a tie to cut inside: " + tied[0]);
  }

  /**
   * Pages of every rolled-up dimension of a site, by its first two counts in both directions, from the rollups and
   * from raw, compared; for each ordering with a tie, also the page cut inside it. Returns {orderings with a tie,
   * pages compared}.
   */
  private static int[] comparePages(int site, Instant from, Instant to) {
    int tiesAtCut = 0;
    int compared = 0;
    for (RollupDim d : RollupDim.values()) {
      if (d == RollupDim.GOAL) {
        continue;
      }
      List<Metric> metrics = d.kind() == RollupDim.Kind.EVENT ? List.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.EVENTS)
          : d.kind() == RollupDim.Kind.SESSION_PAGE ? List.of(Metric.SESSIONS, Metric.BOUNCES, Metric.CLICKERS) : METRICS;
      for (Metric by : metrics.subList(0, 2)) {
        for (boolean descending : List.of(true, false)) {
          QuerySpec all = new QuerySpec(site, from, to, ZoneOffset.UTC, metrics, List.of(d.dimension()), List.of(), by.id(),
              descending, 10_000, 0);
          List<Map<String, Object>> every = run(false, all);
          List<int[]> pages = new ArrayList<>(List.of(new int[] {1, 0}, new int[] {2, 2}));
          for (int i = 1; i < every.size(); i++) {
            if (every.get(i - 1).get(by.id()).equals(every.get(i).get(by.id()))) {
              pages.add(new int[] {i, 0});                        // the cut falls inside a tie
              pages.add(new int[] {Math.min(i, 2), i - Math.min(i, 2)}); // and a page that ends there
              tiesAtCut++;
              break;
            }
          }
          for (int[] page : pages) {
            QuerySpec q = new QuerySpec(site, from, to, ZoneOffset.UTC, metrics, List.of(d.dimension()), List.of(), by.id(),
                descending, page[0], page[1]);
            assertEquals(run(false, q), run(true, q), () -> "site " + site + " " + d + " by " + by + (descending ? " desc " : " asc ")
                + page[0] + "@" + page[1]);
            compared++;
          }
        }
      }
    }
    return new int[] {tiesAtCut, compared};
  }

  /**
   * A new site and 24 visitors, yesterday, one session each: two pages, then a custom event. Visitor i enters on
   * page i mod 3 and leaves on page i+1 mod 3, and takes host, source, medium, device (so browser and OS) and event
   * name by i mod 2 and country by i mod 4: every value of a dimension has the same counts as the others.
   */
  private static int sendTiedTraffic(Instant yesterday) {
    var site = server.send("POST", "/admin/v1/sites", "{\"domain\":\"ties.example\"}", "x-api-key", server.adminKey());
    assertEquals(201, site.statusCode(), site.body());
    int id = new JsonObject(site.body()).getInteger("id");
    var key = server.send("POST", "/admin/v1/sites/" + id + "/keys", "{\"name\":\"ties\",\"scopes\":[\"ingest\"]}", "x-api-key",
        server.adminKey());
    assertEquals(201, key.statusCode(), key.body());
    String[] pages = {"/one", "/two", "/three"};
    List<RollupTraffic.Visit> visits = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Instant t = yesterday.plus(Duration.ofHours(10)).plus(Duration.ofMinutes(i));
      String url = "https://" + (i % 2 == 0 ? "" : "www.") + "ties.example";
      JsonArray events = new JsonArray()
          .add(new JsonObject().put("type", "pageview").put("timestamp", t.toString())
              .put("url", url + pages[i % 3] + "?utm_source=" + (i % 2 == 0 ? "news" : "partner") + "&utm_medium=" + (i % 2 == 0 ? "email" : "cpc")))
          .add(new JsonObject().put("type", "pageview").put("timestamp", t.plusSeconds(20).toString()).put("url", url + pages[(i + 1) % 3]))
          .add(new JsonObject().put("type", "custom").put("name", i % 2 == 0 ? "Play" : "Share").put("timestamp", t.plusSeconds(30).toString())
              .put("url", url + pages[(i + 1) % 3]));
      visits.add(new RollupTraffic.Visit("203.0.113." + (i + 1), i % 2 == 0 ? RollupTraffic.DESKTOP : RollupTraffic.MOBILE,
          RollupTraffic.COUNTRIES[i % 4], events));
    }
    RollupTraffic.send(server, new JsonObject(key.body()).getString("key"), visits);
    return id;
  }

  /**
   * Breakdowns that read compacted weeks: the traffic's weeks compacted as if closed (here while no more events
   * come), then ranges holding whole weeks, starting inside and on a week, agree with raw for every dimension.
   */
  @Test
  void weekBlocksAnswerLikeTheirDays() {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate week = WeekBlocks.weekOf(today);
    Await.result(WeekBlocks.compact(pool(), week.plusDays(7)), Duration.ofSeconds(60));
    assertTrue(count("select count(*) from rollup_dim_week where site_id = 1") > 50, "blocks were written");
    List<LocalDate[]> ranges = List.of(new LocalDate[] {week, week.plusDays(7)}, new LocalDate[] {week.minusDays(7), week.plusDays(7)},
        new LocalDate[] {week.minusDays(10), week.plusDays(9)}, new LocalDate[] {today.minusDays(1), week.plusDays(7)},
        new LocalDate[] {week.plusDays(1), week.plusDays(14)});
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    int compared = 0;
    for (LocalDate[] r : ranges) {
      for (RollupDim d : RollupDim.values()) {
        if (d == RollupDim.GOAL) {
          continue;
        }
        for (List<Metric> metrics : List.of(METRICS, List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Metric.SESSIONS))) {
          QuerySpec q = new QuerySpec(1, r[0].atStartOfDay(ZoneOffset.UTC).toInstant(), r[1].atStartOfDay(ZoneOffset.UTC).toInstant(),
              ZoneOffset.UTC, metrics, List.of(d.dimension()), List.of(), null, true, 10_000, 0);
          assertEquals(sorted(run(false, q), q.dimensions()), sorted(run(true, q), q.dimensions()), r[0] + ".." + r[1] + " " + d + " " + metrics);
          compared++;
        }
      }
    }
    assertTrue(QueryEngine.answered(QueryEngine.Plan.ROLLUP) - rollupBefore > compared / 2);
  }

  @Test
  void tablesEqualARebuildFromRawEvents() {
    String totals = "select bucket, vf, vl, vls, pageviews, events, stable_events, sessions, bounces, duration_us, session_pageviews, clickers "
        + "from rollup_total where site_id = 1 and (vf, vl, vls, pageviews, events, stable_events, sessions, bounces, duration_us, "
        + "session_pageviews, clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) order by bucket";
    String dims = "select dim, day, value, visitors, carry, pageviews, events, sessions, bounces, duration_us, session_pageviews, clickers "
        + "from rollup_dim where site_id = 1 and (visitors, carry, pageviews, events, sessions, bounces, duration_us, session_pageviews, "
        + "clickers) <> (0, 0, 0, 0, 0, 0, 0, 0, 0) order by dim, day, value nulls first";
    List<String> liveTotals = rows(totals);
    List<String> liveDims = rows(dims);
    // a day and a bit of traffic (just after midnight, today holds only minutes of it)
    assertTrue(liveTotals.size() > 48 && liveDims.size() > 50, liveTotals.size() + " / " + liveDims.size());
    RollupRebuild.Result r = Await.result(RollupRebuild.site(pool(), 1), Duration.ofSeconds(60));
    assertEquals(sent, r.events());
    assertEquals(liveTotals, rows(totals));
    assertEquals(liveDims, rows(dims));
    assertTrue(liveDims.stream().anyMatch(d -> d.startsWith("{\"dim\":" + RollupDim.GOAL.id() + ",")), "goal rows compared too");
    assertEquals(GOALS.size() - 1, count("select count(*) from rollup_goal_coverage where site_id = 1 and since = '-infinity'"));
  }

  private static long count(String sql) {
    return server.sql(sql).iterator().next().getLong(0);
  }

  private static List<String> rows(String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : server.sql(sql)) {
      out.add(r.toJson().encode());
    }
    return out;
  }
}
