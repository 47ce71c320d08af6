package io.sightline.rollup;

import io.sightline.lifecycle.Await;
import io.sightline.query.Dimension;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * rollups cannot answer exactly must fall back to raw, and still agree). Then the rollup tables
 * equal a rebuild from the raw events.
 */
class RollupConsistencyTest {
  static RunningServer server;
  static Instant now;
  static int sent;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
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
    return Await.result(new QueryEngine(pool(), 30_000, rollups).run(q), Duration.ofSeconds(60)).rows();
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
          shapes.add(List.of(d.dimension()));
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

  /** Rows in a fixed order (ties of the first metric otherwise come in any order). */
  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows, List<Dimension> dims) {
    if (dims.isEmpty()) {
      return rows;
    }
    Map<String, Map<String, Object>> byKey = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      byKey.put(String.valueOf(row.get(dims.get(0).id())), row);
    }
    return new ArrayList<>(byKey.values());
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
    assertTrue(liveTotals.size() > 48 && liveDims.size() > 100, liveTotals.size() + " / " + liveDims.size());
    RollupRebuild.Result r = Await.result(RollupRebuild.site(pool(), 1), Duration.ofSeconds(60));
    assertEquals(sent, r.events());
    assertEquals(liveTotals, rows(totals));
    assertEquals(liveDims, rows(dims));
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
