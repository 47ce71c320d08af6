package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session attribute's row exists on the rollup path where it exists on the raw path: a source whose only session in
 * a range started before it has that session's events in the range but no session there, so it is a row when the
 * metrics read events (visitors, pageviews) and no row when they read sessions only (sessions, bounce rate). Found
 * when the consistency test ran just after UTC midnight: today's only rows of a source then came from sessions that
 * started yesterday.
 */
@Tag("integration")
class RollupRowPresenceTest {
  static RunningServer server;
  static Instant midnight;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
    // yesterday's midnight, always in the past: one session from 23:50 the day before to 00:10 yesterday, from "latenight"
    // (with the sender's visitor id: events before yesterday have no daily salt left); another source's session later
    // that day, so that the day has sessions too
    midnight = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    JsonArray crossing = new JsonArray();
    for (int minutes : new int[] {-10, -5, 5, 10}) {
      crossing.add(new JsonObject().put("type", "pageview").put("timestamp", midnight.plus(Duration.ofMinutes(minutes)).toString())
          .put("visitor_id", "night-owl").put("url", "https://localhost/p" + minutes + (minutes == -10 ? "?utm_source=latenight" : "")));
    }
    JsonArray later = new JsonArray().add(new JsonObject().put("type", "pageview")
        .put("timestamp", midnight.plus(Duration.ofHours(5)).toString()).put("url", "https://localhost/?utm_source=daytime"));
    RollupTraffic.send(server, server.siteKey(), List.of(
        new RollupTraffic.Visit("198.51.100.7", RollupTraffic.DESKTOP, "DE", crossing),
        new RollupTraffic.Visit("198.51.100.8", RollupTraffic.MOBILE, "FR", later)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<Object, Map<String, Object>> bySource(boolean rollups, List<Metric> metrics) {
    QuerySpec q = new QuerySpec(1, midnight, midnight.plus(Duration.ofDays(1)), ZoneOffset.UTC, metrics, List.of(Dimension.SOURCE),
        List.of(), null, true, 100, 0);
    Map<Object, Map<String, Object>> rows = new java.util.TreeMap<>();
    RollupQueries.run(server.server.database().pool(), rollups, q).forEach(r -> rows.put(String.valueOf(r.get("source")), r));
    return rows;
  }

  @Test
  void sessionMetricsAloneListOnlySourcesOfSessionsStartedInRange() {
    List<Metric> metrics = List.of(Metric.SESSIONS, Metric.BOUNCE_RATE);
    long before = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    Map<Object, Map<String, Object>> rolled = bySource(true, metrics);
    assertEquals(1, QueryEngine.answered(QueryEngine.Plan.ROLLUP) - before, "a whole UTC day: the rollups answer");
    assertEquals(bySource(false, metrics), rolled);
    assertEquals(List.of("daytime"), List.copyOf(rolled.keySet()), "latenight's session started the day before");
    assertEquals(1L, ((Number) rolled.get("daytime").get("sessions")).longValue());
  }

  @Test
  void eventMetricsListTheCrossingSourceWithItsEventsInRange() {
    for (List<Metric> metrics : List.of(List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Metric.VISITORS, Metric.SESSIONS))) {
      Map<Object, Map<String, Object>> rolled = bySource(true, metrics);
      assertEquals(bySource(false, metrics), rolled, metrics.toString());
      assertTrue(rolled.containsKey("latenight"), metrics + ": " + rolled);
      assertEquals(1L, ((Number) rolled.get("latenight").get("visitors")).longValue());
      if (metrics.contains(Metric.PAGEVIEWS)) {
        assertEquals(2L, ((Number) rolled.get("latenight").get("pageviews")).longValue(), "the two pageviews after midnight");
      } else {
        assertEquals(0L, ((Number) rolled.get("latenight").get("sessions")).longValue(), "its session counts on the day before");
      }
    }
  }
}
