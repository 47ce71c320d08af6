package io.sightline.api.hubspot;

import io.sightline.query.QueryEngine;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HubSpot's page reports over many distinct paths are read from the rollups, like the other dashboards' breakdowns:
 * no raw-event pass, and the same numbers as computed here from the events sent.
 */
class HubSpotPageRollupsTest {
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final int PATHS = 3000;
  static RunningServer server;
  static String key;
  static LocalDate first;
  static LocalDate last;
  /** Per UTC day, per path: {pageviews, entrances, bounces, exits}, counted from the sessions sent. */
  static final Map<LocalDate, Map<String, long[]>> expected = new TreeMap<>();

  @BeforeAll
  static void ingest() {
    server = RunningServer.start();
    key = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"hubspot\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":100000}",
        "x-api-key", server.adminKey(), "Content-Type", "application/json").body()).getString("key");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    first = today.minusDays(2);
    last = today.minusDays(1);
    Random random = new Random(18);
    for (int v = 0; v < 600; v++) {
      JsonArray events = new JsonArray();
      for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
        // one session a day between 02:00 and 20:00 UTC, 1-8 pageviews a few minutes apart (no session crosses midnight)
        Instant t = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(7200 + random.nextInt(18 * 3600));
        int pageviews = 1 + random.nextInt(8);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < pageviews; i++) {
          String path = "/p/" + random.nextInt(PATHS);
          paths.add(path);
          // backfilled days before yesterday need the sender's visitor id (their daily salts are gone)
          events.add(new JsonObject().put("url", "https://localhost" + path).put("timestamp", t.toString()).put("visitor_id", "v" + v));
          t = t.plusSeconds(60 + random.nextInt(240));
        }
        Map<String, long[]> rows = expected.computeIfAbsent(day, d -> new TreeMap<>());
        paths.forEach(p -> rows.computeIfAbsent(p, k -> new long[4])[0]++);
        rows.computeIfAbsent(paths.get(0), k -> new long[4])[1]++;
        if (pageviews == 1) {
          rows.get(paths.get(0))[2]++;
        }
        rows.computeIfAbsent(paths.get(paths.size() - 1), k -> new long[4])[3]++;
      }
      HttpResponse<String> r = server.send("POST", "/api/event/batch", events.encode(), "x-api-key", server.siteKey(), "User-Agent", CHROME,
          "X-Forwarded-For", "198.18." + (v / 200) + "." + (v % 200 + 1));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(events.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, Object> row(long[] c) {
    Map<String, Object> out = new TreeMap<>();
    HubSpotApiTest.put(out, "rawViews", c[0]);
    HubSpotApiTest.put(out, "entrances", c[1]);
    HubSpotApiTest.put(out, "bounces", c[2]);
    HubSpotApiTest.put(out, "exits", c[3]);
    HubSpotApiTest.put(out, "pageviewsMinusExits", c[0] - c[3]);
    HubSpotApiTest.rate(out, "exitsPerPageview", c[3], c[0]);
    HubSpotApiTest.rate(out, "pageBounceRate", c[2], c[1]);
    return out;
  }

  static Map<String, long[]> sum(LocalDate from, LocalDate to) {
    Map<String, long[]> out = new TreeMap<>();
    expected.forEach((day, rows) -> {
      if (!day.isBefore(from) && !day.isAfter(to)) {
        rows.forEach((path, c) -> {
          long[] s = out.computeIfAbsent(path, k -> new long[4]);
          for (int i = 0; i < 4; i++) {
            s[i] += c[i];
          }
        });
      }
    });
    return out;
  }

  static Map<String, Map<String, Object>> byBreakdown(JsonArray rows) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    rows.forEach(o -> {
      JsonObject r = (JsonObject) o;
      assertEquals(r.getString("breakdown"), "https://localhost" + r.getString("meta"));
      out.put(r.getString("breakdown"), HubSpotApiTest.metrics(r));
    });
    return out;
  }

  static JsonObject get(String path) {
    long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW) + QueryEngine.answered(QueryEngine.Plan.FLAGS);
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    assertEquals(rawBefore, QueryEngine.answered(QueryEngine.Plan.RAW) + QueryEngine.answered(QueryEngine.Plan.FLAGS),
        "no raw-event query: " + path);
    assertTrue(QueryEngine.answered(QueryEngine.Plan.ROLLUP) > rollupBefore, path);
    return new JsonObject(r.body());
  }

  @Test
  void pagesTotalOverThousandsOfPathsComesFromTheRollupsWithExactNumbers() {
    Map<String, long[]> counts = sum(first, last);
    assertTrue(counts.size() > 2000, "many distinct paths: " + counts.size());
    String range = "start=" + DateTimeFormatter.BASIC_ISO_DATE.format(first) + "&end=" + DateTimeFormatter.BASIC_ISO_DATE.format(last);
    JsonObject total = get("/analytics/v2/reports/pages/total?" + range + "&limit=10000");
    Map<String, Map<String, Object>> want = new TreeMap<>();
    counts.forEach((path, c) -> want.put("https://localhost" + path, row(c)));
    assertEquals(want, byBreakdown(total.getJsonArray("breakdowns")));
    assertEquals(counts.size(), total.getInteger("total"));
    long[] all = new long[4];
    counts.values().forEach(c -> {
      for (int i = 0; i < 4; i++) {
        all[i] += c[i];
      }
    });
    assertEquals(row(all), HubSpotApiTest.metrics(total.getJsonObject("totals")));

    // the default page (350 rows, by rawViews) and the next one
    JsonObject page = get("/analytics/v2/reports/pages/total?" + range);
    assertEquals(350, page.getJsonArray("breakdowns").size());
    assertEquals(350, page.getInteger("offset"));
    long top = ((JsonObject) page.getJsonArray("breakdowns").getValue(0)).getLong("rawViews");
    assertEquals(counts.values().stream().mapToLong(c -> c[0]).max().orElseThrow(), top);
  }

  @Test
  void dailyPagesAndContentReportsComeFromTheRollupsToo() {
    String range = "start=" + first + "&end=" + last;
    JsonObject daily = get("/analytics/v2/reports/pages/daily?" + range + "&limit=10000");
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      Map<String, Map<String, Object>> want = new TreeMap<>();
      sum(day, day).forEach((path, c) -> want.put("https://localhost" + path, row(c)));
      assertEquals(want, byBreakdown(daily.getJsonArray(day.toString())), day.toString());
    }
    // standard pages are every page here (no content rules); their summarized days roll up every page
    JsonObject summarized = get("/analytics/v2/reports/standard-pages/summarize/daily?" + range);
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      long[] all = new long[4];
      sum(day, day).values().forEach(c -> {
        for (int i = 0; i < 4; i++) {
          all[i] += c[i];
        }
      });
      assertEquals(List.of(row(all)), summarized.getJsonArray(day.toString()).stream().map(o -> HubSpotApiTest.metrics((JsonObject) o)).toList());
    }
  }
}
