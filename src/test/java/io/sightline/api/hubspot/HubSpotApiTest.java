package io.sightline.api.hubspot;

import io.sightline.support.MmdbWriter;
import io.sightline.support.QueryOracle;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HubSpot dialect against a seeded event set ingested through the real endpoint: every report
 * and time period compared exactly with values computed here from the events sent (QueryOracle, on
 * the whole set or on the sessions of one source type or country), plus drilldown, f/e, sort,
 * paging, views, exists, the errors, and the seed's examples replayed for their shapes.
 */
@Tag("integration")
class HubSpotApiTest {
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;
  /** utm_source of a session → the HubSpot source type its channel maps to (newsletter is sent with utm_medium=email). */
  static final Map<String, String> TYPE_OF_SOURCE = new HashMap<>();

  static {
    TYPE_OF_SOURCE.put(null, "direct");
    TYPE_OF_SOURCE.put("newsletter", "email");
    TYPE_OF_SOURCE.put("partner", "referrals");
  }

  static RunningServer server;
  static Path dir;
  static String key;
  static QueryOracle oracle;
  static LocalDate first;
  static LocalDate last;
  static int blogRule;
  static int mobileView;

  @BeforeAll
  static void ingest() throws Exception {
    dir = TestPostgres.tempDir("sightline-hubspot-");
    Path geo = dir.resolve("city.mmdb");
    new MmdbWriter(4, "GeoLite2-City")
        .insert("81.2.69.0/24", Map.of("country", Map.of("iso_code", "GB"), "subdivisions", List.of(Map.of("iso_code", "ENG")),
            "city", Map.of("names", Map.of("en", "London"))))
        .insert("5.145.0.0/16", Map.of("country", Map.of("iso_code", "DE"), "subdivisions", List.of(Map.of("iso_code", "BE")),
            "city", Map.of("names", Map.of("en", "Berlin"))))
        .write(geo);
    server = RunningServer.start("ingest.geoipDatabase", geo.toString());
    key = admin("POST", "/admin/v1/sites/1/keys", "{\"name\":\"hubspot\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":100000}", 201)
        .getString("key");
    for (QueryOracle.Goal g : QueryOracle.GOALS) {
      admin("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", g.name()).put("type", g.type()).put("match", g.match()).encode(), 201);
    }
    blogRule = admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"blog-posts\",\"pattern\":\"/blog/*\",\"name\":\"Blog\"}", 201)
        .getInteger("id");
    admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"listing-pages\",\"pattern\":\"/blog\"}", 201);
    admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"landing-pages\",\"pattern\":\"/pricing\"}", 201);
    mobileView = admin("POST", "/admin/v1/sites/1/analytics-views",
        "{\"title\":\"Mobile only\",\"filters\":[{\"prop\":\"device\",\"op\":\"EQ\",\"args\":[\"mobile\"]}]}", 201).getInteger("id");

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    oracle = QueryOracle.generate(now, 7_2024);
    last = LocalDate.ofInstant(now, ZoneOffset.UTC);
    first = last.minusDays(6);
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    Map<String, String> uas = new HashMap<>();
    for (QueryOracle.Ev e : oracle.events) {
      String query = oracle.isFirstOfSession(e) && e.source() != null
          ? "?utm_source=" + e.source() + (e.source().equals("newsletter") ? "&utm_medium=email" : "") : "";
      JsonObject body = new JsonObject().put("type", e.type()).put("url", "https://" + e.host() + e.path() + query)
          .put("timestamp", e.ts().toString()).put("visitor_id", e.visitor()).put("interactive", e.interactive());
      if (e.type().equals("custom")) {
        body.put("name", e.name());
      }
      if (e.type().equals("engagement")) {
        body.put("scroll_depth", e.scroll());
      }
      if (e.label() != null) {
        body.put("target_label", e.label());
      }
      batches.computeIfAbsent(e.visitor(), k -> new JsonArray()).add(body);
      uas.put(e.visitor(), e.device().equals("mobile") ? MOBILE : DESKTOP);
    }
    for (Map.Entry<String, JsonArray> b : batches.entrySet()) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.getValue().encode(), "x-api-key", server.siteKey(),
          "User-Agent", uas.get(b.getKey()), "X-Forwarded-For", ip(b.getKey()));
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    TestPostgres.deleteRecursively(dir);
  }

  /** Visitors 0, 3, 6... are in London, 1, 4, 7... in Berlin, the rest unknown. */
  static String ip(String visitor) {
    int v = Integer.parseInt(visitor.substring(1));
    return switch (v % 3) {
      case 0 -> "81.2.69." + (10 + v);
      case 1 -> "5.145.1." + (10 + v);
      default -> "198.18.0." + (10 + v);
    };
  }

  static String country(String visitor) {
    return switch (Integer.parseInt(visitor.substring(1)) % 3) {
      case 0 -> "GB";
      case 1 -> "DE";
      default -> null;
    };
  }

  static JsonObject admin(String method, String path, String body, int status) {
    HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), r.body());
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  static HttpResponse<String> get(String pathAndQuery) {
    return server.get(pathAndQuery, "Authorization", "Bearer " + key);
  }

  static Object ok(String pathAndQuery) {
    HttpResponse<String> r = get(pathAndQuery);
    assertEquals(200, r.statusCode(), pathAndQuery + " → " + r.body());
    String b = r.body().strip();
    return b.startsWith("[") ? new JsonArray(b) : new JsonObject(b);
  }

  static String range() {
    return "start=" + YMD.format(first) + "&end=" + YMD.format(last);
  }

  // ---------------------------------------------------------------- expectations

  /** The oracle over only the events that pass (whole sessions or whole visitors, so session facts are unchanged). */
  static QueryOracle sub(Predicate<QueryOracle.Ev> keep) {
    QueryOracle o = new QueryOracle();
    oracle.events.stream().filter(keep).forEach(o.events::add);
    return o;
  }

  static Map<String, Object> total(QueryOracle o, LocalDate from, LocalDate toInclusive, List<QueryOracle.Filter> filters) {
    return o.expected(at(from), at(toInclusive.plusDays(1)), ZoneOffset.UTC, null, filters).get("total");
  }

  static Instant at(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static long n(Map<String, Object> m, String k) {
    return m.get(k) == null ? 0 : ((Number) m.get(k)).longValue();
  }

  static void put(Map<String, Object> out, String k, long v) {
    if (v != 0) {
      out.put(k, v);
    }
  }

  static void rate(Map<String, Object> out, String k, long a, long b) {
    if (a != 0 && b != 0) {
      out.put(k, (double) a / b);
    }
  }

  /** HubSpot's breakdown metrics from the oracle's values (§2.6). */
  static Map<String, Object> sessionRow(Map<String, Object> m) {
    Map<String, Object> out = new TreeMap<>();
    long visits = n(m, "sessions");
    put(out, "visits", visits);
    put(out, "rawViews", n(m, "pageviews"));
    put(out, "visitors", n(m, "new_visitor_sessions"));
    put(out, "bounces", n(m, "bounces"));
    rate(out, "bounceRate", n(m, "bounces"), visits);
    put(out, "time", n(m, "total_duration"));
    rate(out, "timePerSession", n(m, "total_duration"), visits);
    rate(out, "pageviewsPerSession", n(m, "pageviews"), visits);
    rate(out, "newVisitorSessionRate", n(m, "new_visitor_sessions"), visits);
    put(out, "submissions", n(m, "form_submissions"));
    return out;
  }

  /**
   * HubSpot's page metrics (§2.6) from the oracle's row of the page (pageviews, sessions, visitors, total_time_on_page,
   * timed_pageviews, form_submissions) and the sessions that entered (bounced) and left by it; totals have no visits nor
   * visitors (pass 0).
   */
  static Map<String, Object> pageRow(long views, long visits, long visitors, long entrances, long bounces, long exits, long pageTime,
                                     long timed, long submissions) {
    Map<String, Object> out = new TreeMap<>();
    put(out, "rawViews", views);
    put(out, "visits", visits);
    put(out, "visitors", visitors);
    put(out, "entrances", entrances);
    put(out, "exits", exits);
    put(out, "pageviewsMinusExits", views - exits);
    rate(out, "exitsPerPageview", exits, views);
    put(out, "pageTime", pageTime);
    rate(out, "timePerPageview", pageTime, timed);
    put(out, "bounces", bounces);
    rate(out, "pageBounceRate", bounces, entrances);
    put(out, "submissions", submissions);
    return out;
  }

  static Map<String, Object> pageRow(long[] c) {
    return pageRow(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
  }

  /** The page rows' counts ({@link #pageRow}'s arguments) summed but for visits and visitors, rates recomputed (HubSpot's totals of a page report). */
  static Map<String, Object> pageTotals(java.util.Collection<long[]> rows) {
    long[] sum = new long[9];
    for (long[] c : rows) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += i == 1 || i == 2 ? 0 : c[i];
      }
    }
    return pageRow(sum);
  }

  /** A response row with numbers normalised (whole numbers as long), without breakdown and meta. */
  static Map<String, Object> metrics(JsonObject row) {
    Map<String, Object> out = new TreeMap<>();
    row.forEach(e -> {
      if (!e.getKey().equals("breakdown") && !e.getKey().equals("meta")) {
        Object v = e.getValue();
        out.put(e.getKey(), v instanceof Integer || v instanceof Long ? (Object) ((Number) v).longValue() : v);
      }
    });
    return out;
  }

  static Map<String, Map<String, Object>> byBreakdown(JsonArray rows) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      assertNotNull(r.getString("breakdown"), r.encode());
      assertFalse(out.containsKey(r.getString("breakdown")), "breakdown ids are unique: " + rows.encode());
      out.put(r.getString("breakdown"), metrics(r));
    }
    return out;
  }

  /** Expected source-type rows of the sources report (one utm_source value per type here). */
  static Map<String, Map<String, Object>> sourceRows(LocalDate from, LocalDate to, List<QueryOracle.Filter> filters) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Map.Entry<String, String> t : TYPE_OF_SOURCE.entrySet()) {
      Map<String, Object> row = sessionRow(total(sub(e -> java.util.Objects.equals(e.source(), t.getKey())), from, to, filters));
      if (!row.isEmpty()) {
        out.put(t.getValue(), row);
      }
    }
    return out;
  }

  static List<LocalDate[]> periods(String unit) {
    List<LocalDate[]> out = new ArrayList<>();
    LocalDate key = switch (unit) {
      case "weekly" -> first.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "monthly" -> first.withDayOfMonth(1);
      default -> first;
    };
    while (!key.isAfter(last)) {
      LocalDate next = unit.equals("daily") ? key.plusDays(1) : unit.equals("weekly") ? key.plusWeeks(1) : key.plusMonths(1);
      out.add(new LocalDate[] {key, key.isBefore(first) ? first : key, (next.isAfter(last) ? last.plusDays(1) : next).minusDays(1)});
      key = next;
    }
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- breakdown reports

  @Test
  void sourcesTotalHasOneRowPerSourceTypeAndTheTotals() {
    JsonObject r = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range());
    Map<String, Map<String, Object>> expected = sourceRows(first, last, List.of());
    assertEquals(expected, byBreakdown(r.getJsonArray("breakdowns")));
    assertEquals(expected.size(), r.getInteger("total"));
    assertEquals(expected.size(), r.getInteger("offset"));
    assertEquals(sessionRow(total(oracle, first, last, List.of())), metrics(r.getJsonObject("totals")));
    assertEquals(List.of("offset", "total", "totals", "breakdowns"), new ArrayList<>(r.fieldNames()));
  }

  @Test
  void sourcesDrillDownToSourcesThenToLandingPages() {
    JsonObject d1 = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&d1=email");
    List<QueryOracle.Filter> newsletter = List.of(new QueryOracle.Filter("utm_source", "is", List.of("newsletter")));
    assertEquals(Map.of("newsletter", sessionRow(total(oracle, first, last, newsletter))), byBreakdown(d1.getJsonArray("breakdowns")));
    JsonObject d2 = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&d1=email&d2=newsletter");
    Map<String, Map<String, Object>> expected = new TreeMap<>();
    oracle.expected(at(first), at(last.plusDays(1)), ZoneOffset.UTC, "entry_page", newsletter).forEach((k, v) -> {
      if (k != null) {
        expected.put((String) k, sessionRow(v));
      }
    });
    assertEquals(expected, byBreakdown(d2.getJsonArray("breakdowns")));
    assertEquals(sessionRow(total(oracle, first, last, newsletter)), metrics(d2.getJsonObject("totals")));
    // direct traffic has no source: nothing to drill into
    assertEquals(0, ((JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&d1=direct")).getInteger("total"));
  }

  @Test
  void geolocationIsByCountryThenRegionThenCity() {
    Map<String, Map<String, Object>> expected = new TreeMap<>();
    for (String c : List.of("GB", "DE")) {
      expected.put(c, sessionRow(total(sub(e -> c.equals(country(e.visitor()))), first, last, List.of())));
    }
    JsonObject r = (JsonObject) ok("/analytics/v2/reports/geolocation/total?" + range());
    assertEquals(expected, byBreakdown(r.getJsonArray("breakdowns")));
    assertEquals(sessionRow(total(sub(e -> country(e.visitor()) != null), first, last, List.of())), metrics(r.getJsonObject("totals")));
    JsonObject regions = (JsonObject) ok("/analytics/v2/reports/geolocation/total?" + range() + "&d1=GB");
    assertEquals(Map.of("GB-ENG", expected.get("GB")), byBreakdown(regions.getJsonArray("breakdowns")));
    JsonObject cities = (JsonObject) ok("/analytics/v2/reports/geolocation/total?" + range() + "&d1=DE&d2=DE-BE");
    assertEquals(Map.of("Berlin", expected.get("DE")), byBreakdown(cities.getJsonArray("breakdowns")));
  }

  @Test
  void utmReportsHaveARowPerValueAndLeaveOutSessionsWithoutOne() {
    Map<String, Map<String, Object>> expected = new TreeMap<>();
    oracle.expected(at(first), at(last.plusDays(1)), ZoneOffset.UTC, "utm_source", List.of()).forEach((k, v) -> {
      if (k != null) {
        expected.put((String) k, sessionRow(v));
      }
    });
    JsonObject r = (JsonObject) ok("/analytics/v2/reports/utm-sources/total?" + range());
    assertEquals(expected, byBreakdown(r.getJsonArray("breakdowns")));
    assertEquals(sessionRow(total(oracle, first, last, List.of(new QueryOracle.Filter("utm_source", "is", List.of("newsletter", "partner"))))),
        metrics(r.getJsonObject("totals")));
    JsonObject drill = (JsonObject) ok("/analytics/v2/reports/utm-sources/total?" + range() + "&d1=partner");
    assertEquals(Map.of("partner", expected.get("partner")), byBreakdown(drill.getJsonArray("breakdowns")));
    for (String t : List.of("utm-campaigns", "utm-contents", "utm-mediums", "utm-terms")) {
      JsonObject empty = (JsonObject) ok("/analytics/v2/reports/" + t + "/total?" + range());
      if (t.equals("utm-mediums")) {
        assertEquals(Set.of("email"), byBreakdown(empty.getJsonArray("breakdowns")).keySet());
        continue;
      }
      assertEquals(new JsonObject().put("offset", 0).put("total", 0).put("totals", new JsonObject()).put("breakdowns", new JsonArray()), empty);
    }
  }

  @Test
  void totalsAndSessionsReports() {
    Map<String, Object> all = total(oracle, first, last, List.of());
    JsonObject totals = (JsonObject) ok("/analytics/v2/reports/totals/total?" + range());
    assertEquals(Map.of("totals", sessionRow(all)), byBreakdown(totals.getJsonArray("breakdowns")));
    assertEquals(sessionRow(all), metrics(totals.getJsonObject("totals")));

    JsonObject sessions = (JsonObject) ok("/analytics/v2/reports/sessions/total?" + range());
    Map<String, Object> expected = new TreeMap<>();
    put(expected, "desktop", n(total(sub(e -> e.device().equals("desktop")), first, last, List.of()), "sessions"));
    put(expected, "mobile", n(total(sub(e -> e.device().equals("mobile")), first, last, List.of()), "sessions"));
    put(expected, "directTraffic", n(total(sub(e -> e.source() == null), first, last, List.of()), "sessions"));
    put(expected, "emailMarketing", n(total(sub(e -> "newsletter".equals(e.source())), first, last, List.of()), "sessions"));
    put(expected, "referrals", n(total(sub(e -> "partner".equals(e.source())), first, last, List.of()), "sessions"));
    assertEquals(Map.of("sessions", expected), byBreakdown(sessions.getJsonArray("breakdowns")));
    assertEquals(n(all, "sessions"), n(expected, "desktop") + n(expected, "mobile") + n(expected, "others"));
    JsonObject monthly = (JsonObject) ok("/analytics/v2/reports/sessions/summarize/monthly?" + range());
    long sum = 0;
    for (String k : monthly.fieldNames()) {
      for (Object row : monthly.getJsonArray(k)) {
        assertFalse(((JsonObject) row).containsKey("breakdown"));
        sum += ((JsonObject) row).getLong("desktop", 0L) + ((JsonObject) row).getLong("mobile", 0L);
      }
    }
    assertEquals(n(all, "sessions"), sum, "a session counts once, in the month it starts (also one crossing a month edge)");
  }

  @Test
  void everyTimePeriodIsKeyedByPeriodStartWithThePeriodsOwnNumbers() {
    for (String unit : List.of("daily", "weekly", "monthly")) {
      JsonObject byPeriod = (JsonObject) ok("/analytics/v2/reports/sources/" + unit + "?" + range());
      JsonObject summarized = (JsonObject) ok("/analytics/v2/reports/sources/summarize/" + unit + "?" + range());
      List<LocalDate[]> periods = periods(unit);
      assertEquals(periods.stream().map(p -> p[0].toString()).toList(), new ArrayList<>(byPeriod.fieldNames()), unit);
      assertEquals(periods.stream().map(p -> p[0].toString()).toList(), new ArrayList<>(summarized.fieldNames()), unit);
      for (LocalDate[] p : periods) {
        assertEquals(sourceRows(p[1], p[2], List.of()), byBreakdown(byPeriod.getJsonArray(p[0].toString())), unit + " " + p[0]);
        Map<String, Object> all = sessionRow(total(oracle, p[1], p[2], List.of()));
        JsonArray rolled = summarized.getJsonArray(p[0].toString());
        assertEquals(all.isEmpty() ? List.of() : List.of(all), rolled.stream().map(o -> metrics((JsonObject) o)).toList(), unit + " " + p[0]);
        rolled.forEach(o -> assertFalse(((JsonObject) o).containsKey("breakdown")));
      }
    }
    // YYYY-MM-DD is accepted too
    assertEquals(ok("/analytics/v2/reports/totals/total?" + range()), ok("/analytics/v2/reports/totals/total?start=" + first + "&end=" + last));
  }

  @Test
  void anEmptyDayIsAnEmptyArrayInEveryReport() {
    String empty = "start=20200301&end=20200303";
    for (String report : List.of("totals", "sessions", "sources", "pages", "geolocation")) {
      for (String period : List.of("daily", "summarize/daily")) {
        JsonObject days = (JsonObject) ok("/analytics/v2/reports/" + report + "/" + period + "?" + empty);
        assertEquals(List.of("2020-03-01", "2020-03-02", "2020-03-03"), new ArrayList<>(days.fieldNames()), report);
        days.forEach(e -> assertEquals(new JsonArray(), e.getValue(), report + "/" + period + " " + e.getKey()));
      }
      assertEquals(new JsonObject().put("offset", 0).put("total", 0).put("totals", new JsonObject()).put("breakdowns", new JsonArray()),
          ok("/analytics/v2/reports/" + report + "/total?" + empty), report);
    }
  }

  // ---------------------------------------------------------------- objects and content

  /**
   * Expected pages by URL: the oracle's pageviews, sessions, visitors, time on page and form submissions by page, sessions
   * and bounces by entry page, sessions by exit page;
   * when pages of several hostnames were viewed in the range, each hostname's rows under the filter "hostname is" it.
   */
  static Map<String, Map<String, Object>> pageRows(LocalDate from, LocalDate to) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    pageCounts(from, to).forEach((url, c) -> out.put(url, pageRow(c)));
    return out;
  }

  /** The counts of {@link #pageRows}, by URL. */
  static Map<String, long[]> pageCounts(LocalDate from, LocalDate to) {
    Instant s = at(from);
    Instant e = at(to.plusDays(1));
    Set<String> hosts = new java.util.TreeSet<>();
    oracle.events.stream().filter(x -> x.type().equals("pageview") && !x.ts().isBefore(s) && x.ts().isBefore(e)).forEach(x -> hosts.add(x.host()));
    Map<String, long[]> out = new TreeMap<>();
    for (String host : hosts) {
      List<QueryOracle.Filter> filters = hosts.size() > 1 ? List.of(new QueryOracle.Filter("hostname", "is", List.of(host))) : List.of();
      Map<Object, Map<String, Object>> entries = oracle.expected(s, e, ZoneOffset.UTC, "entry_page", filters, List.of("sessions", "bounces"));
      Map<Object, Map<String, Object>> exits = oracle.expected(s, e, ZoneOffset.UTC, "exit_page", filters, List.of("sessions"));
      oracle.expected(s, e, ZoneOffset.UTC, "page", filters, List.of("pageviews", "sessions", "visitors", "total_time_on_page",
          "timed_pageviews", "form_submissions")).forEach((page, v) -> {
        Map<String, Object> entry = entries.getOrDefault(page, Map.of());
        out.put("https://" + host + page, new long[] {n(v, "pageviews"), n(v, "sessions"), n(v, "visitors"), n(entry, "sessions"),
            n(entry, "bounces"), n(exits.getOrDefault(page, Map.of()), "sessions"), n(v, "total_time_on_page"), n(v, "timed_pageviews"),
            n(v, "form_submissions")});
      });
    }
    return out;
  }

  @Test
  void pagesAreByUrlWithPageMetrics() {
    JsonObject r = (JsonObject) ok("/analytics/v2/reports/pages/total?" + range());
    Map<String, Map<String, Object>> expected = pageRows(first, last);
    assertEquals(expected, byBreakdown(r.getJsonArray("breakdowns")));
    for (Object o : r.getJsonArray("breakdowns")) {
      JsonObject row = (JsonObject) o;
      assertTrue(row.getString("breakdown").endsWith(row.getString("meta")), "meta is the path");
    }
    assertEquals(pageTotals(pageCounts(first, last).values()), metrics(r.getJsonObject("totals")));
    // f with a URL, daily (the seed's example)
    String pricing = "https://localhost/pricing";
    JsonObject daily = (JsonObject) ok("/analytics/v2/reports/pages/daily?" + range() + "&f=" + enc(pricing));
    for (LocalDate[] p : periods("daily")) {
      Map<String, Map<String, Object>> day = new TreeMap<>();
      if (pageRows(p[1], p[2]).containsKey(pricing)) {
        day.put(pricing, pageRows(p[1], p[2]).get(pricing));
      }
      assertEquals(day, byBreakdown(daily.getJsonArray(p[0].toString())));
    }
  }

  @Test
  void formsEventCompletionsAndSocialAssists() {
    Map<String, Map<String, Object>> forms = new TreeMap<>();
    oracle.expected(at(first), at(last.plusDays(1)), ZoneOffset.UTC, "form_target", List.of()).forEach((k, v) -> {
      Map<String, Object> row = new TreeMap<>();
      put(row, "submissions", n(v, "form_submissions"));
      put(row, "visits", n(v, "sessions"));
      put(row, "visitors", n(v, "new_visitor_sessions"));
      forms.put((String) k, row);
    });
    assertEquals(forms, byBreakdown(((JsonObject) ok("/analytics/v2/reports/forms/total?" + range() + "&limit=350&offset=0")).getJsonArray("breakdowns")));

    JsonArray goals = admin("GET", "/admin/v1/sites/1/goals", null, 200).getJsonArray("goals");
    Map<String, String> idOf = new HashMap<>();
    goals.forEach(g -> idOf.put(((JsonObject) g).getString("name"), Integer.toString(((JsonObject) g).getInteger("id"))));
    Map<String, Map<String, Object>> completions = new TreeMap<>();
    oracle.expected(at(first), at(last.plusDays(1)), ZoneOffset.UTC, "goal", List.of()).forEach((k, v) -> {
      Map<String, Object> row = new TreeMap<>();
      put(row, "completions", n(v, "conversions"));
      put(row, "visits", n(v, "sessions"));
      put(row, "visitors", n(v, "new_visitor_sessions"));
      completions.put(idOf.get((String) k), row);
    });
    JsonObject events = (JsonObject) ok("/analytics/v2/reports/event-completions/total?" + range());
    assertEquals(completions, byBreakdown(events.getJsonArray("breakdowns")));
    events.getJsonArray("breakdowns").forEach(o -> assertTrue(idOf.containsKey(((JsonObject) o).getString("meta")), "meta is the goal's name"));

    assertEquals(new JsonObject().put("offset", 0).put("total", 0).put("totals", new JsonObject()).put("breakdowns", new JsonArray()),
        ok("/analytics/v2/reports/social-assists/total?" + range()));
  }

  @Test
  void contentTypesComeFromTheSitesRulesAndPagesHaveStableIds() {
    Map<String, Map<String, Object>> pages = pageRows(first, last);
    Map<String, List<String>> paths = Map.of("blog-posts", List.of("/blog/post-1"), "listing-pages", List.of("/blog"),
        "landing-pages", List.of("/pricing"), "standard-pages", List.of("/", "/docs", "/about"), "knowledge-articles", List.of());
    for (Map.Entry<String, List<String>> type : paths.entrySet()) {
      Map<String, Map<String, Object>> expected = new TreeMap<>();
      Map<String, String> urls = new HashMap<>();
      pages.forEach((url, row) -> {
        if (type.getValue().contains(url.substring(url.indexOf('/', 8)))) {
          expected.put(HubSpotRows.contentId(url), row);
          urls.put(HubSpotRows.contentId(url), url);
        }
      });
      JsonObject r = (JsonObject) ok("/analytics/v2/reports/" + type.getKey() + "/total?" + range());
      assertEquals(expected, byBreakdown(r.getJsonArray("breakdowns")), type.getKey());
      r.getJsonArray("breakdowns").forEach(o -> assertEquals(urls.get(((JsonObject) o).getString("breakdown")), ((JsonObject) o).getString("meta")));
    }
    // f with a page id on summarize/daily (the seed's example): that page's own totals per day (no visits nor visitors)
    String url = "https://localhost/pricing";
    String id = HubSpotRows.contentId(url);
    JsonObject days = (JsonObject) ok("/analytics/v2/reports/landing-pages/summarize/daily?" + range() + "&f=" + id);
    for (LocalDate[] p : periods("daily")) {
      long[] counts = pageCounts(p[1], p[2]).get(url);
      assertEquals(counts == null ? List.of() : List.of(pageTotals(List.of(counts))),
          days.getJsonArray(p[0].toString()).stream().map(o -> metrics((JsonObject) o)).toList());
    }
    // a page's sources and a blog's sources: the sessions that viewed it
    List<QueryOracle.Filter> pricing = List.of(new QueryOracle.Filter("page", "is", List.of("/pricing")),
        new QueryOracle.Filter("hostname", "is", List.of("localhost")));
    assertEquals(sourceRows(first, last, pricing),
        byBreakdown(((JsonObject) ok("/analytics/v2/reports/landing-pages/" + id + "/sources/total?" + range())).getJsonArray("breakdowns")));
    List<QueryOracle.Filter> blog = List.of(new QueryOracle.Filter("page", "is", List.of("/blog/post-1")),
        new QueryOracle.Filter("hostname", "is", List.of("localhost", "docs.localhost")));
    JsonObject blogSources = (JsonObject) ok("/analytics/v2/reports/blog-posts/content-group/" + blogRule + "/sources/total?" + range());
    assertEquals(sourceRows(first, last, blog), byBreakdown(blogSources.getJsonArray("breakdowns")));
    assertEquals(sessionRow(total(oracle, first, last, blog)), metrics(blogSources.getJsonObject("totals")));
    assertEquals(0, ((JsonObject) ok("/analytics/v2/reports/blog-posts/content-group/999/sources/total?" + range())).getInteger("total"));
  }

  // ---------------------------------------------------------------- f, e, sort, paging, views

  @Test
  void includeAndExcludeSelectBreakdownsAndTheTotalsFollow() {
    Map<String, Map<String, Object>> all = sourceRows(first, last, List.of());
    JsonObject f = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&f=email&f=direct");
    assertEquals(Set.of("email", "direct"), byBreakdown(f.getJsonArray("breakdowns")).keySet());
    assertEquals(sessionRow(total(sub(e -> !"partner".equals(e.source())), first, last, List.of())), metrics(f.getJsonObject("totals")));
    JsonObject e = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&e=direct");
    assertEquals(all.keySet().stream().filter(k -> !k.equals("direct")).collect(java.util.stream.Collectors.toSet()),
        byBreakdown(e.getJsonArray("breakdowns")).keySet());
    assertEquals(sessionRow(total(sub(x -> x.source() != null), first, last, List.of())), metrics(e.getJsonObject("totals")));
    JsonObject none = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&f=" + enc("' or 1=1 --") + "&f=" + enc("<script>"));
    assertEquals(0, none.getInteger("total"));
  }

  @Test
  void sortAndOffsetPagingWalkEveryRowExactlyOnce() {
    Map<String, Map<String, Object>> pages = pageRows(first, last);
    for (String dir : List.of("ASC", "DESC")) {
      List<String> expected = new ArrayList<>(pages.keySet());
      java.util.Comparator<String> byViews = java.util.Comparator.comparingLong(k -> n(pages.get(k), "rawViews"));
      expected.sort((dir.equals("ASC") ? byViews : byViews.reversed()).thenComparing(k -> k));
      List<String> walked = new ArrayList<>();
      int offset = 0;
      for (int guard = 0; guard < 100; guard++) {
        JsonObject page = (JsonObject) ok("/analytics/v2/reports/pages/total?" + range() + "&sort=rawViews&sortDir=" + dir + "&limit=3&offset=" + offset);
        assertEquals(pages.size(), page.getInteger("total"));
        page.getJsonArray("breakdowns").forEach(o -> walked.add(((JsonObject) o).getString("breakdown")));
        assertTrue(page.getJsonArray("breakdowns").size() <= 3);
        if (page.getInteger("offset") >= page.getInteger("total")) {
          break;
        }
        offset = page.getInteger("offset");
      }
      assertEquals(expected, walked, dir);
    }
    JsonObject byId = (JsonObject) ok("/analytics/v2/reports/pages/total?" + range() + "&sort=breakdown&sortDir=asc&limit=2");
    assertEquals(new ArrayList<>(pages.keySet()).subList(0, 2),
        byId.getJsonArray("breakdowns").stream().map(o -> ((JsonObject) o).getString("breakdown")).toList());
    assertEquals(2, byId.getInteger("offset"));
  }

  @Test
  void analyticsViewsAreListedAndFilterReportsAsFilterId() {
    JsonArray views = (JsonArray) ok("/analytics/v2/views");
    assertEquals(1, views.size());
    JsonObject v = views.getJsonObject(0);
    assertEquals(mobileView, v.getInteger("id"));
    assertEquals("Mobile only", v.getString("title"));
    // never updated: its update day is its creation day (compared with that, not with today, which moves at midnight)
    assertEquals(LocalDate.ofInstant(Instant.ofEpochMilli(v.getLong("createdAt")), ZoneOffset.UTC).toString(), v.getString("updatedDate"));
    assertTrue(v.getLong("createdAt") > 1_700_000_000_000L);
    assertEquals(0, v.getInteger("deletedAt"));
    assertEquals(false, v.getBoolean("containsLegacyReportProperties"));
    assertEquals(new JsonArray().add(new JsonObject().put("op", "EQ").put("args", new JsonArray().add("mobile")).put("prop", "device")),
        v.getJsonArray("reportPropertyFilters"));
    List<QueryOracle.Filter> mobile = List.of(new QueryOracle.Filter("device", "is", List.of("mobile")));
    JsonObject r = (JsonObject) ok("/analytics/v2/reports/sources/total?" + range() + "&filterId=" + mobileView);
    assertEquals(sourceRows(first, last, mobile), byBreakdown(r.getJsonArray("breakdowns")));
    assertEquals(sessionRow(total(oracle, first, last, mobile)), metrics(r.getJsonObject("totals")));
    JsonObject other = admin("POST", "/admin/v1/sites", "{\"domain\":\"other.example\"}", 201);
    int foreign = admin("POST", "/admin/v1/sites/" + other.getInteger("id") + "/analytics-views", "{\"title\":\"x\"}", 201).getInteger("id");
    assertError(get("/analytics/v2/reports/sources/total?" + range() + "&filterId=" + foreign), 404, "OBJECT_NOT_FOUND");
    assertEquals(2, admin("GET", "/admin/v1/sites/1/analytics-views", null, 200).getJsonArray("views").size()
        + admin("GET", "/admin/v1/sites/" + other.getInteger("id") + "/analytics-views", null, 200).getJsonArray("views").size());
    admin("POST", "/admin/v1/sites/1/analytics-views", "{\"title\":\"bad\",\"filters\":[{\"prop\":\"ip\",\"op\":\"EQ\",\"args\":[\"x\"]}]}", 400);
    admin("POST", "/admin/v1/sites/1/analytics-views", "{\"title\":\"Mobile only\"}", 409);
    admin("DELETE", "/admin/v1/sites/" + other.getInteger("id") + "/analytics-views/" + foreign, null, 204);
    admin("DELETE", "/admin/v1/sites/1/analytics-views/" + foreign, null, 404);
    admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"videos\",\"pattern\":\"/v/*\"}", 400);
    admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"blog-posts\",\"pattern\":\"blog\"}", 400);
    admin("POST", "/admin/v1/sites/1/content-rules", "{\"content_type\":\"blog-posts\",\"pattern\":\"/blog/*\"}", 409);
    assertEquals(3, admin("GET", "/admin/v1/sites/1/content-rules", null, 200).getJsonArray("rules").size());
  }

  @Test
  void existsSaysWhetherTheSiteHasDataOfAType() {
    Map<String, Boolean> expected = Map.of("pages", true, "forms", true, "event-completions", true, "social-assists", false,
        "blog-posts", true, "knowledge-articles", false, "sources", true);
    expected.forEach((type, found) -> assertEquals(new JsonObject().put("exists", found), ok("/analytics/v2/reports/" + type + "/exists"), type));
    assertError(get("/analytics/v2/reports/videos/exists"), 404, "OBJECT_NOT_FOUND");
  }

  // ---------------------------------------------------------------- errors

  static JsonObject assertError(HttpResponse<String> r, int status, String category) {
    assertEquals(status, r.statusCode(), r.uri() + " → " + r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals("error", body.getString("status"));
    assertEquals(category, body.getString("category"));
    assertFalse(body.getString("message").isBlank());
    assertEquals(36, body.getString("correlationId").length());
    assertEquals(body.getString("message"), body.getJsonArray("errors").getJsonObject(0).getString("message"));
    return body;
  }

  @Test
  void moreThan500TimePointsIs413() {
    JsonObject body = assertError(get("/analytics/v2/reports/sources/daily?start=20200101&end=20220101"), 413, "VALIDATION_ERROR");
    assertEquals("RESULT_POINT_LIMIT_EXCEEDED", body.getString("type"));
    assertError(get("/analytics/v2/reports/pages/summarize/weekly?start=20100101&end=20191201"), 413, "VALIDATION_ERROR");
    // 500 points are fine; monthly over the same years is fine
    assertEquals(500, ((JsonObject) ok("/analytics/v2/reports/totals/daily?start=" + YMD.format(last.minusDays(499)) + "&end=" + YMD.format(last))).size());
    assertEquals(25, ((JsonObject) ok("/analytics/v2/reports/totals/monthly?start=20200101&end=20220101")).size());
  }

  @Test
  void badRequestsAreAnsweredInHubSpotsErrorShape() {
    for (String q : List.of("", "start=20240101", "end=20240101", "start=20241332&end=20241340", "start=2024011&end=20240102",
        "start=20240105&end=20240101", "start=19000101&end=20240101", "start=20240101&end=20240102&limit=0",
        "start=20240101&end=20240102&limit=abc", "start=20240101&end=20240102&limit=99999999999", "start=20240101&end=20240102&offset=-1",
        "start=20240101&end=20240102&sortDir=UP", "start=20240101&end=20240102&sort=subscribers", "start=20240101&end=20240102&sort=rawViews%3Bdrop",
        "start=20240101&end=20240102&d2=x", "start=20240101&end=20240102&d1=nosuchtype", "start=20240101&end=20240102&filterId=x",
        "start=' or 1=1 --&end=20240102")) {
      assertError(get("/analytics/v2/reports/sources/total?" + q.replace(" ", "%20").replace("'", "%27")), 400, "VALIDATION_ERROR");
    }
    assertError(get("/analytics/v2/reports/pages/total?start=20240101&end=20240102&d1=x"), 400, "VALIDATION_ERROR");
    assertError(get("/analytics/v2/reports/nosuch/total?start=20240101&end=20240102"), 404, "OBJECT_NOT_FOUND");
    assertError(get("/analytics/v2/reports/sources/hourly?start=20240101&end=20240102"), 404, "OBJECT_NOT_FOUND");
    assertError(get("/analytics/v2/reports/sources/summarize/total?start=20240101&end=20240102"), 404, "OBJECT_NOT_FOUND");
    assertError(get("/analytics/v2/reports/landing-pages/abc/sources/total?start=20240101&end=20240102"), 404, "OBJECT_NOT_FOUND");
    assertError(get("/analytics/v2/nothing"), 404, "OBJECT_NOT_FOUND");
    assertError(server.get("/analytics/v2/reports/sources/total?" + range()), 401, "INVALID_AUTHENTICATION");
    assertError(server.get("/analytics/v2/views", "Authorization", "Bearer sl_nope_nope"), 401, "INVALID_AUTHENTICATION");
    String ingestOnly = admin("POST", "/admin/v1/sites/1/keys", "{\"name\":\"ingest\",\"scopes\":[\"ingest\"]}", 201).getString("key");
    assertError(server.get("/analytics/v2/views", "Authorization", "Bearer " + ingestOnly), 403, "MISSING_SCOPES");
    // x-api-key works too
    assertEquals(200, server.get("/analytics/v2/views", "x-api-key", key).statusCode());
  }

  // ---------------------------------------------------------------- the seed's and api-specs' examples

  static final Set<String> ROW_FIELDS = new LinkedHashSet<>(List.of("breakdown", "meta"));

  static {
    ROW_FIELDS.addAll(HubSpotRows.SESSION_FIELDS);
    ROW_FIELDS.addAll(HubSpotRows.PAGE_FIELDS);
    ROW_FIELDS.addAll(HubSpotRows.FORM_FIELDS);
    ROW_FIELDS.addAll(HubSpotRows.EVENT_FIELDS);
    ROW_FIELDS.addAll(HubSpotRows.SESSIONS_FIELDS);
  }

  static void checkRow(JsonObject row, boolean withBreakdown) {
    assertEquals(withBreakdown, row.containsKey("breakdown"), row.encode());
    if (withBreakdown) {
      assertTrue(row.getValue("breakdown") instanceof String, row.encode());
    }
    row.forEach(e -> {
      assertTrue(ROW_FIELDS.contains(e.getKey()), "a HubSpot field: " + e.getKey());
      if (e.getValue() instanceof Number num) {
        assertTrue(num.doubleValue() != 0, "zero metrics are left out: " + row.encode());
        if (e.getKey().endsWith("Rate")) {
          assertTrue(num.doubleValue() > 0 && num.doubleValue() <= 1, "rates are fractions: " + row.encode());
        }
      }
    });
  }

  @Test
  void theSeedAndSpecExamplesAnswerInTheirShapes() {
    String r = range();
    // api-specs §2.9 (dates moved into the data's range; filterId is the view made above)
    for (String path : List.of("/analytics/v2/reports/sources/total?" + r, "/analytics/v2/reports/sources/total?" + r + "&d1=organic",
        "/analytics/v2/reports/forms/total?" + r + "&limit=350&offset=0")) {
      JsonObject total = (JsonObject) ok(path);
      assertEquals(Set.of("offset", "total", "totals", "breakdowns"), total.fieldNames());
      assertTrue(total.getValue("offset") instanceof Integer && total.getValue("total") instanceof Integer);
      checkRow(total.getJsonObject("totals"), false);
      total.getJsonArray("breakdowns").forEach(o -> checkRow((JsonObject) o, true));
    }
    for (String path : List.of("/analytics/v2/reports/pages/daily?" + r + "&f=" + enc("https://localhost/pricing"),
        "/analytics/v2/reports/sessions/monthly?" + r + "&filterId=" + mobileView, "/analytics/v2/reports/sources/weekly?" + r)) {
      JsonObject keyed = (JsonObject) ok(path);
      assertFalse(keyed.isEmpty());
      keyed.forEach(e -> {
        LocalDate.parse(e.getKey());
        ((JsonArray) e.getValue()).forEach(o -> checkRow((JsonObject) o, true));
      });
    }
    JsonObject monthly = (JsonObject) ok("/analytics/v2/reports/sessions/monthly?" + r);
    monthly.forEach(e -> assertTrue(e.getKey().endsWith("-01"), "monthly keys are YYYY-MM-01"));
    JsonObject summarized = (JsonObject) ok("/analytics/v2/reports/landing-pages/summarize/daily?" + r + "&f=12345678");
    summarized.forEach(e -> assertEquals(new JsonArray(), e.getValue(), "no such page: empty days"));
    JsonObject seedDaily = (JsonObject) ok("/analytics/v2/reports/totals/summarize/daily?" + r);
    seedDaily.forEach(e -> ((JsonArray) e.getValue()).forEach(o -> checkRow((JsonObject) o, false)));
    // the seed's total example carries visits, visitors, rawViews and the rates under these names
    JsonObject totals = ((JsonObject) ok("/analytics/v2/reports/totals/total?" + r)).getJsonObject("totals");
    for (String field : List.of("rawViews", "visits", "visitors", "pageviewsPerSession", "bounceRate", "timePerSession", "newVisitorSessionRate")) {
      assertTrue(totals.containsKey(field), field);
    }
    assertEquals(totals.getLong("visitors") / (double) totals.getLong("visits"), totals.getDouble("newVisitorSessionRate"));
    assertEquals(totals.getLong("rawViews") / (double) totals.getLong("visits"), totals.getDouble("pageviewsPerSession"));
  }
}
