package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's dedupe state stays within {@code writer.rollupStateEntries}: a big site's days are dropped, recorded as gaps
 * and answered from raw events, exactly; a small site keeps its state and its rollup answers, also across a restart (the gaps
 * stay untracked, the small site's state is restored and its returning visitors are not counted twice).
 */
@Tag("integration")
class RollupStateBoundTest {
  private static final String[] SETTINGS = {"ingest.cdnCountryHeader", "CF-IPCountry", "writer.partitions", "1",
      "writer.rollupStateEntries", "2400"};
  private static final List<Metric> METRICS = List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.BOUNCE_RATE,
      Metric.AVG_DURATION);

  @Test
  void aBigSitesDaysBecomeGapsAnsweredFromRawAndASmallSiteKeepsItsRollups() {
    Instant now = Instant.now();
    RunningServer first = RunningServer.start(SETTINGS);
    String smallKey;
    try {
      JsonObject site = new JsonObject(first.send("POST", "/admin/v1/sites", "{\"domain\":\"small.example\"}", "x-api-key",
          first.adminKey(), "Content-Type", "application/json").body());
      int small = site.getInteger("id");
      HttpResponse<String> key = first.send("POST", "/admin/v1/sites/" + small + "/keys", "{\"name\":\"ingest\",\"scopes\":[\"ingest\"]}",
          "x-api-key", first.adminKey(), "Content-Type", "application/json");
      assertEquals(201, key.statusCode(), key.body());
      smallKey = new JsonObject(key.body()).getString("key");
      RollupTraffic.send(first, smallKey, onSmallSite(RollupTraffic.generate(now, 7, 4)));
      RollupTraffic.send(first, first.siteKey(), RollupTraffic.generate(now, 20261207, 60));
      RollupTraffic.send(first, smallKey, onSmallSite(RollupTraffic.generate(now, 8, 4))); // the same addresses: some return

      Set<Integer> gapSites = new HashSet<>();
      for (Row r : first.sql("select site_id from rollup_gaps")) {
        gapSites.add(r.getInteger(0));
      }
      assertEquals(Set.of(1), gapSites, "only the big site's days are dropped");
      assertTrue(first.metric("sightline_rollup_state_drops_total") >= 1);
      assertTrue(first.metric("sightline_rollup_state_entries") <= 2400, "entries, sessions included, stay within the bound");
      assertAgree(first, now, 1, false);
      assertAgree(first, now, small, true);
    } finally {
      first.close();
    }
    try (RunningServer second = RunningServer.restart(first.db, first.banner, SETTINGS)) {
      int small = 2;
      RollupTraffic.send(second, smallKey, onSmallSite(RollupTraffic.generate(now, 9, 4)));
      RollupTraffic.send(second, second.siteKey(), RollupTraffic.generate(now, 20261208, 40));
      assertAgree(second, now, 1, false);
      assertAgree(second, now, small, true);
    }
  }

  /** The visits with their pages on the small site's domain. */
  private static List<RollupTraffic.Visit> onSmallSite(List<RollupTraffic.Visit> visits) {
    for (RollupTraffic.Visit v : visits) {
      for (int i = 0; i < v.events().size(); i++) {
        JsonObject e = v.events().getJsonObject(i);
        e.put("url", e.getString("url").replace("https://localhost", "https://small.example"));
      }
    }
    return visits;
  }

  /**
   * Rollup and raw answers agree for the site; the rollups (rows or first-occurrence flags) answer them iff {@code rollups}
   * (else the gaps send them to raw events).
   */
  private static void assertAgree(RunningServer server, Instant now, int site, boolean rollups) {
    server.foldRollups();
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    List<Instant[]> ranges = List.of(new Instant[] {today.minus(Duration.ofDays(1)), today.plus(Duration.ofDays(1))},
        new Instant[] {today.minus(Duration.ofDays(4)), today.plus(Duration.ofDays(1))}, new Instant[] {today, today.plus(Duration.ofDays(1))});
    for (Instant[] r : ranges) {
      for (List<Dimension> dims : List.of(List.<Dimension>of(), List.of(Dimension.DATE), List.of(Dimension.PAGE), List.of(Dimension.SOURCE))) {
        QuerySpec q = new QuerySpec(site, r[0], r[1], ZoneOffset.UTC, METRICS, dims, List.of(), null, true, 10_000, 0);
        long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW);
        var rolled = RollupQueries.sorted(RollupQueries.run(server.server.database().pool(), true, q), dims);
        boolean byRollup = QueryEngine.answered(QueryEngine.Plan.RAW) == rawBefore;
        var raw = RollupQueries.sorted(RollupQueries.run(server.server.database().pool(), false, q), dims);
        if (r[0].isBefore(today)) { // today alone may hold no visit just after midnight
          assertTrue(!raw.isEmpty(), "site " + site + " has traffic");
        }
        assertEquals(raw, rolled, () -> "site " + site + " " + r[0] + ".." + r[1] + " " + dims);
        assertEquals(rollups, byRollup, () -> "site " + site + " " + r[0] + ".." + r[1] + " " + dims + " answered by the rollups");
      }
    }
  }
}
