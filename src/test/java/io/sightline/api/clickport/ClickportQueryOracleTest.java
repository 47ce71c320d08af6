package io.sightline.api.clickport;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
class ClickportQueryOracleTest {
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final String[] PAGES = {"/", "/pricing", "/blog", "/blog/post-1", "/docs", "/about"};
  static final String[] SOURCES = {null, "newsletter", "partner"};
  static final String[] METRICS = {"visitors", "sessions", "pageviews", "events", "views_per_visit", "bounce_rate", "avg_duration",
      "avg_scroll", "clickers", "engagement"};

  record Ev(String visitor, int session, Instant ts, String type, String name, String path, boolean interactive, String source,
            String device, int scroll) {
  }

  record Session(String visitor, int index, List<Ev> events) {
  }

  static RunningServer server;
  static String readKey; // a read key with its own high limit: the matrix sends hundreds of queries
  static final List<Ev> EVENTS = new ArrayList<>();
  static Instant now;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start();
    readKey = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"oracle\",\"scopes\":[\"read\"],"
        + "\"rate_limit_per_minute\":100000}", "x-api-key", server.adminKey()).body()).getString("key");
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Random random = new Random(20261123);
    for (int v = 0; v < 40; v++) {
      String visitor = "v" + v;
      boolean mobile = random.nextInt(3) == 0;
      Instant t = now.minus(Duration.ofHours(6 * 24 - 2)).plusSeconds(random.nextInt(3600 * 24));
      int sessions = 1 + random.nextInt(4);
      for (int s = 0; s < sessions; s++) {
        String source = SOURCES[random.nextInt(SOURCES.length)];
        int events = 1 + random.nextInt(6);
        for (int e = 0; e < events; e++) {
          int kind = e == 0 ? 0 : random.nextInt(10);
          String type = kind < 6 ? "pageview" : kind == 6 ? "click" : kind == 7 ? "engagement" : "custom";
          boolean interactive = !(kind == 9); // kind 9: a non-interactive custom event
          String path = PAGES[random.nextInt(PAGES.length)];
          if (t.isAfter(now.minusSeconds(60))) {
            break;
          }
          EVENTS.add(new Ev(visitor, s, t, type, type.equals("custom") ? (interactive ? "Signup" : "Autoplay") : type, path,
              interactive, source, mobile ? "mobile" : "desktop", random.nextInt(101)));
          t = t.plusSeconds(60 + random.nextInt(9 * 60));
        }
        t = t.plus(Duration.ofMinutes(31 + random.nextInt(24 * 60)));
      }
    }
    // one batch per visitor, in time order, as a server-side sender would backfill
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    Map<String, String> uas = new HashMap<>();
    for (Ev e : EVENTS) {
      JsonObject body = new JsonObject().put("type", e.type()).put("url", "https://localhost" + e.path()
              + (isFirstOfSession(e) && e.source() != null ? "?utm_source=" + e.source() : ""))
          .put("timestamp", e.ts().toString()).put("visitor_id", e.visitor()).put("interactive", e.interactive());
      if (e.type().equals("custom")) {
        body.put("name", e.name());
      }
      if (e.type().equals("engagement")) {
        body.put("scroll_depth", e.scroll());
      }
      batches.computeIfAbsent(e.visitor(), k -> new JsonArray()).add(body);
      uas.put(e.visitor(), e.device().equals("mobile") ? MOBILE : DESKTOP);
    }
    for (Map.Entry<String, JsonArray> b : batches.entrySet()) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.getValue().encode(), "x-api-key", server.siteKey(),
          "User-Agent", uas.get(b.getKey()), "X-Forwarded-For", "198.18.0." + (b.getKey().hashCode() & 0x7f));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(b.getValue().size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static boolean isFirstOfSession(Ev e) {
    for (Ev other : EVENTS) {
      if (other.visitor().equals(e.visitor()) && other.session() == e.session()) {
        return other == e;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- the oracle

  record Filter(String dimension, String operator, List<String> values) {
    JsonObject json() {
      return new JsonObject().put("dimension", dimension).put("operator", operator)
          .put("value", values.size() == 1 ? values.get(0) : new JsonArray(new ArrayList<Object>(values)));
    }
  }

  static boolean matches(String operator, String value, List<String> values) {
    boolean any = false;
    for (String v : values) {
      if (value == null) {
        continue;
      }
      any |= switch (operator) {
        case "is", "is_not" -> value.equals(v);
        case "contains", "not_contains" -> value.toLowerCase(Locale.ROOT).contains(v.toLowerCase(Locale.ROOT));
        case "starts_with" -> value.startsWith(v);
        case "ends_with" -> value.endsWith(v);
        default -> throw new IllegalArgumentException(operator);
      };
    }
    return operator.equals("is_not") || operator.equals("not_contains") ? !any : any;
  }

  /** Per-session facts within the range. */
  record InRange(Session session, List<Ev> events, int pageviews, boolean interactive, boolean clicked, String entry, String exit,
                 Instant first, Instant last) {
    boolean bounce() {
      return pageviews == 1 && !interactive;
    }

    long duration() {
      return bounce() ? 0 : Duration.between(first, last).getSeconds();
    }

    String attribute(String dimension) {
      Ev any = session.events().get(0);
      return switch (dimension) {
        case "utm_source", "source" -> any.source();
        case "device" -> any.device();
        case "entry_page" -> entry;
        case "exit_page" -> exit;
        default -> throw new IllegalArgumentException(dimension);
      };
    }
  }

  /** The deepest scroll reported in range for each pageview (by the engagement beacons after it in its session). */
  static Map<Ev, Integer> scrolls(Instant start, Instant end) {
    Map<Ev, Integer> out = new java.util.IdentityHashMap<>();
    Ev current = null;
    for (Ev e : EVENTS) {
      if (current != null && (!current.visitor().equals(e.visitor()) || current.session() != e.session())) {
        current = null;
      }
      if (e.type().equals("pageview")) {
        current = e;
      } else if (e.type().equals("engagement") && current != null && !e.ts().isBefore(start) && e.ts().isBefore(end)) {
        out.merge(current, e.scroll(), Math::max);
      }
    }
    return out;
  }

  static Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    SCROLLS = scrolls(start, end);
    Map<String, List<Ev>> bySession = new LinkedHashMap<>();
    Map<String, Session> sessions = new HashMap<>();
    for (Ev e : EVENTS) {
      String key = e.visitor() + "#" + e.session();
      sessions.computeIfAbsent(key, k -> new Session(e.visitor(), e.session(), new ArrayList<>())).events().add(e);
      if (!e.ts().isBefore(start) && e.ts().isBefore(end)) {
        bySession.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      }
    }
    List<InRange> selected = new ArrayList<>();
    List<Ev> counted = new ArrayList<>();
    List<Filter> pageFilters = filters.stream().filter(f -> f.dimension().equals("page")).toList();
    for (Map.Entry<String, List<Ev>> entry : bySession.entrySet()) {
      List<Ev> evs = entry.getValue();
      List<Ev> pvs = evs.stream().filter(e -> e.type().equals("pageview")).toList();
      InRange s = new InRange(sessions.get(entry.getKey()), evs, pvs.size(),
          evs.stream().anyMatch(e -> e.interactive() && List.of("custom", "click").contains(e.type())),
          evs.stream().anyMatch(e -> e.type().equals("click")), pvs.isEmpty() ? null : pvs.get(0).path(),
          pvs.isEmpty() ? null : pvs.get(pvs.size() - 1).path(), evs.get(0).ts(), evs.get(evs.size() - 1).ts());
      boolean keep = true;
      for (Filter f : filters) {
        if (!f.dimension().equals("page")) {
          keep &= matches(f.operator(), s.attribute(f.dimension()), f.values());
        }
      }
      if (!pageFilters.isEmpty()) {
        keep &= pvs.stream().anyMatch(p -> pageFilters.stream().allMatch(f -> matches(f.operator(), p.path(), f.values())));
      }
      if (keep) {
        selected.add(s);
        for (Ev e : evs) {
          if (pageFilters.stream().allMatch(f -> matches(f.operator(), e.path(), f.values()))) {
            counted.add(e);
          }
        }
      }
    }
    Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
    if (dimension == null) {
      rows.put("total", metrics(selected, counted));
    } else if (dimension.equals("page")) {
      Map<String, List<Ev>> byPath = new LinkedHashMap<>();
      counted.stream().filter(e -> e.type().equals("pageview")).forEach(e -> byPath.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(e));
      for (Map.Entry<String, List<Ev>> p : byPath.entrySet()) {
        Set<String> viewed = new HashSet<>();
        p.getValue().forEach(e -> viewed.add(e.visitor() + "#" + e.session()));
        List<InRange> ss = selected.stream().filter(s -> viewed.contains(s.session().visitor() + "#" + s.session().index())).toList();
        Map<String, Object> m = metrics(ss, counted.stream().filter(e -> e.path().equals(p.getKey())).toList());
        m.put("visitors", (long) p.getValue().stream().map(Ev::visitor).distinct().count());
        rows.put(p.getKey(), m);
      }
    } else if (List.of("date", "hour").contains(dimension)) {
      DateTimeFormatter fmt = DateTimeFormatter.ofPattern(dimension.equals("date") ? "yyyy-MM-dd" : "yyyy-MM-dd HH:00");
      ChronoUnit unit = dimension.equals("date") ? ChronoUnit.DAYS : ChronoUnit.HOURS;
      Function<Instant, String> bucket = t -> fmt.format(LocalDateTime.ofInstant(t, zone).truncatedTo(unit));
      for (LocalDateTime b = LocalDateTime.ofInstant(start, zone).truncatedTo(unit); b.atZone(zone).toInstant().isBefore(end); b = b.plus(1, unit)) {
        String label = fmt.format(b);
        List<InRange> ss = selected.stream().filter(s -> bucket.apply(s.first()).equals(label)).toList();
        List<Ev> es = counted.stream().filter(e -> bucket.apply(e.ts()).equals(label)).toList();
        Map<String, Object> m = metrics(ss, es);
        m.put("visitors", (long) es.stream().map(Ev::visitor).distinct().count());
        rows.put(label, m);
      }
    } else {
      Map<String, List<InRange>> groups = new LinkedHashMap<>();
      selected.forEach(s -> groups.computeIfAbsent(s.attribute(dimension), k -> new ArrayList<>()).add(s));
      for (Map.Entry<String, List<InRange>> g : groups.entrySet()) {
        Set<String> keys = new HashSet<>();
        g.getValue().forEach(s -> keys.add(s.session().visitor() + "#" + s.session().index()));
        rows.put(g.getKey(), metrics(g.getValue(), counted.stream().filter(e -> keys.contains(e.visitor() + "#" + e.session())).toList()));
      }
    }
    return rows;
  }

  static Map<Ev, Integer> SCROLLS = Map.of();

  static Map<String, Object> metrics(List<InRange> sessions, List<Ev> counted) {
    Map<String, Object> m = new LinkedHashMap<>();
    long n = sessions.size();
    m.put("visitors", (long) sessions.stream().map(s -> s.session().visitor()).distinct().count());
    m.put("sessions", n);
    m.put("pageviews", counted.stream().filter(e -> e.type().equals("pageview")).count());
    m.put("events", counted.stream().filter(e -> !e.type().equals("engagement")).count());
    long pv = sessions.stream().mapToLong(InRange::pageviews).sum();
    m.put("views_per_visit", n == 0 ? 0.0 : BigDecimal.valueOf(pv).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue());
    m.put("bounce_rate", n == 0 ? 0L : Math.round(100.0 * sessions.stream().filter(InRange::bounce).count() / n));
    m.put("avg_duration", n == 0 ? 0L : Math.round((double) sessions.stream().mapToLong(InRange::duration).sum() / n));
    List<Integer> sd = counted.stream().filter(e -> e.type().equals("pageview") && SCROLLS.containsKey(e)).map(SCROLLS::get).toList();
    Long avgScroll = sd.isEmpty() ? null : Math.round(sd.stream().mapToInt(Integer::intValue).average().orElse(0));
    m.put("avg_scroll", avgScroll);
    m.put("clickers", sessions.stream().filter(InRange::clicked).count());
    long avgDuration = (Long) m.get("avg_duration");
    m.put("engagement", n == 0 ? 0L : Math.round((avgScroll == null ? 0 : avgScroll / 2.0) + 50.0 * Math.min(avgDuration / 180.0, 1.0)));
    return m;
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

  private static Map<String, Object> normalise(Map<String, Object> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    row.forEach((k, v) -> {
      Object n = v == null ? null : k.equals("views_per_visit") ? (Object) ((Number) v).doubleValue() : (Object) ((Number) v).longValue();
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
      ranges.add(new Range(new JsonObject().put("period", "7d").put("timezone", tz), today.minusDays(6).atStartOfDay(zone).toInstant(),
          today.plusDays(1).atStartOfDay(zone).toInstant(), zone));
    }
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate from = LocalDate.ofInstant(now, berlin).minusDays(4);
    ranges.add(new Range(new JsonObject().put("date_range", new JsonObject().put("start", from.toString()).put("end", from.plusDays(3).toString()))
        .put("timezone", "Europe/Berlin"), from.atStartOfDay(berlin).toInstant(), from.plusDays(3).atStartOfDay(berlin).toInstant(), berlin));

    List<List<Filter>> filterSets = List.of(
        List.of(),
        List.of(new Filter("utm_source", "is", List.of("newsletter"))),
        List.of(new Filter("page", "is", List.of("/pricing"))),
        List.of(new Filter("page", "contains", List.of("PRIC", "about"))),
        List.of(new Filter("utm_source", "is_not", List.of("newsletter", "partner"))),
        List.of(new Filter("entry_page", "starts_with", List.of("/b")), new Filter("device", "is", List.of("desktop"))),
        List.of(new Filter("page", "ends_with", List.of("-1")), new Filter("utm_source", "not_contains", List.of("NEWS"))));
    List<String> dimensions = new ArrayList<>(java.util.Arrays.asList(null, "utm_source", "device", "page", "entry_page", "exit_page", "date"));
    // all metrics (the per-session plan), and event-level metrics only (the one-pass plan where it applies)
    List<List<String>> metricSets = List.of(List.of(METRICS), List.of("visitors", "pageviews", "events", "sessions"),
        List.of("visitors", "pageviews"));
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
            Map<Object, Map<String, Object>> expected = new LinkedHashMap<>();
            expected(range.start(), range.end(), range.zone(), dimension, filters).forEach((k, v) -> {
              Map<String, Object> only = new LinkedHashMap<>();
              metrics.forEach(m -> only.put(m, v.get(m)));
              expected.put(k, only);
            });
            assertEquals(expected, actual(request, dimension), request.encode());
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
    assertTrue(EVENTS.size() > 100, "events " + EVENTS.size());
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
          .forEach((source, metrics) -> expected.put(java.util.Arrays.asList(source, device), metrics));
    }
    JsonObject request = new JsonObject().put("period", "7d").put("metrics", new JsonArray(List.of((Object[]) METRICS)))
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
        "{\"dimensions\":[\"hour\"],\"period\":\"90d\"}", "{\"dimensions\":[\"page\",\"country\"]}", "{\"include_comparison\":true}",
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
