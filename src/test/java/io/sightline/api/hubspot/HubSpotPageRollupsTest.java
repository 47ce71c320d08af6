package io.sightline.api.hubspot;

import io.sightline.query.QueryEngine;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HubSpot's page reports. Over many distinct paths (site 1) they read the pages viewed, their entrances and exits from
 * the rollups, like the other dashboards' breakdowns; the per-page counts the rollups do not keep (visits, visitors, time
 * on page, form submissions) are one raw-event breakdown per time point. On a second site, a few visits on two days with
 * known times, one crossing midnight, and form submissions, with a content rule. Every number is computed here from the
 * events sent, as docs/api.md defines it.
 */
@Tag("integration")
class HubSpotPageRollupsTest {
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final int PATHS = 3000;
  static RunningServer server;
  static String key;
  static LocalDate first;
  static LocalDate last;
  /** Site 2: its host and key, its two days. */
  static final String HOST = "metrics.example";
  static String key2;
  static LocalDate day1;
  static LocalDate day2;
  /** Per UTC day, per path: what its sessions sent there, counted here. */
  static final Map<LocalDate, Map<String, PathCounts>> expected = new TreeMap<>();

  /** One path's counts over some days: pageviews, entrances, bounces, exits, visits, seconds to the next pageview and how many had one, visitors. */
  static final class PathCounts {
    long views;
    long entrances;
    long bounces;
    long exits;
    long visits;
    long pageTime;
    long timed;
    final Set<Integer> visitors = new HashSet<>();

    void add(PathCounts o) {
      views += o.views;
      entrances += o.entrances;
      bounces += o.bounces;
      exits += o.exits;
      visits += o.visits;
      pageTime += o.pageTime;
      timed += o.timed;
      visitors.addAll(o.visitors);
    }
  }

  /** An event sent: its visitor and visit (as the 30-minute rule groups them), time, type and page. */
  record Hit(String visitor, int visit, Instant ts, String type, String path) {
    boolean pageview() {
      return type.equals("pageview");
    }
  }

  static final List<Hit> hits = new ArrayList<>();

