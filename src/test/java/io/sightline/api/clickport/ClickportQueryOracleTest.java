package io.sightline.api.clickport;

import io.sightline.support.QueryOracle;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded random event set ingested through the real endpoint, then a matrix of queries whose
 * expected answers are computed here, in plain Java, from the generated list (not through the
 * engine's SQL), and compared exactly.
 */
@Tag("integration")
class ClickportQueryOracleTest {
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final String[] METRICS = QueryOracle.METRICS.toArray(String[]::new);

  static RunningServer server;
  static String readKey; // a read key with its own high limit: the matrix sends hundreds of queries
  static QueryOracle oracle;
  static QueryOracle other;
  static String otherKey;
  static Instant now;

  @BeforeAll
  static void ingest() {
    ingestWith(2);
  }

  /** The traffic, through {@code partitions} writer partitions (the single-partition run: {@link ClickportQueryOracleSinglePartitionTest}). */
  static void ingestWith(int partitions) {
    server = RunningServer.start("writer.partitions", Integer.toString(partitions));
    readKey = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"oracle\",\"scopes\":[\"read\"],"
        + "\"rate_limit_per_minute\":100000}", "x-api-key", server.adminKey()).body()).getString("key");
    for (QueryOracle.Goal g : QueryOracle.GOALS) {
      HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", g.name()).put("type", g.type())
          .put("match", g.match()).encode(), "x-api-key", server.adminKey());
      assertEquals(201, r.statusCode(), r.body());
    }
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    oracle = QueryOracle.generate(now, 20261123);
    ingest(oracle, "localhost", server.siteKey(), true);
    // a second site with its own events (same visitor ids): nothing of it may show in site 1's answers
    assertEquals(201, server.send("POST", "/admin/v1/sites", "{\"domain\":\"other.example\",\"name\":\"Other\"}", "x-api-key",
        server.adminKey()).statusCode());
    otherKey = new JsonObject(server.send("POST", "/admin/v1/sites/2/keys", "{\"name\":\"other\",\"scopes\":[\"ingest\",\"read\"],"
        + "\"rate_limit_per_minute\":100000}", "x-api-key", server.adminKey()).body()).getString("key");
    other = QueryOracle.generate(now, 7);
    ingest(other, "other.example", otherKey, false);
  }

  /** One batch per visitor, in time order, as a server-side sender would backfill, plus bot traffic that must be dropped. */
  private static void ingest(QueryOracle data, String domain, String key, boolean bots) {
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    Map<String, String> uas = new HashMap<>();
    for (QueryOracle.Ev e : data.events) {
      String host = e.host().equals("localhost") ? domain : e.host().replace("localhost", domain);
      JsonObject body = new JsonObject().put("type", e.type()).put("url", "https://" + host + e.path()
              + (data.isFirstOfSession(e) && e.source() != null ? "?utm_source=" + e.source() : ""))
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
      if (QueryOracle.secondary(e) != null) {
        body.put("target_secondary", QueryOracle.secondary(e));
      }
      if (e.plan() != null) {
        body.put("props", new JsonObject().put("plan", e.plan()));
      }
      if (QueryOracle.tag(e) != null) {
        body.put("tags", new JsonArray().add(QueryOracle.tag(e)));
      }
      if (e.revenue() != null) {
        body.put("revenue_amount", e.revenue()).put("revenue_currency", "EUR");
      }
      batches.computeIfAbsent(e.visitor(), k -> new JsonArray()).add(body);
      uas.put(e.visitor(), e.device().equals("mobile") ? MOBILE : DESKTOP);
    }
    for (Map.Entry<String, JsonArray> b : batches.entrySet()) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.getValue().encode(), "x-api-key", key,
          "User-Agent", uas.get(b.getKey()), "X-Forwarded-For", "198.18.0." + (b.getKey().hashCode() & 0x7f));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(b.getValue().size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
    if (bots) {
      JsonArray crawl = new JsonArray();
      for (String page : QueryOracle.PAGES) {
        crawl.add(new JsonObject().put("url", "https://" + domain + page).put("timestamp", now.minusSeconds(3600).toString()));
      }
      HttpResponse<String> r = server.send("POST", "/api/event/batch", crawl.encode(), "x-api-key", key,
          "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(0, new JsonObject(r.body()).getInteger("accepted"), "bots are dropped: " + r.body());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Filter(String dimension, String operator, List<String> values) {
    JsonObject json() {
      return new JsonObject().put("dimension", dimension).put("operator", operator)
          .put("value", values.size() == 1 ? values.get(0) : new JsonArray(new ArrayList<Object>(values)));
    }

    QueryOracle.Filter oracle() {
      return new QueryOracle.Filter(dimension, operator, values);
    }
  }

  static Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    return inClickportsWords(dimension, oracle.expected(start, end, zone, dimension, filters.stream().map(Filter::oracle).toList()));
  }

  static Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters,
                                                   List<String> metrics) {
    return inClickportsWords(dimension, oracle.expected(start, end, zone, dimension, filters.stream().map(Filter::oracle).toList(), metrics));
  }

  /** Clickport shows device classes capitalised, as on its realtime page ({@code Desktop}); the oracle knows the stored class. */
  static String shownDevice(Object device) {
    return device == null ? null : Character.toUpperCase(device.toString().charAt(0)) + device.toString().substring(1);
  }

  private static Map<Object, Map<String, Object>> inClickportsWords(String dimension, Map<Object, Map<String, Object>> rows) {
    if (!"device".equals(dimension)) {
      return rows;
    }
    Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
    rows.forEach((k, v) -> out.put(shownDevice(k), v));
    return out;
  }

  // ---------------------------------------------------------------- the matrix

  private static Map<Object, Map<String, Object>> actual(JsonObject request, String dimension) {
    HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", readKey);
    assertEquals(200, r.statusCode(), request.encode() + " → " + r.body());
    Object results = new JsonObject(r.body()).getValue("results");
    Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
    if (dimension == null) {
      rows.put("total", normalise(((JsonObject) results).getMap()));
    } else {
      for (Object o : (JsonArray) results) {
        Map<String, Object> row = new LinkedHashMap<>(((JsonObject) o).getMap());
        Object key = row.remove(dimension);
        rows.put(key, normalise(row));
      }
    }
    return rows;
  }

  static final Set<String> DECIMALS = Set.of("views_per_visit", "conversion_rate", "total_revenue", "average_revenue");

  private static Map<String, Object> normalise(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach((k, v) -> {
      Object n = v == null || v instanceof Map || v instanceof JsonObject ? v
          : DECIMALS.contains(k) ? (Object) ((Number) v).doubleValue() : (Object) ((Number) v).longValue();
      out.put(k, n); // (a plain ?: would widen the long to double)
    });
    return out;
  }

  @Test
  void everyMetricDimensionAndFilterMatchesTheOracle() {
    record Range(JsonObject spec, Instant start, Instant end, ZoneId zone) {
    }
    List<Range> ranges = new ArrayList<>();
    for (String tz : List.of("UTC", "Asia/Kolkata", "America/New_York")) {
      ZoneId zone = ZoneId.of(tz);
      LocalDate today = LocalDate.ofInstant(Instant.now(), zone);
      ranges.add(new Range(lastWeek(today).put("timezone", tz), today.minusDays(6).atStartOfDay(zone).toInstant(),
          today.plusDays(1).atStartOfDay(zone).toInstant(), zone));
    }
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate from = LocalDate.ofInstant(now, berlin).minusDays(4);
    ranges.add(new Range(new JsonObject().put("date_range", new JsonObject().put("start", from.toString()).put("end", from.plusDays(3).toString()))
        .put("timezone", "Europe/Berlin"), from.atStartOfDay(berlin).toInstant(), from.plusDays(3).atStartOfDay(berlin).toInstant(), berlin));
    // the Berlin range cuts sessions at both ends: sessions count where they start, with their whole values
    assertTrue(oracle.sessionsAcross(from.atStartOfDay(berlin).toInstant()) > 0, "a session runs into the range");
    assertTrue(oracle.sessionsAcross(from.plusDays(3).atStartOfDay(berlin).toInstant()) > 0, "a session runs out of the range");

    List<List<Filter>> filterSets = List.of(
        List.of(),
        List.of(new Filter("utm_source", "is", List.of("newsletter"))),
        List.of(new Filter("page", "is", List.of("/pricing"))),
        List.of(new Filter("page", "contains", List.of("PRIC", "about"))),
        List.of(new Filter("utm_source", "is_not", List.of("newsletter", "partner"))),
        List.of(new Filter("entry_page", "starts_with", List.of("/b")), new Filter("device", "is", List.of("desktop"))),
        List.of(new Filter("page", "ends_with", List.of("-1")), new Filter("utm_source", "not_contains", List.of("NEWS"))));
    List<String> dimensions = new ArrayList<>(java.util.Arrays.asList(null, "utm_source", "device", "page", "entry_page", "exit_page", "date"));
    // all metrics, sessions with event metrics, session metrics only (the sessions in scope alone), and event-level metrics
    // only (the one-pass plan where it applies)
    List<List<String>> metricSets = List.of(List.of(METRICS), List.of("visitors", "pageviews", "events", "sessions"),
        List.of("sessions", "bounce_rate", "avg_duration", "views_per_visit"), List.of("visitors", "pageviews"));
    int compared = 0;
    for (Range range : ranges) {
      for (List<Filter> filters : filterSets) {
        for (String dimension : dimensions) {
          for (List<String> metrics : metricSets) {
            JsonObject request = range.spec().copy().put("metrics", new JsonArray(new ArrayList<Object>(metrics))).put("limit", 10_000);
            if (dimension != null) {
              request.put("dimensions", new JsonArray().add(dimension));
            }
            request.put("filters", new JsonArray(filters.stream().map(f -> (Object) f.json()).toList()));
            assertEquals(expected(range.start(), range.end(), range.zone(), dimension, filters, metrics), actual(request, dimension),
                request.encode());
            compared++;
          }
        }
      }
      Map<Object, Map<String, Object>> hours = expected(range.start(), range.end(), range.zone(), "hour", List.of());
      if (hours.size() <= 1000) {
        JsonObject request = range.spec().copy().put("metrics", new JsonArray(List.of((Object[]) METRICS))).put("dimensions", new JsonArray().add("hour"));
        assertEquals(hours, actual(request, "hour"), request.encode());
        compared++;
      }
    }
    assertTrue(compared >= 550, "compared " + compared);
    assertTrue(oracle.events.size() > 100, "events " + oracle.events.size());
  }

  @Test
  void eventDimensionsGoalsAndTheirFiltersMatchTheOracle() {
    ZoneId utc = ZoneId.of("UTC");
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate today = LocalDate.ofInstant(Instant.now(), utc);
    LocalDate from = LocalDate.ofInstant(now, berlin).minusDays(4);
    record Range(JsonObject spec, Instant start, Instant end, ZoneId zone) {
    }
    List<Range> ranges = List.of(
        new Range(lastWeek(today), today.minusDays(6).atStartOfDay(utc).toInstant(),
            today.plusDays(1).atStartOfDay(utc).toInstant(), utc),
        new Range(new JsonObject().put("date_range", new JsonObject().put("start", from.toString()).put("end", from.plusDays(3).toString()))
            .put("timezone", "Europe/Berlin"), from.atStartOfDay(berlin).toInstant(), from.plusDays(3).atStartOfDay(berlin).toInstant(), berlin));
    List<List<Filter>> filterSets = List.of(
        List.of(),
        List.of(new Filter("event_name", "is", List.of("Signup"))),
        List.of(new Filter("goal", "is", List.of("Signup", "Pricing"))),
        List.of(new Filter("goal", "is_not", List.of("Pricing"))),
        List.of(new Filter("click_target", "contains", List.of("buy"))),
        List.of(new Filter("props:plan", "is", List.of("pro"))),
        List.of(new Filter("hostname", "is", List.of("docs.localhost"))),
        List.of(new Filter("page", "is", List.of("/pricing")), new Filter("event_name", "is_not", List.of("click"))),
        List.of(new Filter("form_target", "is", List.of("contact"))),
        List.of(new Filter("target_secondary", "starts_with", List.of("/go/"))),
        List.of(new Filter("event_type", "is", List.of("click"))),
        List.of(new Filter("page", "is", List.of("/pricing")), new Filter("event_type", "is", List.of("form", "click"))),
        List.of(new Filter("tag", "is_not", List.of("media"))),
        List.of(new Filter("utm_source", "is", List.of("newsletter")), new Filter("goal", "contains", List.of("o"))));
    List<String> dimensions = java.util.Arrays.asList(null, "utm_source", "page", "hostname", "event_name", "click_target",
        "form_target", "target_secondary", "event_type", "event_page", "props:plan", "goal", "tag", "date");
    int compared = 0;
    for (Range range : ranges) {
      for (List<Filter> filters : filterSets) {
        for (String dimension : dimensions) {
          JsonObject request = range.spec().copy().put("metrics", new JsonArray(List.of((Object[]) METRICS))).put("limit", 10_000)
              .put("filters", new JsonArray(filters.stream().map(f -> (Object) f.json()).toList()));
          if (dimension != null) {
            request.put("dimensions", new JsonArray().add(dimension));
          }
          assertEquals(expected(range.start(), range.end(), range.zone(), dimension, filters), actual(request, dimension), request.encode());
          compared++;
        }
      }
    }
    // the data has something in each of the new dimensions
    Map<Object, Map<String, Object>> goals = expected(ranges.get(0).start(), ranges.get(0).end(), utc, "goal", List.of());
    assertTrue(goals.keySet().containsAll(List.of("Pricing", "Blog posts", "Signup", "Buy", "Any form", "Contact")), goals.toString());
    Map<String, Object> totals = expected(ranges.get(0).start(), ranges.get(0).end(), utc, null, List.of()).get("total");
    assertTrue(totals.get("total_revenue") != null && (Long) totals.get("new_visitor_sessions") > 0 && (Long) totals.get("conversions") > 0,
        totals.toString());
    assertEquals(filterSets.size() * dimensions.size() * ranges.size(), compared);
  }

  @Test
  void comparesWithThePrecedingRangeAndTheAveragedBaselines() {
    ZoneId utc = ZoneId.of("UTC");
    LocalDate today = LocalDate.ofInstant(Instant.now(), utc);
    // a custom range: the preceding range of the same length, totals and grouped rows
    LocalDate start = today.minusDays(2);
    Instant s = start.atStartOfDay(utc).toInstant();
    Instant e = today.plusDays(1).atStartOfDay(utc).toInstant();
    Instant bs = start.minusDays(3).atStartOfDay(utc).toInstant();
    String[] metrics = {"visitors", "pageviews", "bounce_rate", "views_per_visit", "total_revenue"};
    JsonObject request = new JsonObject().put("date_range", new JsonObject().put("start", start.toString()).put("end", today.plusDays(1).toString()))
        .put("metrics", new JsonArray(List.of((Object[]) metrics))).put("include_comparison", true);
    JsonObject body = new JsonObject(server.send("POST", "/api/query", request.encode(), "x-api-key", readKey).body());
    Map<String, Object> current = only(expected(s, e, utc, null, List.of()).get("total"), metrics);
    Map<String, Object> baseline = only(expected(bs, s, utc, null, List.of()).get("total"), metrics);
    assertEquals(current, normalise(body.getJsonObject("results").getMap()), body.encode());
    assertEquals(baseline, normalise(body.getJsonObject("comparison").getMap()), body.encode());
    for (String m : metrics) {
      assertEquals(change(current.get(m), baseline.get(m)), body.getJsonObject("change").getValue(m) == null ? null
          : ((Number) body.getJsonObject("change").getValue(m)).doubleValue(), m + " in " + body.encode());
    }
    assertEquals(new JsonObject().put("start", start.minusDays(3).toString()).put("end", start.toString()), body.getJsonObject("comparison_range"));

    JsonObject grouped = new JsonObject(server.send("POST", "/api/query", request.copy().put("dimensions", new JsonArray().add("page")).encode(),
        "x-api-key", readKey).body());
    Map<Object, Map<String, Object>> before = expected(bs, s, utc, "page", List.of());
    Map<Object, Map<String, Object>> after = expected(s, e, utc, "page", List.of());
    assertEquals(after.size(), grouped.getJsonArray("results").size());
    for (Object o : grouped.getJsonArray("results")) {
      JsonObject row = (JsonObject) o;
      String page = row.getString("page");
      Map<String, Object> want = before.containsKey(page) ? only(before.get(page), metrics) : null;
      Map<String, Object> got = normalise(row.getJsonObject("comparison").getMap());
      if (want == null) { // no baseline row: counts are 0, ratios unknown
        assertEquals(0L, got.get("visitors"));
        assertEquals(null, got.get("bounce_rate"));
      } else {
        want.replace("total_revenue", null, 0.0); // grouped baselines average a null count as 0 (ComparisonMerge.averageByKey)
        assertEquals(want, got, page);
      }
      assertEquals(only(after.get(page), metrics), normalise(only(row.getMap(), metrics)), page);
    }

    // 7d: the mean of the 4 preceding 7-day periods, which hold no data here (all events are within the last 6 days)
    onOneDay(utc, day -> {
      JsonObject week = new JsonObject(server.send("POST", "/api/query", new JsonObject().put("period", "7d").put("metrics", new JsonArray().add("visitors"))
          .put("include_comparison", true).encode(), "x-api-key", readKey).body());
      assertEquals(0L, week.getJsonObject("comparison").getLong("visitors"));
      assertTrue(week.getJsonObject("change").containsKey("visitors") && week.getJsonObject("change").getValue("visitors") == null, week.encode());
      assertEquals(day.minusDays(34).toString(), week.getJsonObject("comparison_range").getString("start"));
      assertEquals(day.minusDays(6).toString(), week.getJsonObject("comparison_range").getString("end"));
    });
    // all: no baseline
    JsonObject all = new JsonObject(server.send("POST", "/api/query", new JsonObject().put("period", "all").put("include_comparison", true).encode(),
        "x-api-key", readKey).body());
    assertTrue(all.containsKey("comparison_range") && all.getValue("comparison_range") == null && !all.containsKey("comparison"), all.encode());
  }

  /** The 7 days ending today as a date_range (what {@code period: 7d} means, but fixed while a long matrix runs). */
  private static JsonObject lastWeek(LocalDate today) {
    return new JsonObject().put("date_range", new JsonObject().put("start", today.minusDays(6).toString()).put("end", today.plusDays(1).toString()));
  }

  /**
   * Runs a check of a named period against the local date it was computed for, once more if that
   * date changed while it ran (a request made across midnight in the zone resolves to the next day).
   */
  private static void onOneDay(ZoneId zone, java.util.function.Consumer<LocalDate> check) {
    LocalDate day = LocalDate.now(zone);
    try {
      check.accept(day);
    } catch (AssertionError e) {
      if (LocalDate.now(zone).equals(day)) {
        throw e;
      }
      check.accept(LocalDate.now(zone));
    }
  }

  @Test
  void namedPeriodsResolveInTheRequestedZone() {
    for (String tz : List.of("UTC", "America/New_York", "Asia/Kolkata")) {
      ZoneId zone = ZoneId.of(tz);
      for (String period : List.of("today", "yesterday", "7d", "14d")) {
        onOneDay(zone, today -> {
          LocalDate first = switch (period) {
            case "today" -> today;
            case "yesterday" -> today.minusDays(1);
            default -> today.minusDays(Integer.parseInt(period.replace("d", "")) - 1L);
          };
          LocalDate end = period.equals("yesterday") ? today : today.plusDays(1);
          JsonObject request = new JsonObject().put("period", period).put("timezone", tz).put("metrics", new JsonArray(List.of((Object[]) METRICS)));
          assertEquals(expected(first.atStartOfDay(zone).toInstant(), end.atStartOfDay(zone).toInstant(), zone, null, List.of()),
              actual(request, null), request.encode());
        });
      }
    }
  }

  private static Map<String, Object> only(Map<String, Object> row, String... metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String m : metrics) {
      out.put(m, row.get(m));
    }
    return out;
  }

  private static Double change(Object current, Object baseline) {
    if (current == null || baseline == null || ((Number) baseline).doubleValue() == 0) {
      return null;
    }
    BigDecimal c = new BigDecimal(current.toString());
    BigDecimal b = new BigDecimal(baseline.toString());
    return c.subtract(b).multiply(BigDecimal.valueOf(100)).divide(b, 1, RoundingMode.HALF_UP).doubleValue();
  }

  @Test
  void groupsBySeveralSessionAttributesAtOnce() {
    ZoneId zone = ZoneId.of("UTC");
    LocalDate today = LocalDate.ofInstant(Instant.now(), zone);
    Instant start = today.minusDays(6).atStartOfDay(zone).toInstant();
    Instant end = today.plusDays(1).atStartOfDay(zone).toInstant();
    Map<List<Object>, Map<String, Object>> expected = new HashMap<>();
    for (String device : List.of("desktop", "mobile")) {
      expected(start, end, zone, "utm_source", List.of(new Filter("device", "is", List.of(device))))
          .forEach((source, metrics) -> expected.put(java.util.Arrays.asList(source, shownDevice(device)), metrics));
    }
    JsonObject request = lastWeek(today).put("metrics", new JsonArray(List.of((Object[]) METRICS)))
        .put("dimensions", new JsonArray().add("utm_source").add("device"));
    HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", readKey);
    assertEquals(200, r.statusCode(), r.body());
    Map<List<Object>, Map<String, Object>> actual = new HashMap<>();
    for (Object o : new JsonObject(r.body()).getJsonArray("results")) {
      Map<String, Object> row = new LinkedHashMap<>(((JsonObject) o).getMap());
      List<Object> key = java.util.Arrays.asList(row.remove("utm_source"), row.remove("device"));
      actual.put(key, normalise(row));
    }
    assertEquals(expected, actual);
  }

  @Test
  void theBreakdownEndpointsAreTheEngineRenamed() {
    ZoneId zone = ZoneId.of("UTC");
    LocalDate today = LocalDate.ofInstant(Instant.now(), zone);
    String start = today.minusDays(6).toString();
    String end = today.plusDays(1).toString();
    String range = "?start_date=" + start + "&end_date=" + end;
    // /api/pages against the oracle directly
    Map<Object, Map<String, Object>> expected = expected(LocalDate.parse(start).atStartOfDay(zone).toInstant(),
        LocalDate.parse(end).atStartOfDay(zone).toInstant(), zone, "page", List.of());
    JsonArray pages = new JsonObject(server.get("/api/pages" + range, "x-api-key", readKey).body()).getJsonArray("results");
    assertEquals(expected.size(), pages.size());
    for (Object o : pages) {
      JsonObject row = (JsonObject) o;
      Map<String, Object> want = expected.get(row.getString("page"));
      assertEquals(want.get("visitors"), row.getLong("visitors"));
      assertEquals(want.get("pageviews"), row.getLong("pageviews"));
      assertEquals(want.get("avg_scroll"), row.getLong("avg_scroll"));
      assertEquals(want.get("avg_duration"), row.getLong("avg_duration"));
    }
    // the others against /api/query with the same dimensions and metrics
    Map<String, String[]> reports = Map.of(
        "/api/sources", new String[] {"source,channel", "visitors,bounce_rate,engagement"},
        "/api/utm-sources", new String[] {"utm_source", "visitors"},
        "/api/entry-pages", new String[] {"entry_page", "sessions"},
        "/api/exit-pages", new String[] {"exit_page", "sessions"},
        "/api/countries", new String[] {"country", "visitors"},
        "/api/tech?type=device&x=", new String[] {"device", "visitors"});
    for (Map.Entry<String, String[]> report : reports.entrySet()) {
      String path = report.getKey().contains("?") ? report.getKey() + "&" + range.substring(1) : report.getKey() + range;
      HttpResponse<String> r = server.get(path, "x-api-key", readKey);
      assertEquals(200, r.statusCode(), path + " → " + r.body());
      JsonObject query = new JsonObject().put("date_range", new JsonObject().put("start", start).put("end", end))
          .put("dimensions", new JsonArray(List.of((Object[]) report.getValue()[0].split(","))))
          .put("metrics", new JsonArray(List.of((Object[]) report.getValue()[1].split(","))));
      JsonArray viaQuery = new JsonObject(server.send("POST", "/api/query", query.encode(), "x-api-key", readKey).body()).getJsonArray("results");
      JsonArray expectedRows = new JsonArray();
      String first = report.getValue()[0].split(",")[0];
      boolean skipMissing = report.getKey().startsWith("/api/utm") || report.getKey().contains("-pages");
      viaQuery.forEach(o -> {
        if (!skipMissing || ((JsonObject) o).getValue(first) != null) {
          expectedRows.add(o);
        }
      });
      assertEquals(expectedRows, new JsonObject(r.body()).getJsonArray("results"), path);
    }
    JsonArray utm = new JsonObject(server.get("/api/utm-sources" + range, "x-api-key", readKey).body()).getJsonArray("results");
    assertEquals(2, utm.size(), "newsletter and partner; untagged visits are not a UTM source: " + utm.encode());
    assertEquals(1, new JsonObject(server.get("/api/utm-sources" + range + "&limit=1", "x-api-key", readKey).body())
        .getJsonArray("results").size());
    assertEquals(400, server.get("/api/tech?type=shoe", "x-api-key", readKey).statusCode());
    assertEquals(400, server.get("/api/pages?start_date=" + start, "x-api-key", readKey).statusCode());
    assertEquals(400, server.get("/api/pages?limit=lots", "x-api-key", readKey).statusCode());
    assertEquals(400, server.get("/api/pages?timezone=Nowhere/Town", "x-api-key", readKey).statusCode());
    assertEquals(401, server.get("/api/pages").statusCode());
  }

  @Test
  void goalsReportVisitorsCompletionsAndRevenuePerGoal() {
    ZoneId zone = ZoneId.of("Asia/Kolkata");
    LocalDate today = LocalDate.ofInstant(Instant.now(), zone);
    String start = today.minusDays(5).toString();
    String end = today.plusDays(1).toString();
    Map<Object, Map<String, Object>> expected = expected(today.minusDays(5).atStartOfDay(zone).toInstant(),
        today.plusDays(1).atStartOfDay(zone).toInstant(), zone, "goal", List.of());
    HttpResponse<String> r = server.get("/api/goals?start_date=" + start + "&end_date=" + end + "&timezone=Asia/Kolkata", "x-api-key", readKey);
    assertEquals(200, r.statusCode(), r.body());
    JsonArray goals = new JsonObject(r.body()).getJsonArray("goals");
    assertEquals(QueryOracle.GOALS.size(), goals.size(), r.body());
    Map<String, String> countField = Map.of("pageview", "pageviews", "custom", "events", "click", "clicks", "form", "submissions");
    for (int i = 0; i < goals.size(); i++) {
      JsonObject g = goals.getJsonObject(i);
      QueryOracle.Goal defined = QueryOracle.GOALS.get(i);
      Map<String, Object> want = expected.getOrDefault(defined.name(), Map.of("visitors", 0L, "conversions", 0L));
      JsonObject expectedJson = new JsonObject().put("id", i + 1).put("name", defined.name()).put("type", defined.type())
          .put("visitors", want.get("visitors")).put(countField.get(defined.type()), want.get("conversions"));
      if (want.get("total_revenue") != null) {
        expectedJson.put("total_revenue", want.get("total_revenue"));
      }
      assertEquals(expectedJson, g);
    }
    assertTrue(goals.getJsonObject(2).containsKey("total_revenue"), "the Signup goal carries revenue: " + goals.encode());
    assertEquals(400, server.get("/api/goals?start_date=2026-01-01", "x-api-key", readKey).statusCode());
    assertEquals(400, server.get("/api/goals?timezone=Nowhere", "x-api-key", readKey).statusCode());
    assertEquals(401, server.get("/api/goals").statusCode());
  }

  @Test
  void theSpecExamplesAnswerWithTheDocumentedShapes() {
    // §5.3: totals for 30d, exactly these metrics, whole numbers
    ZoneId utc = ZoneId.of("UTC");
    onOneDay(utc, today -> {
      JsonObject totals = new JsonObject(server.send("POST", "/api/query",
          "{\"metrics\":[\"visitors\",\"pageviews\",\"bounce_rate\"],\"period\":\"30d\"}", "x-api-key", readKey,
          "Content-Type", "application/json").body());
      Map<String, Object> want = expected(today.minusDays(29).atStartOfDay(utc).toInstant(), today.plusDays(1).atStartOfDay(utc).toInstant(),
          utc, null, List.of()).get("total");
      assertEquals(new JsonObject().put("results", new JsonObject().put("visitors", want.get("visitors")).put("pageviews", want.get("pageviews"))
          .put("bounce_rate", want.get("bounce_rate"))), totals);
    });
    // §5.3: a grouped, filtered query in Berlin time (March 2026 holds no data here): an empty array
    HttpResponse<String> grouped = server.send("POST", "/api/query", "{\"metrics\":[\"visitors\",\"pageviews\",\"avg_scroll\"],"
        + "\"dimensions\":[\"page\"],\"date_range\":{\"start\":\"2026-03-01\",\"end\":\"2026-03-31\"},"
        + "\"filters\":[{\"dimension\":\"country\",\"operator\":\"is\",\"value\":\"DE\"}],\"limit\":10,\"timezone\":\"Europe/Berlin\"}",
        "x-api-key", readKey, "Content-Type", "application/json");
    assertEquals(200, grouped.statusCode(), grouped.body());
    assertEquals(new JsonObject().put("results", new JsonArray()), new JsonObject(grouped.body()));
    // §5.7
    HttpResponse<String> pages = server.get("/api/pages?start_date=2026-03-01&end_date=2026-03-31", "x-api-key", readKey);
    assertEquals(new JsonObject().put("results", new JsonArray()), new JsonObject(pages.body()));
    // the grouped example over the data's own days: rows of exactly page + the three metrics, at most 10
    JsonObject recent = new JsonObject(server.send("POST", "/api/query", new JsonObject().put("metrics", new JsonArray().add("visitors").add("pageviews")
        .add("avg_scroll")).put("dimensions", new JsonArray().add("page")).put("period", "7d").put("limit", 10).put("timezone", "Europe/Berlin")
        .encode(), "x-api-key", readKey).body());
    assertTrue(!recent.getJsonArray("results").isEmpty() && recent.getJsonArray("results").size() <= 10, recent.encode());
    for (Object row : recent.getJsonArray("results")) {
      assertEquals(Set.of("page", "visitors", "pageviews", "avg_scroll"), ((JsonObject) row).fieldNames(), row.toString());
    }
  }

  @Test
  void hostileTextInKeysAndValuesIsDataNotCode() {
    String sql = "x'); drop table events; --";
    String script = "<script>alert(1)</script>";
    for (JsonObject request : List.of(
        new JsonObject().put("period", "7d").put("dimensions", new JsonArray().add("props:" + sql)),
        new JsonObject().put("period", "7d").put("filters", new JsonArray().add(new JsonObject().put("dimension", "props:" + script)
            .put("operator", "contains").put("value", sql))),
        new JsonObject().put("period", "7d").put("metrics", new JsonArray().add("conversions").add("conversion_rate"))
            .put("filters", new JsonArray().add(new JsonObject().put("dimension", "goal").put("operator", "is").put("value", sql))),
        new JsonObject().put("period", "7d").put("filters", new JsonArray().add(new JsonObject().put("dimension", "event_name")
            .put("operator", "starts_with").put("value", new JsonArray().add(script).add("%").add("_"))))) ) {
      HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", readKey);
      assertEquals(200, r.statusCode(), request.encode() + " → " + r.body());
      Object results = new JsonObject(r.body()).getValue("results");
      if (results instanceof JsonArray rows) {
        assertEquals(0, rows.size(), r.body());
      } else {
        assertEquals(0L, ((JsonObject) results).getLong(((JsonObject) results).fieldNames().iterator().next()), r.body());
      }
    }
    assertEquals((long) oracle.events.size() + other.events.size(), server.sql("select count(*) as n from events").iterator().next().getLong("n"),
        "the events table is intact");
    for (String body : List.of("{\"dimensions\":[\"props:\"]}", "{\"dimensions\":[\"props:" + "k".repeat(201) + "\"]}",
        "{\"dimensions\":[\"goal\",\"country\"]}", "{\"dimensions\":[\"date\",\"page\"]}")) {
      HttpResponse<String> r = server.send("POST", "/api/query", body, "x-api-key", readKey);
      assertEquals(400, r.statusCode(), body + " → " + r.body());
    }
  }

  @Test
  void comparisonWorksWithEveryKindOfGrouping() {
    for (String dimension : List.of("goal", "event_name", "props:plan", "hour", "device")) {
      JsonObject request = new JsonObject().put("period", "yesterday").put("include_comparison", true)
          .put("metrics", new JsonArray(List.of((Object[]) METRICS))).put("dimensions", new JsonArray().add(dimension));
      HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", readKey);
      assertEquals(200, r.statusCode(), request.encode() + " → " + r.body());
      for (Object o : new JsonObject(r.body()).getJsonArray("results")) {
        JsonObject row = (JsonObject) o;
        assertEquals(Set.copyOf(QueryOracle.METRICS), row.getJsonObject("comparison").fieldNames(), dimension);
        assertEquals(Set.copyOf(QueryOracle.METRICS), row.getJsonObject("change").fieldNames(), dimension);
      }
    }
  }

  @Test
  void eachSiteSeesOnlyItsOwnEvents() {
    ZoneId zone = ZoneId.of("America/New_York");
    LocalDate today = LocalDate.ofInstant(Instant.now(), zone);
    Instant start = today.minusDays(6).atStartOfDay(zone).toInstant();
    Instant end = today.plusDays(1).atStartOfDay(zone).toInstant();
    List<String> siteMetrics = QueryOracle.METRICS.stream().filter(m -> !m.startsWith("conversion")).toList();
    for (String dimension : java.util.Arrays.asList(null, "page", "utm_source", "date")) {
      JsonObject request = lastWeek(today).put("timezone", "America/New_York").put("limit", 10_000)
          .put("metrics", new JsonArray(new ArrayList<Object>(siteMetrics)));
      if (dimension != null) {
        request.put("dimensions", new JsonArray().add(dimension));
      }
      HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", otherKey);
      assertEquals(200, r.statusCode(), r.body());
      Map<Object, Map<String, Object>> want = new LinkedHashMap<>();
      other.expected(start, end, zone, dimension, List.of()).forEach((k, v) -> {
        Map<String, Object> only = new LinkedHashMap<>();
        siteMetrics.forEach(m -> only.put(m, v.get(m)));
        want.put(k, only);
      });
      Map<Object, Map<String, Object>> got = new LinkedHashMap<>();
      Object results = new JsonObject(r.body()).getValue("results");
      if (results instanceof JsonObject totals) {
        got.put("total", normalise(totals.getMap()));
      } else {
        for (Object o : (JsonArray) results) {
          Map<String, Object> row = new LinkedHashMap<>(((JsonObject) o).getMap());
          got.put(row.remove(dimension), normalise(row));
        }
      }
      assertEquals(want, got, request.encode());
    }
    assertTrue(!other.events.equals(oracle.events));
  }

  @Test
  void ordersByTheFirstMetricDescendingAndPages() {
    JsonObject request = new JsonObject().put("period", "7d").put("metrics", new JsonArray().add("pageviews").add("visitors"))
        .put("dimensions", new JsonArray().add("page"));
    List<Object> all = new ArrayList<>();
    HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", readKey);
    JsonArray rows = new JsonObject(r.body()).getJsonArray("results");
    for (int i = 1; i < rows.size(); i++) {
      long before = rows.getJsonObject(i - 1).getLong("pageviews");
      long after = rows.getJsonObject(i).getLong("pageviews");
      assertTrue(before > after || before == after && rows.getJsonObject(i - 1).getString("page").compareTo(rows.getJsonObject(i).getString("page")) < 0,
          rows.encode());
      all.add(rows.getJsonObject(i).getString("page"));
    }
    JsonArray second = new JsonObject(server.send("POST", "/api/query", request.copy().put("limit", 2).put("offset", 1).encode(),
        "x-api-key", readKey).body()).getJsonArray("results");
    assertEquals(2, second.size());
    assertEquals(rows.getJsonObject(1), second.getJsonObject(0));
    assertEquals(rows.getJsonObject(2), second.getJsonObject(1));
  }

  @Test
  void answersEveryInvalidRequestWith400InClickportsShape() {
    for (String body : List.of("{\"metrics\":[\"revenue_per_click\"]}", "{\"dimensions\":[\"shoe_size\"]}", "{\"period\":\"3w\"}",
        "{\"timezone\":\"Mars/Base\"}", "{\"date_range\":{\"start\":\"2026-02-30\",\"end\":\"2026-03-01\"}}",
        "{\"date_range\":{\"start\":\"2026-03-02\",\"end\":\"2026-03-01\"}}", "{\"date_range\":{\"start\":\"2000-01-01\",\"end\":\"2026-01-01\"}}",
        "{\"filters\":[{\"dimension\":\"country\",\"operator\":\"like\",\"value\":\"DE\"}]}",
        "{\"filters\":[{\"dimension\":\"country\",\"operator\":\"is\",\"value\":42}]}", "{\"filters\":\"country=DE\"}",
        "{\"metrics\":[\"visitors\"],\"order_by\":\"pageviews\"}", "{\"order_dir\":\"up\"}", "{\"limit\":0}", "{\"limit\":\"ten\"}",
        "{\"dimensions\":[\"hour\"],\"period\":\"90d\"}", "{\"dimensions\":[\"page\",\"country\"]}", "{\"include_comparison\":\"yes\"}",
        "{\"metrics\":\"visitors\"}", "not json", "[]")) {
      HttpResponse<String> r = server.send("POST", "/api/query", body, "x-api-key", readKey);
      assertEquals(400, r.statusCode(), body + " → " + r.body());
      assertEquals("Bad Request", new JsonObject(r.body()).getString("error"), body);
    }
    assertEquals(401, server.send("POST", "/api/query", "{}").statusCode());
    String ingestOnly = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"w\",\"scopes\":[\"ingest\"]}",
        "x-api-key", server.adminKey()).body()).getString("key");
    assertEquals(403, server.send("POST", "/api/query", "{}", "x-api-key", ingestOnly).statusCode());
  }
}
