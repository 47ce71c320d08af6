package io.sightline.rollup;

import io.sightline.event.Dimension;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
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
 * Drill-downs counted from the first-occurrence flags equal {@code count(distinct)} over raw events:
 * every filter the flags allow (visitor-level attributes, one keyed session attribute, any operator)
 * × every grouping they allow (none, page, visitor-level attributes, keyed session attributes, day,
 * week, month) × ranges of whole UTC days, on traffic that crosses midnight and arrives out of order
 * (a session's events sent newest first, a next-day event before its salt day's). Again after a
 * rebuild recomputed the flags. Shapes the flags cannot count exactly take {@code count(distinct)}.
 */
@Tag("integration")
class FirstFlagsTest {
  static RunningServer server;
  static Instant now;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
    now = Instant.now();
    List<RollupTraffic.Visit> visits = new ArrayList<>(RollupTraffic.generate(now, 7, 250));
    visits.addAll(campaigns(now));
    RollupTraffic.send(server, server.siteKey(), visits);
  }

  /**
   * Visitors from campaigns (utm_source, utm_medium, utm_campaign), half of them with their events
   * sent newest first; those around midnight send the next day's events before their salt day's.
   */
  static List<RollupTraffic.Visit> campaigns(Instant now) {
    Instant midnight = now.truncatedTo(ChronoUnit.DAYS);
    Instant latest = now.minusSeconds(90);
    List<RollupTraffic.Visit> out = new ArrayList<>();
    String[] mediums = {"email", "cpc", "social"};
    String[] campaignNames = {"spring-sale", "launch", "spring-launch"};
    for (int v = 0; v < 60; v++) {
      Instant t = v % 3 == 0 ? midnight.minus(Duration.ofMinutes(25 + v)) : midnight.minus(Duration.ofHours(20)).plus(Duration.ofMinutes(37L * v));
      JsonArray events = new JsonArray();
      for (int e = 0; e < 2 + v % 4 && t.isBefore(latest); e++) {
        String path = RollupTraffic.PAGES[(v + e) % RollupTraffic.PAGES.length];
        String query = e == 0 ? "?utm_source=" + (v % 2 == 0 ? "partner" : "ads") + "&utm_medium=" + mediums[v % 3]
            + "&utm_campaign=" + campaignNames[(v / 3) % 3] : "";
        events.add(new JsonObject().put("type", "pageview").put("timestamp", t.toString()).put("url", "https://localhost" + path + query));
        t = t.plusSeconds(7 * 60);
      }
      if (v % 2 == 0) { // newest first
        JsonArray reversed = new JsonArray();
        for (int i = events.size() - 1; i >= 0; i--) {
          reversed.add(events.getValue(i));
        }
        events = reversed;
      }
      if (!events.isEmpty()) {
        out.add(new RollupTraffic.Visit("203.0.113." + (v + 1), v % 4 == 0 ? RollupTraffic.MOBILE : RollupTraffic.DESKTOP,
            RollupTraffic.COUNTRIES[v % RollupTraffic.COUNTRIES.length], events));
      }
    }
    return out;
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

  static final List<Filter> FILTERS = List.of(
      new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE")),
      new Filter(Dimension.COUNTRY, Operator.IS_NOT, List.of("DE", "US")),
      new Filter(Dimension.DEVICE, Operator.IS, List.of("mobile")),
      new Filter(Dimension.SOURCE, Operator.IS, List.of("google")),
      new Filter(Dimension.SOURCE, Operator.IS_NOT, List.of("google")),
      new Filter(Dimension.CHANNEL, Operator.CONTAINS, List.of("a")),
      new Filter(Dimension.UTM_SOURCE, Operator.IS, List.of("partner")),
      new Filter(Dimension.UTM_MEDIUM, Operator.IS_NOT, List.of("cpc")),
      new Filter(Dimension.UTM_CAMPAIGN, Operator.STARTS_WITH, List.of("spring")));

  static final List<Dimension> GROUPS = List.of(Dimension.PAGE, Dimension.COUNTRY, Dimension.DEVICE, Dimension.SOURCE, Dimension.CHANNEL,
      Dimension.UTM_SOURCE, Dimension.UTM_MEDIUM, Dimension.UTM_CAMPAIGN, Dimension.DATE, Dimension.WEEK, Dimension.MONTH,
      Dimension.HOSTNAME, Dimension.ENTRY_PAGE);

  /** Every filter (alone, and with a country filter) × grouping × range × metric set: raw and served agree; returns the flags' share. */
  static int compareAll(String when) {
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    Instant yesterday = today.minus(Duration.ofDays(1));
    Instant tomorrow = today.plus(Duration.ofDays(1));
    List<Instant[]> ranges = List.of(new Instant[] {yesterday, today}, new Instant[] {today, tomorrow}, new Instant[] {yesterday, tomorrow},
        new Instant[] {yesterday.minus(Duration.ofDays(5)), tomorrow});
    List<List<Metric>> metricSets = List.of(List.of(Metric.VISITORS), List.of(Metric.VISITORS, Metric.PAGEVIEWS),
        List.of(Metric.VISITORS, Metric.SESSIONS, Metric.BOUNCE_RATE));
    List<List<Filter>> filterSets = new ArrayList<>();
    for (Filter f : FILTERS) {
      filterSets.add(List.of(f));
      if (f.dimension() != Dimension.COUNTRY) {
        filterSets.add(List.of(f, new Filter(Dimension.COUNTRY, Operator.IS_NOT, List.of("FR"))));
      }
    }
    int byFlags = 0;
    int nonZero = 0;
    for (Instant[] r : ranges) {
      for (List<Filter> filters : filterSets) {
        List<List<Dimension>> groupings = new ArrayList<>();
        groupings.add(List.of());
        GROUPS.forEach(g -> groupings.add(List.of(g)));
        for (List<Dimension> dims : groupings) {
          for (List<Metric> metrics : metricSets) {
            QuerySpec q = new QuerySpec(1, r[0], r[1], ZoneOffset.UTC, metrics, dims, filters, null, true, 10_000, 0);
            String what = when + " " + r[0] + ".." + r[1] + " " + filters + " " + dims + " " + metrics;
            List<Map<String, Object>> raw = sorted(run(false, q), dims);
            long before = QueryEngine.answered(QueryEngine.Plan.FLAGS);
            assertEquals(raw, sorted(run(true, q), dims), what);
            byFlags += (int) (QueryEngine.answered(QueryEngine.Plan.FLAGS) - before);
            nonZero += raw.stream().anyMatch(row -> ((Long) row.get("visitors")) > 0) ? 1 : 0;
          }
        }
      }
    }
    assertTrue(nonZero > byFlags / 2, "most comparisons have visitors: " + nonZero);
    return byFlags;
  }

  @Test
  void flagsCountWhatCountDistinctCounts() {
    int byFlags = compareAll("live");
    assertTrue(byFlags > 500, "the flags answered " + byFlags);

    // the benchmark's drill-downs take the flags; counted here by hand as well
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    Instant yesterday = today.minus(Duration.ofDays(1));
    Instant tomorrow = today.plus(Duration.ofDays(1));
    // (in UTC, rollup_drill answers this one: drillRowsAnswerPagesWhereOneValue)
    QuerySpec pagesOfDe = new QuerySpec(1, yesterday, tomorrow, ZoneId.of("Europe/Berlin"), List.of(Metric.VISITORS, Metric.PAGEVIEWS),
        List.of(Dimension.PAGE), List.of(new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE"))), null, true, 100, 0);
    long before = QueryEngine.answered(QueryEngine.Plan.FLAGS);
    Map<String, Long> visitors = new TreeMap<>();
    run(true, pagesOfDe).forEach(row -> visitors.put((String) row.get("page"), (Long) row.get("visitors")));
    assertEquals(1, QueryEngine.answered(QueryEngine.Plan.FLAGS) - before);
    Map<String, Long> byHand = new TreeMap<>();
    server.sql("select pathname, count(distinct visitor_id) from events where site_id = 1 and type = 'pageview' and country = 'DE' "
        + "and ts >= $1 and ts < $2 group by 1", yesterday.atOffset(ZoneOffset.UTC), tomorrow.atOffset(ZoneOffset.UTC))
        .forEach(row -> byHand.put(row.getString(0), row.getLong(1)));
    assertEquals(byHand, visitors);
    // the traffic's sessions around midnight cross today's (keyless events before yesterday are refused): in the first
    // hour of a UTC day few of their events are past it yet, so the generator is only checked later in the day
    if (Duration.between(today, now).toMinutes() >= 60) {
      assertTrue(count("select count(*) from events e where site_id = 1 and salt_day < ts::date") > 10, "sessions crossed midnight");
    }
  }

  /** Pages where source, channel or country is one value: from rollup_drill over whole UTC days, the same as raw. */
  static int compareDrills(String when) {
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    Instant yesterday = today.minus(Duration.ofDays(1));
    Instant tomorrow = today.plus(Duration.ofDays(1));
    List<Instant[]> ranges = List.of(new Instant[] {yesterday, today}, new Instant[] {today, tomorrow}, new Instant[] {yesterday, tomorrow},
        new Instant[] {yesterday.minus(Duration.ofDays(5)), tomorrow});
    int byRollups = 0;
    for (Dimension d : List.of(Dimension.SOURCE, Dimension.CHANNEL, Dimension.COUNTRY)) {
      List<String> values = new ArrayList<>();
      server.sql("select distinct " + d.id() + "::text from events where site_id = 1 and " + d.id() + " is not null")
          .forEach(r -> values.add(r.getString(0)));
      assertTrue(values.size() >= 2, d + ": " + values);
      for (String value : values) {
        for (Instant[] r : ranges) {
          for (List<Metric> metrics : List.of(List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Metric.VISITORS), List.of(Metric.EVENTS))) {
            QuerySpec q = new QuerySpec(1, r[0], r[1], ZoneOffset.UTC, metrics, List.of(Dimension.PAGE),
                List.of(new Filter(d, Operator.IS, List.of(value))), null, true, 10_000, 0);
            List<Map<String, Object>> raw = sorted(run(false, q), q.dimensions());
            long before = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
            assertEquals(raw, sorted(run(true, q), q.dimensions()), when + " " + d + "=" + value + " " + r[0] + ".." + r[1] + " " + metrics);
            byRollups += (int) (QueryEngine.answered(QueryEngine.Plan.ROLLUP) - before);
          }
        }
      }
    }
    return byRollups;
  }

  @Test
  void drillRowsAnswerPagesWhereOneValue() {
    int byRollups = compareDrills("live");
    assertTrue(byRollups > 50, "rollup_drill answered " + byRollups);
  }

  @Test
  void shapesTheFlagsCannotCountTakeCountDistinct() {
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    Instant yesterday = today.minus(Duration.ofDays(1));
    List<QuerySpec> distinct = List.of(
        // two session attributes filtered, a range inside a day, a zone's day series, an event-level filter, a hostname row
        new QuerySpec(1, yesterday, today, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.PAGE),
            List.of(new Filter(Dimension.SOURCE, Operator.IS, List.of("google")), new Filter(Dimension.CHANNEL, Operator.IS_NOT, List.of("x"))),
            null, true, 100, 0),
        new QuerySpec(1, yesterday.plus(Duration.ofHours(3)), today, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.PAGE),
            List.of(new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE"))), null, true, 100, 0),
        new QuerySpec(1, yesterday, today.plus(Duration.ofDays(1)), ZoneId.of("Asia/Kolkata"), List.of(Metric.VISITORS), List.of(Dimension.DATE),
            List.of(new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE"))), null, true, 100, 0),
        new QuerySpec(1, yesterday, today, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.COUNTRY),
            List.of(new Filter(Dimension.PAGE, Operator.IS, List.of("/pricing"))), null, true, 100, 0),
        new QuerySpec(1, yesterday, today, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.SOURCE),
            List.of(new Filter(Dimension.UTM_MEDIUM, Operator.IS, List.of("email"))), null, true, 100, 0));
    for (QuerySpec q : distinct) {
      long before = QueryEngine.answered(QueryEngine.Plan.FLAGS);
      assertEquals(sorted(run(false, q), q.dimensions()), sorted(run(true, q), q.dimensions()), q.toString());
      assertEquals(before, QueryEngine.answered(QueryEngine.Plan.FLAGS), "count(distinct): " + q);
    }
    // flags not covering the range (a site upgraded today: from the next midnight): count(distinct)
    QuerySpec drill = new QuerySpec(1, yesterday, today, ZoneOffset.UTC, List.of(Metric.VISITORS), List.of(Dimension.PAGE),
        List.of(new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE"))), null, true, 100, 0);
    OffsetDateTime since = server.sql("select drill_since from rollup_coverage where site_id = 1").iterator().next().getOffsetDateTime(0);
    try {
      server.sql("update rollup_coverage set drill_since = $1 where site_id = 1", today.atOffset(ZoneOffset.UTC));
      long before = QueryEngine.answered(QueryEngine.Plan.FLAGS);
      assertEquals(sorted(run(false, drill), drill.dimensions()), sorted(run(true, drill), drill.dimensions()));
      assertEquals(before, QueryEngine.answered(QueryEngine.Plan.FLAGS));
    } finally {
      server.sql("update rollup_coverage set drill_since = $1 where site_id = 1", since);
    }
  }

  @Test
  void aRebuildRecomputesTheFlags() {
    String drills = "select filter_dim, filter_value, day, page, visitors, carry, pageviews, events from rollup_drill where site_id = 1 "
        + "and (visitors, carry, pageviews, events) <> (0, 0, 0, 0) order by 1, 2, 3, 4";
    List<String> live = new ArrayList<>();
    server.sql(drills).forEach(r -> live.add(r.toJson().encode()));
    assertTrue(live.size() > 50, "drill rows: " + live.size());
    server.sql("update events set first_mask = 0 where site_id = 1");
    Await.result(RollupRebuild.site(pool(), 1), Duration.ofSeconds(60));
    List<String> rebuilt = new ArrayList<>();
    server.sql(drills).forEach(r -> rebuilt.add(r.toJson().encode()));
    assertEquals(live, rebuilt, "the drill-down rows equal a rebuild from raw events");
    assertTrue(compareDrills("rebuilt") > 50);
    // the rebuild reads events in another order than they arrived: other events may carry the flags, the counts stay
    assertTrue(count("select count(*) from events where site_id = 1 and first_mask <> 0") > 100);
    assertTrue(compareAll("rebuilt") > 500);
  }

  private static long count(String sql) {
    return server.sql(sql).iterator().next().getLong(0);
  }

  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows, List<Dimension> dims) {
    return RollupQueries.sorted(rows, dims);
  }
}