  static void hit(String visitor, int visit, LocalDate day, String time, String type, String path) {
    hits.add(new Hit(visitor, visit, Instant.parse(day + "T" + time + "Z"), type, path));
  }

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
        List<Long> gaps = new ArrayList<>();
        for (int i = 0; i < pageviews; i++) {
          String path = "/p/" + random.nextInt(PATHS);
          paths.add(path);
          // backfilled days before yesterday need the sender's visitor id (their daily salts are gone)
          events.add(new JsonObject().put("url", "https://localhost" + path).put("timestamp", t.toString()).put("visitor_id", "v" + v));
          long gap = 60 + random.nextInt(240);
          gaps.add(gap);
          t = t.plusSeconds(gap);
        }
        Map<String, PathCounts> rows = expected.computeIfAbsent(day, d -> new TreeMap<>());
        for (int i = 0; i < pageviews; i++) {
          PathCounts c = rows.computeIfAbsent(paths.get(i), k -> new PathCounts());
          c.views++;
          c.visitors.add(v);
          if (i + 1 < pageviews) { // the time on a page: until the session's next pageview
            c.pageTime += gaps.get(i);
            c.timed++;
          }
        }
        new HashSet<>(paths).forEach(p -> rows.get(p).visits++);
        rows.get(paths.get(0)).entrances++;
        if (pageviews == 1) {
          rows.get(paths.get(0)).bounces++;
        }
        rows.get(paths.get(paths.size() - 1)).exits++;
      }
      HttpResponse<String> r = server.send("POST", "/api/event/batch", events.encode(), "x-api-key", server.siteKey(), "User-Agent", CHROME,
          "X-Forwarded-For", "198.18." + (v / 200) + "." + (v % 200 + 1));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(events.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
    ingestVisits();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, Object> row(PathCounts c) {
    return HubSpotApiTest.pageRow(c.views, c.visits, c.visitors.size(), c.entrances, c.bounces, c.exits, c.pageTime, c.timed, 0);
  }

  /** The totals of page rows: their counts summed (not visits nor visitors: a visit views several pages). */
  static Map<String, Object> totals(java.util.Collection<PathCounts> rows) {
    PathCounts all = new PathCounts();
    rows.forEach(all::add);
    return HubSpotApiTest.pageRow(all.views, 0, 0, all.entrances, all.bounces, all.exits, all.pageTime, all.timed, 0);
  }

  static Map<String, PathCounts> sum(LocalDate from, LocalDate to) {
    Map<String, PathCounts> out = new TreeMap<>();
    expected.forEach((day, rows) -> {
      if (!day.isBefore(from) && !day.isAfter(to)) {
        rows.forEach((path, c) -> out.computeIfAbsent(path, k -> new PathCounts()).add(c));
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

  /** A report's answer, checking that the rollups answered and the raw events only {@code rawQueries} engine queries. */
  static JsonObject get(String path, int rawQueries) {
    long rawBefore = QueryEngine.answered(QueryEngine.Plan.RAW) + QueryEngine.answered(QueryEngine.Plan.FLAGS);
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    assertEquals(rawBefore + rawQueries, QueryEngine.answered(QueryEngine.Plan.RAW) + QueryEngine.answered(QueryEngine.Plan.FLAGS),
        "raw-event queries: only the per-page counts the rollups do not keep: " + path);
    assertTrue(QueryEngine.answered(QueryEngine.Plan.ROLLUP) > rollupBefore, path);
    return new JsonObject(r.body());
  }

  @Test
  void pagesTotalOverThousandsOfPathsReadsTheRollupsWithExactNumbers() {
    Map<String, PathCounts> counts = sum(first, last);
    assertTrue(counts.size() > 2000, "many distinct paths: " + counts.size());
    String range = "start=" + DateTimeFormatter.BASIC_ISO_DATE.format(first) + "&end=" + DateTimeFormatter.BASIC_ISO_DATE.format(last);
    JsonObject total = get("/analytics/v2/reports/pages/total?" + range + "&limit=10000", 1);
    Map<String, Map<String, Object>> want = new TreeMap<>();
    counts.forEach((path, c) -> want.put("https://localhost" + path, row(c)));
    assertEquals(want, byBreakdown(total.getJsonArray("breakdowns")));
    assertEquals(counts.size(), total.getInteger("total"));
    assertEquals(totals(counts.values()), HubSpotApiTest.metrics(total.getJsonObject("totals")));

    // the default page (350 rows, by rawViews) and the next one
    JsonObject page = get("/analytics/v2/reports/pages/total?" + range, 1);
    assertEquals(350, page.getJsonArray("breakdowns").size());
    assertEquals(350, page.getInteger("offset"));
    long top = ((JsonObject) page.getJsonArray("breakdowns").getValue(0)).getLong("rawViews");
    assertEquals(counts.values().stream().mapToLong(c -> c.views).max().orElseThrow(), top);
  }

  @Test
  void dailyPagesAndContentReportsReadTheRollupsToo() {
    String range = "start=" + first + "&end=" + last;
    JsonObject daily = get("/analytics/v2/reports/pages/daily?" + range + "&limit=10000", 2);
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      Map<String, Map<String, Object>> want = new TreeMap<>();
      sum(day, day).forEach((path, c) -> want.put("https://localhost" + path, row(c)));
      assertEquals(want, byBreakdown(daily.getJsonArray(day.toString())), day.toString());
    }
    // standard pages are every page here (no content rules); their summarized days roll up every page
    JsonObject summarized = get("/analytics/v2/reports/standard-pages/summarize/daily?" + range, 2);
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      assertEquals(List.of(totals(sum(day, day).values())),
          summarized.getJsonArray(day.toString()).stream().map(o -> HubSpotApiTest.metrics((JsonObject) o)).toList());
    }
  }

  /** Site 2: a few visits with known times (see {@link #hits}). */
  static void ingestVisits() {
    JsonObject site = admin("POST", "/admin/v1/sites", "{\"domain\":\"" + HOST + "\",\"timezone\":\"UTC\"}", 201);
    String sitePath = "/admin/v1/sites/" + site.getInteger("id");
    key2 = admin("POST", sitePath + "/keys", "{\"name\":\"both\",\"scopes\":[\"ingest\",\"read\"]}", 201).getString("key");
    admin("POST", sitePath + "/content-rules", "{\"content_type\":\"landing-pages\",\"pattern\":\"/lp/*\"}", 201);
    day2 = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    day1 = day2.minusDays(1);
    hit("a", 1, day1, "10:00:00", "pageview", "/");
    hit("a", 1, day1, "10:00:30", "pageview", "/lp/spring");
    hit("a", 1, day1, "10:01:30", "form", "/lp/spring");
    hit("a", 1, day1, "10:02:10", "pageview", "/pricing");
    hit("a", 1, day1, "10:05:00", "pageview", "/");
    hit("a", 2, day2, "09:00:00", "pageview", "/lp/spring");
    hit("a", 2, day2, "09:00:45", "pageview", "/pricing");
    hit("b", 1, day1, "12:00:00", "pageview", "/lp/spring"); // a bounce
    hit("b", 2, day1, "23:59:00", "pageview", "/"); // a visit crossing midnight
    hit("b", 2, day2, "00:01:00", "pageview", "/pricing");
    hit("b", 2, day2, "00:02:00", "form", "/pricing");
    hit("c", 1, day2, "15:00:00", "pageview", "/pricing");
    hit("c", 1, day2, "15:00:20", "pageview", "/lp/summer");
    hit("c", 1, day2, "15:03:20", "form", "/lp/summer");
    hit("c", 1, day2, "15:04:00", "pageview", "/lp/spring");
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    for (Hit h : hits) {
      JsonObject e = new JsonObject().put("type", h.type()).put("url", "https://" + HOST + h.path()).put("timestamp", h.ts().toString())
          .put("visitor_id", h.visitor());
      if (!h.pageview()) {
        e.put("target_label", "signup").put("interactive", true);
      }
      batches.computeIfAbsent(h.visitor(), k -> new JsonArray()).add(e);
    }
    int v = 0;
    for (JsonArray b : batches.values()) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.encode(), "x-api-key", key2, "User-Agent", CHROME,
          "X-Forwarded-For", "198.18.7." + (++v));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(b.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
  }

  // ---------------------------------------------------------------- the counts, from the events sent

  /** A page's counts over [from, to] (days): {rawViews, visits, visitors, entrances, bounces, exits, pageTime, timed, submissions}. */
  static Map<String, long[]> counts(LocalDate from, LocalDate to) {
    Instant s = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant e = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<String, List<Hit>> visits = new LinkedHashMap<>();
    hits.forEach(h -> visits.computeIfAbsent(h.visitor() + h.visit(), k -> new ArrayList<>()).add(h));
    Map<String, long[]> out = new TreeMap<>();
    Map<String, Set<String>> visitors = new TreeMap<>();
    Map<String, Set<String>> visitsOf = new TreeMap<>();
    for (Map.Entry<String, List<Hit>> visit : visits.entrySet()) {
      List<Hit> all = visit.getValue();
      List<Hit> pageviews = all.stream().filter(Hit::pageview).toList();
      boolean started = in(all.get(0).ts(), s, e); // a visit counts where it starts, with its whole entry and exit page
      for (int i = 0; i < pageviews.size(); i++) {
        Hit p = pageviews.get(i);
        if (in(p.ts(), s, e)) {
          long[] c = out.computeIfAbsent(p.path(), k -> new long[9]);
          c[0]++;
          visitors.computeIfAbsent(p.path(), k -> new HashSet<>()).add(p.visitor());
          if (started) {
            visitsOf.computeIfAbsent(p.path(), k -> new HashSet<>()).add(visit.getKey());
          }
          // time on a page: until the visit's next pageview, when that is in the range too
          if (i + 1 < pageviews.size() && in(pageviews.get(i + 1).ts(), s, e)) {
            c[6] += pageviews.get(i + 1).ts().getEpochSecond() - p.ts().getEpochSecond();
            c[7]++;
          }
        }
      }
      if (started) {
        boolean bounce = pageviews.size() == 1 && all.stream().allMatch(Hit::pageview); // the other events here are interactive forms
        long[] entry = out.computeIfAbsent(pageviews.get(0).path(), k -> new long[9]);
        entry[3]++;
        entry[4] += bounce ? 1 : 0;
        out.computeIfAbsent(pageviews.get(pageviews.size() - 1).path(), k -> new long[9])[5]++;
      }
      all.stream().filter(h -> h.type().equals("form") && in(h.ts(), s, e)).forEach(h -> out.computeIfAbsent(h.path(), k -> new long[9])[8]++);
    }
    out.values().removeIf(c -> c[0] == 0); // a page row is a page viewed in the range
    out.forEach((path, c) -> {
      c[1] = visitsOf.getOrDefault(path, Set.of()).size();
      c[2] = visitors.getOrDefault(path, Set.of()).size();
    });
    return out;
  }

  static boolean in(Instant t, Instant s, Instant e) {
    return !t.isBefore(s) && t.isBefore(e);
  }

  static Map<String, Object> row(long[] c) {
    return HubSpotApiTest.pageRow(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
  }

  /** Rows by breakdown id: the page's URL (pages) or content id (content types) of the pages {@code keep} selects. */
  static Map<String, Map<String, Object>> rows(Map<String, long[]> counts, boolean content, java.util.function.Predicate<String> keep) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    counts.forEach((path, c) -> {
      if (keep.test(path)) {
        String url = "https://" + HOST + path;
        out.put(content ? HubSpotRows.contentId(url) : url, row(c));
      }
    });
    return out;
  }

  static Map<String, Object> totals(Map<String, long[]> counts, java.util.function.Predicate<String> keep) {
    return HubSpotApiTest.pageTotals(counts.entrySet().stream().filter(x -> keep.test(x.getKey())).map(Map.Entry::getValue).toList());
  }

  static JsonObject get2(String path) {
    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key2);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    return new JsonObject(r.body());
  }

  static JsonObject admin(String method, String path, String body, int status) {
    HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  static String range2() {
    return "start=" + day1 + "&end=" + day2;
  }

  static boolean landing(String path) {
    return path.startsWith("/lp/");
  }

  // ---------------------------------------------------------------- site 2's reports

  @Test
  void pagesCarryVisitsVisitorsTimeOnPageAndSubmissions() {
    Map<String, long[]> both = counts(day1, day2);
    // the model counts what docs/api.md says: /lp/spring was viewed 100 s and 45 s before the visits' next pageviews
    assertEquals(145, both.get("/lp/spring")[6]);
    assertEquals(2, both.get("/lp/spring")[7]);
    JsonObject total = get2("/analytics/v2/reports/pages/total?" + range2());
    assertEquals(rows(both, false, p -> true), HubSpotApiTest.byBreakdown(total.getJsonArray("breakdowns")));
    assertEquals(totals(both, p -> true), HubSpotApiTest.metrics(total.getJsonObject("totals")));
    assertEquals(72.5, total.getJsonArray("breakdowns").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("meta").equals("/lp/spring")).findFirst().orElseThrow().getDouble("timePerPageview"));

    // each day alone: the visit crossing midnight counts on the day it starts, its time on "/" in neither day
    JsonObject daily = get2("/analytics/v2/reports/pages/daily?" + range2());
    for (LocalDate day : List.of(day1, day2)) {
      assertEquals(rows(counts(day, day), false, p -> true), HubSpotApiTest.byBreakdown(daily.getJsonArray(day.toString())), day.toString());
    }

    // sortable by the new fields
    JsonObject byTime = get2("/analytics/v2/reports/pages/total?" + range2() + "&sort=pageTime&limit=1");
    String longest = both.entrySet().stream().max(java.util.Comparator.comparingLong(x -> x.getValue()[6])).orElseThrow().getKey();
    assertEquals("https://" + HOST + longest, byTime.getJsonArray("breakdowns").getJsonObject(0).getString("breakdown"));
  }

  @Test
  void contentReportsCarryTheSameCountsPerPageAndInTheirTotals() {
    Map<String, long[]> both = counts(day1, day2);
    JsonObject total = get2("/analytics/v2/reports/landing-pages/total?" + range2());
    assertEquals(rows(both, true, HubSpotPageRollupsTest::landing), HubSpotApiTest.byBreakdown(total.getJsonArray("breakdowns")));
    assertEquals(totals(both, HubSpotPageRollupsTest::landing), HubSpotApiTest.metrics(total.getJsonObject("totals")));
    JsonObject standard = get2("/analytics/v2/reports/standard-pages/total?" + range2());
    assertEquals(rows(both, true, p -> !landing(p)), HubSpotApiTest.byBreakdown(standard.getJsonArray("breakdowns")));

    JsonObject summarized = get2("/analytics/v2/reports/landing-pages/summarize/daily?" + range2());
    for (LocalDate day : List.of(day1, day2)) {
      assertEquals(List.of(totals(counts(day, day), HubSpotPageRollupsTest::landing)),
          summarized.getJsonArray(day.toString()).stream().map(o -> HubSpotApiTest.metrics((JsonObject) o)).toList(), day.toString());
    }
  }
}
