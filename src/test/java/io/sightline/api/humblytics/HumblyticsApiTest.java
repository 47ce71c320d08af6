package io.sightline.api.humblytics;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Humblytics API against a seeded event set ingested through the real endpoint: every endpoint's
 * numbers are computed here, in plain Java, from the events sent (following docs/api.md's
 * definitions), and compared exactly; then the error cases and the seed's request examples.
 */
@Tag("integration")
class HumblyticsApiTest {
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final String TABLET = "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static final String[] PAGES = {"/", "/pricing", "/blog", "/contact"};
  static final String[] CLICK_LABELS = {"Buy", "Docs link", "Buy", null};
  static final String[] FORM_LABELS = {"contact", "newsletter"};
  static final String[] COUNTRIES = {"US", "DE", "FR", null};
  static final String[][] UTMS = {{null, null, null}, {"newsletter", "email", "spring"}, {"google", "cpc", "sale"}};
  static final String[] REFERRERS = {null, "https://www.google.com/", "https://news.ycombinator.com/item"};
  static final DateTimeFormatter BUCKET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  static final DateTimeFormatter META = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneId.of("UTC"));

  /** One event sent; session attributes (device, country, UTMs, referrer) are those of its session. */
  /** The secondary label sent with a target: an href for a click, an action for a form. */
  static String secondary(String type, String label) {
    return type.equals("click") ? "/go/" + label.toLowerCase(java.util.Locale.ROOT) : "#" + label;
  }

  record Ev(String visitor, int session, Instant ts, String type, String path, String label, String name, int scroll, String device,
            String country, String[] utm, String referrer) {
    String key() {
      return visitor + "#" + session;
    }
  }

  static RunningServer server;
  static String key;
  static String property;
  static Instant now;
  static final List<Ev> events = new ArrayList<>();

  @BeforeAll
  static void ingest() {
    server = RunningServer.start("ingest.cdnCountryHeader", "CF-IPCountry");
    key = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"h\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":100000}",
        "x-api-key", server.adminKey()).body()).getString("key");
    property = "1";
    assertEquals(201, server.send("POST", "/admin/v1/sites/1/goals", "{\"name\":\"Buy click\",\"type\":\"click\",\"match\":\"Buy\"}",
        "x-api-key", server.adminKey()).statusCode());
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    generate(new Random(20261124));
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    Map<String, Ev> firstOfVisitor = new HashMap<>();
    Set<String> sessionsSeen = new HashSet<>();
    for (Ev e : events) {
      boolean first = sessionsSeen.add(e.key());
      String query = first && e.utm()[0] != null ? "?utm_source=" + e.utm()[0] + "&utm_medium=" + e.utm()[1] + "&utm_campaign=" + e.utm()[2] : "";
      JsonObject body = new JsonObject().put("type", e.type()).put("url", "https://localhost" + e.path() + query)
          .put("timestamp", e.ts().toString()).put("visitor_id", e.visitor());
      if (first && e.referrer() != null) {
        body.put("referrer", e.referrer());
      }
      if (e.type().equals("custom")) {
        body.put("name", e.name());
      }
      if (e.type().equals("engagement")) {
        body.put("scroll_depth", e.scroll());
      }
      if (e.label() != null) {
        body.put("target_label", e.label()).put("target_secondary", secondary(e.type(), e.label()));
      }
      batches.computeIfAbsent(e.visitor(), k -> new JsonArray()).add(body);
      firstOfVisitor.putIfAbsent(e.visitor(), e);
    }
    for (Map.Entry<String, JsonArray> b : batches.entrySet()) {
      Ev v = firstOfVisitor.get(b.getKey());
      List<String> headers = new ArrayList<>(List.of("x-api-key", server.siteKey(), "User-Agent",
          v.device().equals("desktop") ? DESKTOP : v.device().equals("phone") ? PHONE : TABLET,
          "X-Forwarded-For", "198.18.1." + (b.getKey().hashCode() & 0x7f)));
      if (v.country() != null) {
        headers.addAll(List.of("CF-IPCountry", v.country()));
      }
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.getValue().encode(), headers.toArray(String[]::new));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(b.getValue().size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
  }

  /** 24 visitors over the 6 days up to 2 hours ago, 1-3 sessions each; and 4 visitors in the last 20 minutes (realtime). */
  static void generate(Random random) {
    Instant last = now.minus(Duration.ofHours(2));
    for (int v = 0; v < 24; v++) {
      String device = v % 3 == 0 ? "desktop" : v % 3 == 1 ? "phone" : "tablet";
      String country = COUNTRIES[v % 4];
      Instant t = now.minus(Duration.ofDays(6)).plusSeconds(3600 + random.nextInt(3600 * 24 * 2));
      int sessions = 1 + random.nextInt(3);
      for (int s = 0; s < sessions && t.isBefore(last); s++) {
        String[] utm = UTMS[random.nextInt(UTMS.length)];
        String referrer = REFERRERS[random.nextInt(REFERRERS.length)];
        String page = PAGES[random.nextInt(PAGES.length)];
        int count = 1 + random.nextInt(7);
        for (int i = 0; i < count && t.isBefore(last); i++) {
          int kind = i == 0 ? 0 : random.nextInt(10);
          String type = kind < 4 ? "pageview" : kind < 6 ? "click" : kind == 6 ? "form" : kind == 7 ? "custom" : "engagement";
          if (type.equals("pageview") && i > 0) {
            page = PAGES[random.nextInt(PAGES.length)];
          }
          String label = type.equals("click") ? CLICK_LABELS[random.nextInt(CLICK_LABELS.length)]
              : type.equals("form") ? FORM_LABELS[random.nextInt(FORM_LABELS.length)] : null;
          String name = type.equals("custom") ? "Signup" : type;
          events.add(new Ev("v" + v, s, t, type, page, label, name, random.nextInt(101), device, country, utm, referrer));
          t = t.plusSeconds(30 + random.nextInt(300));
        }
        t = t.plus(Duration.ofMinutes(40 + random.nextInt(20 * 60)));
      }
    }
    for (int v = 0; v < 4; v++) {
      Instant t = v < 3 ? now.minusSeconds(150 - 20L * v) : now.minus(Duration.ofMinutes(20));
      events.add(new Ev("rt" + v, 0, t, "pageview", "/", null, "pageview", 0, "desktop", "US", UTMS[0], null));
      events.add(new Ev("rt" + v, 0, t.plusSeconds(40), "pageview", v == 0 ? "/pricing" : "/blog", null, "pageview", 0, "desktop", "US",
          UTMS[0], null));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---------------------------------------------------------------- requests

  static JsonObject get(String path) {
    HttpResponse<String> r = server.get("/api/external/v1/properties/" + property + path, "Authorization", "Bearer " + key);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    return new JsonObject(r.body());
  }

  static JsonObject error(int status, String code, String path, String... headers) {
    HttpResponse<String> r = server.get(path, headers);
    assertEquals(status, r.statusCode(), path + " → " + r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(code, body.getString("error"), r.body());
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), r.body());
    assertEquals(Set.of("error", "message"), body.fieldNames(), r.body());
    return body;
  }

  static JsonObject invalid(String pathAndQuery) {
    return error(400, "invalid_request", "/api/external/v1/properties/" + property + pathAndQuery, "Authorization", "Bearer " + key);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- the oracle

  /** A request's range as the oracle sees it: [start, end), the zone, the last bucket's anchor and the query string. */
  record Range(String query, Instant start, Instant end, ZoneId zone, Instant lastAnchor, String metaStart, String metaEnd) {
    boolean in(Ev e) {
      return !e.ts().isBefore(start) && e.ts().isBefore(end);
    }

    List<Ev> events() {
      return HumblyticsApiTest.events.stream().filter(this::in).toList();
    }
  }

  static Range dates(LocalDate start, LocalDate end, String tz) {
    ZoneId zone = ZoneId.of(tz);
    Instant s = start.atStartOfDay(zone).toInstant();
    Instant e = end.atStartOfDay(zone).toInstant();
    return new Range("start=" + start + "&end=" + end + "&timezone=" + enc(tz), s, e, zone, e, META.format(s), META.format(e.minusSeconds(1)));
  }

  static Range timestamps(Instant start, Instant endInclusive, String tz) {
    return new Range("start=" + start + "&end=" + endInclusive + "&timezone=" + enc(tz), start, endInclusive.plusMillis(1), ZoneId.of(tz),
        endInclusive, META.format(start), META.format(endInclusive));
  }

  static List<Range> ranges() {
    LocalDate today = LocalDate.ofInstant(now, ZoneId.of("UTC"));
    LocalDate nyToday = LocalDate.ofInstant(now, ZoneId.of("America/New_York"));
    return List.of(dates(today.minusDays(7), today.plusDays(1), "UTC"),
        dates(nyToday.minusDays(5), nyToday.minusDays(2), "America/New_York"),
        timestamps(now.minus(Duration.ofDays(4)).plusSeconds(1234), now.minus(Duration.ofHours(30)), "Asia/Kolkata"));
  }

  /** A session with all its events (its whole-session facts, as the writer keeps them in its row). */
  record Session(String key, Ev first, List<Ev> events) {
    List<Ev> pageviews() {
      return events.stream().filter(e -> e.type().equals("pageview")).toList();
    }

    String entry() {
      return pageviews().isEmpty() ? null : pageviews().get(0).path();
    }

    String exit() {
      return pageviews().isEmpty() ? null : pageviews().get(pageviews().size() - 1).path();
    }

    boolean bounce() {
      return pageviews().size() == 1 && events.stream().noneMatch(e -> List.of("click", "form", "custom").contains(e.type()));
    }

    long duration() {
      return bounce() ? 0 : Duration.between(events.get(0).ts(), events.get(events.size() - 1).ts()).getSeconds();
    }

    Instant start() {
      return events.get(0).ts();
    }
  }

  /** The sessions in scope of a range: those that started in it (a session counts where it starts, with its whole values). */
  static List<Session> sessions(Range r) {
    Map<String, List<Ev>> by = new LinkedHashMap<>();
    events.forEach(e -> by.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e));
    List<Session> out = new ArrayList<>();
    by.forEach((k, evs) -> {
      if (r.in(evs.get(0))) {
        out.add(new Session(k, evs.get(0), evs));
      }
    });
    return out;
  }

  static Map<String, Session> sessionsByKey(Range r) {
    return sessions(r).stream().collect(Collectors.toMap(Session::key, s -> s));
  }

  static String unknown(String s) {
    return s == null ? "unknown" : s;
  }

  static String deviceClass(String device) {
    return device.equals("desktop") ? "desktop" : "mobile";
  }

  static double share(long part, long total) {
    return total == 0 ? 0 : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(total), 3, RoundingMode.HALF_UP).doubleValue();
  }

  static <T> Map<String, List<T>> group(List<T> items, Function<T, String> by) {
    Map<String, List<T>> out = new LinkedHashMap<>();
    items.forEach(i -> out.computeIfAbsent(unknown(by.apply(i)), k -> new ArrayList<>()).add(i));
    return out;
  }

  /** The sessions in scope (of {@code inScope}) that have one of these events. */
  static long distinctSessions(List<Ev> evs, Map<String, Session> inScope) {
    return evs.stream().map(Ev::key).filter(inScope::containsKey).distinct().count();
  }

  /** Local bucket starts from the start's bucket to the anchor's, as the API enumerates them. */
  static List<LocalDateTime> buckets(Range r, String granularity) {
    Function<LocalDateTime, LocalDateTime> trunc = t -> switch (granularity) {
      case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
      case "day" -> t.truncatedTo(ChronoUnit.DAYS);
      case "week" -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
      default -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
    };
    List<LocalDateTime> out = new ArrayList<>();
    LocalDateTime last = trunc.apply(LocalDateTime.ofInstant(r.lastAnchor(), r.zone()));
    for (LocalDateTime b = trunc.apply(LocalDateTime.ofInstant(r.start(), r.zone())); !b.isAfter(last); ) {
      out.add(b);
      b = switch (granularity) {
        case "hour" -> b.plusHours(1);
        case "day" -> b.plusDays(1);
        case "week" -> b.plusWeeks(1);
        default -> b.plusMonths(1);
      };
    }
    return out;
  }

  static Function<Instant, LocalDateTime> bucketOf(Range r, String granularity, List<LocalDateTime> buckets) {
    return t -> {
      LocalDateTime local = LocalDateTime.ofInstant(t, r.zone());
      LocalDateTime found = null;
      for (LocalDateTime b : buckets) {
        if (!b.isAfter(local)) {
          found = b;
        }
      }
      return found;
    };
  }

  /**
   * Checks a top-N list: as many rows as expected (up to the limit), every row equal to its expected
   * row (nested lists compared by {@code nested}), ordered by {@code orderField} descending, and no
   * row left out that should have been in.
   */
  static void assertTop(String what, Map<String, JsonObject> expected, JsonArray actual, String keyField, String orderField, int limit,
                        java.util.function.BiConsumer<JsonObject, JsonObject> nested) {
    assertEquals(Math.min(limit, expected.size()), actual.size(), what + ": " + actual.encode() + " expected " + expected);
    long previous = Long.MAX_VALUE;
    Set<String> seen = new HashSet<>();
    for (Object o : actual) {
      JsonObject row = ((JsonObject) o).copy();
      String k = row.getString(keyField);
      JsonObject want = expected.get(k);
      assertNotNull(want, what + ": unexpected row " + row.encode());
      if (want.size() == row.size()) { // (otherwise nested checks the fields itself)
        assertEquals(new ArrayList<>(want.fieldNames()), new ArrayList<>(row.fieldNames()), what + " fields of " + k);
      }
      if (nested != null) {
        nested.accept(want.copy(), row.copy());
      } else {
        assertEquals(want, row, what + " row " + k);
      }
      long v = row.getLong(orderField);
      assertTrue(v <= previous, what + " order at " + k);
      previous = v;
      seen.add(k);
    }
    for (Map.Entry<String, JsonObject> e : expected.entrySet()) {
      if (!seen.contains(e.getKey())) {
        assertTrue(e.getValue().getLong(orderField) <= previous, what + ": left out " + e.getKey());
      }
    }
  }

  static JsonArray expectedTrend(Range r, String granularity, List<Ev> counted, Function<Instant, Long> unused,
                                 String countName, String uniqueName, Function<LocalDateTime, Long> unique) {
    List<LocalDateTime> buckets = buckets(r, granularity);
    Function<Instant, LocalDateTime> of = bucketOf(r, granularity, buckets);
    JsonArray out = new JsonArray();
    for (LocalDateTime b : buckets) {
      out.add(new JsonObject().put("bucket_start", b.atZone(r.zone()).format(BUCKET))
          .put(countName, counted.stream().filter(e -> b.equals(of.apply(e.ts()))).count()).put(uniqueName, unique.apply(b)));
    }
    return out;
  }

  // ---------------------------------------------------------------- traffic

  @Test
  void trafficTrendsCountPageviewsAndVisitorsPerZeroFilledBucket() {
    int compared = 0;
    for (Range r : ranges()) {
      for (String g : List.of("hour", "day", "week", "month")) {
        List<LocalDateTime> buckets = buckets(r, g);
        if (buckets.size() > 500) {
          continue;
        }
        JsonObject body = get("/traffic/trends?" + r.query() + "&granularity=" + g);
        assertEquals(new JsonObject().put("property_id", property).put("start", r.metaStart()).put("end", r.metaEnd()).put("granularity", g)
            .put("timezone", r.zone().getId()).put("bucket_count", buckets.size()), body.getJsonObject("meta"));
        Function<Instant, LocalDateTime> of = bucketOf(r, g, buckets);
        List<Ev> evs = r.events();
        JsonArray expected = new JsonArray();
        for (LocalDateTime b : buckets) {
          List<Ev> in = evs.stream().filter(e -> b.equals(of.apply(e.ts()))).toList();
          expected.add(new JsonObject().put("bucket_start", b.atZone(r.zone()).format(BUCKET))
              .put("page_views", in.stream().filter(e -> e.type().equals("pageview")).count())
              .put("unique_visitors", in.stream().map(Ev::visitor).distinct().count()));
        }
        assertEquals(expected, body.getJsonObject("data").getJsonArray("buckets"), r.query() + " " + g);
        assertEquals(new JsonObject().put("page_views", evs.stream().filter(e -> e.type().equals("pageview")).count())
            .put("unique_visitors", evs.stream().map(Ev::visitor).distinct().count()), body.getJsonObject("data").getJsonObject("totals"));
        compared++;
      }
    }
    assertTrue(compared >= 10, "compared " + compared);
    // the default granularity is day
    Range r = ranges().get(0);
    assertEquals("day", get("/traffic/trends?" + r.query()).getJsonObject("meta").getString("granularity"));
  }

  @Test
  void trafficBreakdownGivesTheTopSegmentsWithTheirShareOfSessions() {
    for (Range r : ranges()) {
      List<Session> sessions = sessions(r);
      long total = sessions.size();
      for (int limit : List.of(50, 2)) {
        JsonObject body = get("/traffic/breakdown?" + r.query() + "&limit=" + limit);
        assertEquals(new JsonObject().put("property_id", property).put("start", r.metaStart()).put("end", r.metaEnd())
            .put("timezone", r.zone().getId()).put("limit", limit), body.getJsonObject("meta"));
        JsonObject data = body.getJsonObject("data");
        assertEquals(List.of("utm", "countries", "devices", "landing_pages", "referrers"), new ArrayList<>(data.fieldNames()));
        // sessions by the UTMs they started with in the range; pageviews of the range by their session's UTMs; a row where either is
        Map<String, List<Session>> byUtm = group(sessions, s -> utmKey(s.first()));
        Map<String, List<Ev>> eventsByUtm = group(r.events(), HumblyticsApiTest::utmKey);
        Map<String, JsonObject> utm = new LinkedHashMap<>();
        Set<String> utmKeys = new LinkedHashSet<>(byUtm.keySet());
        utmKeys.addAll(eventsByUtm.keySet());
        for (String k : utmKeys) {
          String[] parts = k.split("\\|");
          long n = byUtm.getOrDefault(k, List.of()).size();
          utm.put(k, new JsonObject().put("source", parts[0]).put("medium", parts[1]).put("campaign", parts[2]).put("sessions", n)
              .put("page_views", eventsByUtm.getOrDefault(k, List.of()).stream().filter(e -> e.type().equals("pageview")).count())
              .put("share", share(n, total)));
        }
        JsonArray utmRows = new JsonArray();
        data.getJsonArray("utm").forEach(o -> {
          JsonObject row = (JsonObject) o;
          utmRows.add(new JsonObject().put("key", row.getString("source") + "|" + row.getString("medium") + "|" + row.getString("campaign"))
              .mergeIn(row));
        });
        Map<String, JsonObject> utmKeyed = new LinkedHashMap<>();
        utm.forEach((k, v) -> utmKeyed.put(k, new JsonObject().put("key", k).mergeIn(v)));
        assertTop("utm", utmKeyed, utmRows, "key", "sessions", limit, null);
        assertTop("countries", sessionShares(sessions, s -> s.first().country(), "country", total), data.getJsonArray("countries"),
            "country", "sessions", limit, null);
        assertTop("devices", sessionShares(sessions, s -> deviceClass(s.first().device()), "device", total), data.getJsonArray("devices"),
            "device", "sessions", limit, null);
        assertTop("landing_pages", sessionShares(sessions, Session::entry, "page", total), data.getJsonArray("landing_pages"),
            "page", "sessions", limit, null);
        assertTop("referrers", sessionShares(sessions, s -> s.first().referrer(), "referrer", total), data.getJsonArray("referrers"),
            "referrer", "sessions", limit, null);
      }
    }
    // the data has every kind of value, unknown included
    JsonObject data = get("/traffic/breakdown?" + ranges().get(0).query() + "&limit=50").getJsonObject("data");
    assertEquals(Set.of("desktop", "mobile"), data.getJsonArray("devices").stream().map(o -> ((JsonObject) o).getString("device")).collect(Collectors.toSet()));
    assertTrue(data.getJsonArray("countries").stream().anyMatch(o -> ((JsonObject) o).getString("country").equals("unknown")));
    assertTrue(data.getJsonArray("referrers").stream().anyMatch(o -> ((JsonObject) o).getString("referrer").equals("https://news.ycombinator.com/item")));
    // the default limit is 10
    assertEquals(10, get("/traffic/breakdown?" + ranges().get(0).query()).getJsonObject("meta").getInteger("limit"));
  }

  static String utmKey(Ev e) {
    return String.join("|", Arrays.stream(e.utm()).map(HumblyticsApiTest::unknown).toList());
  }

  static Map<String, JsonObject> sessionShares(List<Session> sessions, Function<Session, String> by, String name, long total) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    group(sessions, by).forEach((k, ss) -> out.put(k, new JsonObject().put(name, k).put("sessions", (long) ss.size()).put("share", share(ss.size(), total))));
    return out;
  }

  @Test
  void trafficSummaryAndEntryExitPages() {
    for (Range r : ranges()) {
      List<Session> sessions = sessions(r);
      long n = sessions.size();
      long pv = sessions.stream().mapToLong(s -> s.pageviews().size()).sum(); // the sessions' whole pageviews
      JsonObject body = get("/traffic/summary?" + r.query());
      assertEquals(new JsonObject().put("property_id", property).put("start", r.metaStart()).put("end", r.metaEnd()).put("timezone", r.zone().getId()),
          body.getJsonObject("meta"));
      long bounces = sessions.stream().filter(Session::bounce).count();
      assertEquals(new JsonObject()
          .put("page_views", r.events().stream().filter(e -> e.type().equals("pageview")).count())
          .put("unique_visitors", r.events().stream().map(Ev::visitor).distinct().count())
          .put("sessions", n)
          .put("views_per_session", BigDecimal.valueOf(pv).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue())
          .put("bounce_rate", Math.round(100.0 * bounces / n) / 100.0)
          .put("avg_session_duration", Math.round((double) sessions.stream().mapToLong(Session::duration).sum() / n)), body.getJsonObject("data"));

      for (int limit : List.of(50, 1)) {
        JsonObject ee = get("/traffic/entry-exit-pages?" + r.query() + "&limit=" + limit);
        assertEquals(limit, ee.getJsonObject("meta").getInteger("limit"));
        assertTop("entry", sessionShares(sessions, Session::entry, "page", n), ee.getJsonObject("data").getJsonArray("entry_pages"), "page",
            "sessions", limit, null);
        assertTop("exit", sessionShares(sessions, Session::exit, "page", n), ee.getJsonObject("data").getJsonArray("exit_pages"), "page",
            "sessions", limit, null);
      }
    }
  }

  // ---------------------------------------------------------------- clicks and forms

  @Test
  void clicksAndFormsBreakdownsGroupByPageAndTargetWithTrends() {
    for (String kind : List.of("click", "form")) {
      String path = kind.equals("click") ? "/clicks/breakdown" : "/forms/breakdown";
      String count = kind.equals("click") ? "clicks" : "submissions";
      String unique = kind.equals("click") ? "unique_clicks" : "unique_submissions";
      String list = kind.equals("click") ? "targets" : "forms";
      for (Range r : ranges()) {
        for (String g : List.of("day", "hour")) {
          if (buckets(r, g).size() > 500) {
            continue;
          }
          int limit = g.equals("day") ? 50 : 2;
          JsonObject body = get(path + "?" + r.query() + "&granularity=" + g + "&limit=" + limit);
          assertEquals(new JsonObject().put("property_id", property).put("start", r.metaStart()).put("end", r.metaEnd()).put("granularity", g)
              .put("timezone", r.zone().getId()).put("bucket_count", buckets(r, g).size()).put("limit", limit), body.getJsonObject("meta"));
          List<Ev> of = r.events().stream().filter(e -> e.type().equals(kind)).toList();
          Map<String, Session> byKey = sessionsByKey(r);
          Map<String, JsonObject> pages = new LinkedHashMap<>();
          Map<String, Map<String, JsonObject>> targets = new HashMap<>();
          group(of, Ev::path).forEach((page, evs) -> {
            pages.put(page, new JsonObject().put("page", page).put(count, (long) evs.size()).put(unique, distinctSessions(evs, byKey)).put(list, new JsonArray()));
            Map<String, JsonObject> t = new LinkedHashMap<>();
            group(evs.stream().filter(e -> e.label() != null).toList(), Ev::label).forEach((label, tevs) ->
                t.put(label, new JsonObject().put("target", label).put(count, (long) tevs.size()).put(unique, distinctSessions(tevs, byKey))));
            targets.put(page, t);
          });
          int l = limit;
          assertTop(path + " pages", pages, body.getJsonObject("data").getJsonArray("pages"), "page", count, limit, (want, got) -> {
            JsonArray gotTargets = (JsonArray) got.remove(list);
            want.remove(list);
            assertEquals(want, got);
            assertTop(path + " targets of " + got.getString("page"), targets.get(got.getString("page")), gotTargets, "target", count, l, null);
          });
          List<LocalDateTime> buckets = buckets(r, g);
          Function<Instant, LocalDateTime> bucketOf = bucketOf(r, g, buckets);
          Set<String> withEvent = of.stream().map(Ev::key).collect(Collectors.toSet());
          JsonArray trend = expectedTrend(r, g, of, null, count, unique, b -> withEvent.stream()
              .filter(k -> byKey.containsKey(k) && b.equals(bucketOf.apply(byKey.get(k).start()))).count());
          assertEquals(trend, body.getJsonObject("data").getJsonArray("trend"), path + " trend " + r.query() + " " + g);
        }
      }
    }
  }

  @Test
  void clicksAndFormsDetailsCoverOnlyTheGivenPage() {
    for (String kind : List.of("click", "form")) {
      String path = kind.equals("click") ? "/clicks/details" : "/forms/details";
      String count = kind.equals("click") ? "clicks" : "submissions";
      String unique = kind.equals("click") ? "unique_clicks" : "unique_submissions";
      String list = kind.equals("click") ? "clicks" : "forms";
      for (Range r : ranges()) {
        Map<String, Session> byKey = sessionsByKey(r);
        for (String page : PAGES) {
          int limit = page.equals("/") ? 1 : 50;
          JsonObject body = get(path + "?" + r.query() + "&page=" + enc(page) + "&limit=" + limit);
          assertEquals(new JsonObject().put("property_id", property).put("page", page).put("start", r.metaStart()).put("end", r.metaEnd())
              .put("granularity", "day").put("timezone", r.zone().getId()).put("bucket_count", buckets(r, "day").size()).put("limit", limit),
              body.getJsonObject("meta"));
          List<Ev> on = r.events().stream().filter(e -> e.type().equals(kind) && e.path().equals(page)).toList();
          Map<String, JsonObject> expected = new LinkedHashMap<>();
          Map<String, JsonObject> utm = new HashMap<>();
          group(on.stream().filter(e -> e.label() != null).toList(), Ev::label).forEach((label, evs) -> {
            JsonObject row = new JsonObject().put("target", label).put("secondary", secondary(kind, label)).put(count, (long) evs.size())
                .put(unique, distinctSessions(evs, byKey));
            if (kind.equals("click")) {
              row.put("unique_sessions", distinctSessions(evs, byKey));
            }
            row.put("share", share(evs.size(), on.size()));
            if (kind.equals("click")) {
              row.put("utm_breakdown", new JsonArray());
              Map<String, JsonObject> u = new LinkedHashMap<>();
              group(evs, HumblyticsApiTest::utmKey)
                  .forEach((k, uevs) -> {
                    String[] p = k.split("\\|");
                    u.put(k, new JsonObject().put("key", k).put("utm_source", p[0]).put("utm_medium", p[1]).put("utm_campaign", p[2])
                        .put("clicks", (long) uevs.size()));
                  });
              utm.put(label, new JsonObject().put("rows", new JsonObject(new LinkedHashMap<>(u))));
            }
            expected.put(label, row);
          });
          assertTop(path + " " + page, expected, body.getJsonObject("data").getJsonArray(list), "target", count, limit, (want, got) -> {
            if (kind.equals("click")) {
              JsonArray gotUtm = (JsonArray) got.remove("utm_breakdown");
              want.remove("utm_breakdown");
              Map<String, JsonObject> u = new LinkedHashMap<>();
              utm.get(got.getString("target")).getJsonObject("rows").forEach(e -> u.put(e.getKey(), (JsonObject) e.getValue()));
              JsonArray keyed = new JsonArray();
              gotUtm.forEach(o -> {
                JsonObject x = (JsonObject) o;
                keyed.add(new JsonObject().put("key", x.getString("utm_source") + "|" + x.getString("utm_medium") + "|" + x.getString("utm_campaign"))
                    .mergeIn(x));
              });
              assertTop("utm of " + got.getString("target"), u, keyed, "key", "clicks", 50, null);
            }
            assertEquals(want, got);
          });
          List<LocalDateTime> buckets = buckets(r, "day");
          Function<Instant, LocalDateTime> bucketOf = bucketOf(r, "day", buckets);
          Set<String> withEvent = on.stream().map(Ev::key).collect(Collectors.toSet());
          assertEquals(expectedTrend(r, "day", on, null, count, unique, b -> withEvent.stream()
              .filter(k -> byKey.containsKey(k) && b.equals(bucketOf.apply(byKey.get(k).start()))).count()), body.getJsonObject("data").getJsonArray("trend"));
        }
      }
    }
    // a page nobody clicked on, and text that looks like SQL: empty, not an error
    JsonObject none = get("/clicks/details?" + ranges().get(0).query() + "&page=" + enc("/nothing' or 1=1 --"));
    assertEquals(0, none.getJsonObject("data").getJsonArray("clicks").size());
    assertTrue(none.getJsonObject("data").getJsonArray("trend").stream().allMatch(o -> ((JsonObject) o).getLong("clicks") == 0));
  }

  // ---------------------------------------------------------------- pages

  @Test
  void pagesBreakdownAndDetails() {
    for (Range r : ranges()) {
      List<Ev> evs = r.events();
      Map<String, JsonObject> engine = new HashMap<>();
      // scroll, bounce and time on page are the engine's page metrics (checked by the Clickport oracle): read through /api/query
      JsonObject query = new JsonObject().put("date_range", new JsonObject().put("start", LocalDateTime.ofInstant(r.start(), r.zone()).toLocalDate().toString())
          .put("end", "x")).put("dimensions", new JsonArray().add("page")).put("metrics", new JsonArray().add("avg_scroll").add("bounce_rate").add("time_on_page"));
      boolean viaQuery = !r.query().split("&")[0].contains("T"); // date ranges only: /api/query takes dates
      if (viaQuery) {
        query.getJsonObject("date_range").put("end", LocalDateTime.ofInstant(r.end(), r.zone()).toLocalDate().toString());
        query.put("timezone", r.zone().getId());
        new JsonObject(server.send("POST", "/api/query", query.encode(), "x-api-key", key).body()).getJsonArray("results")
            .forEach(o -> engine.put(((JsonObject) o).getString("page"), (JsonObject) o));
      }
      Map<String, JsonObject> expected = new LinkedHashMap<>();
      group(evs.stream().filter(e -> e.type().equals("pageview")).toList(), Ev::path).forEach((page, pvs) -> {
        JsonObject row = new JsonObject().put("page", page).put("page_views", (long) pvs.size())
            .put("unique_visitors", pvs.stream().map(Ev::visitor).distinct().count());
        expected.put(page, row);
      });
      JsonObject body = get("/pages/breakdown?" + r.query() + "&limit=50");
      assertTop("pages", expected, body.getJsonObject("data").getJsonArray("pages"), "page", "page_views", 50, (want, got) -> {
        assertEquals(List.of("page", "page_views", "unique_visitors", "avg_scroll_depth", "bounce_rate", "avg_time_on_page"), new ArrayList<>(got.fieldNames()));
        assertEquals(want.getLong("page_views"), got.getLong("page_views"));
        assertEquals(want.getLong("unique_visitors"), got.getLong("unique_visitors"));
        if (viaQuery) {
          JsonObject e = engine.get(got.getString("page"));
          assertEquals(e.getValue("avg_scroll") == null ? null : ((Number) e.getValue("avg_scroll")).longValue(),
              got.getValue("avg_scroll_depth") == null ? null : ((Number) got.getValue("avg_scroll_depth")).longValue());
          assertEquals(((Number) e.getValue("bounce_rate")).doubleValue() / 100, ((Number) got.getValue("bounce_rate")).doubleValue(), 1e-9);
          assertEquals(e.getValue("time_on_page") == null ? null : ((Number) e.getValue("time_on_page")).longValue(),
              got.getValue("avg_time_on_page") == null ? null : ((Number) got.getValue("avg_time_on_page")).longValue(), e.encode() + " vs " + got.encode() + " " + query.encode());
        }
      });
      assertEquals(2, get("/pages/breakdown?" + r.query() + "&limit=2").getJsonObject("data").getJsonArray("pages").size());

      Map<String, Session> byKey = sessionsByKey(r);
      for (String page : PAGES) {
        JsonObject d = get("/pages/details?" + r.query() + "&page=" + enc(page) + "&limit=50");
        assertEquals(page, d.getJsonObject("meta").getString("page"));
        JsonObject data = d.getJsonObject("data");
        assertEquals(List.of("page", "page_views", "unique_visitors", "avg_scroll_depth", "bounce_rate", "avg_time_on_page", "sessions", "utm",
            "devices", "countries"), new ArrayList<>(data.fieldNames()));
        List<Ev> pvs = evs.stream().filter(e -> e.type().equals("pageview") && e.path().equals(page)).toList();
        // sessions in scope with a pageview of the page in range; pageviews of the page in range, whichever session
        List<Session> with = pvs.stream().map(Ev::key).distinct().filter(byKey::containsKey).map(byKey::get).toList();
        long n = with.size();
        assertEquals(page, data.getString("page"));
        assertEquals((long) pvs.size(), data.getLong("page_views"));
        assertEquals(pvs.stream().map(Ev::visitor).distinct().count(), data.getLong("unique_visitors"));
        assertEquals(n, data.getLong("sessions"));
        if (viaQuery && engine.containsKey(page)) {
          assertEquals(((Number) engine.get(page).getValue("bounce_rate")).doubleValue() / 100, ((Number) data.getValue("bounce_rate")).doubleValue(), 1e-9);
        }
        Map<String, JsonObject> utm = new LinkedHashMap<>();
        Map<String, List<Session>> byUtm = group(with, s -> utmKey(s.first()));
        Set<String> utmKeys = new LinkedHashSet<>(byUtm.keySet()); // a row where sessions or counted events (any on the page) are
        evs.stream().filter(e -> e.path().equals(page)).map(HumblyticsApiTest::utmKey).forEach(utmKeys::add);
        for (String k : utmKeys) {
          String[] p = k.split("\\|");
          long sessions = byUtm.getOrDefault(k, List.of()).size();
          utm.put(k, new JsonObject().put("key", k).put("source", p[0]).put("medium", p[1]).put("campaign", p[2]).put("sessions", sessions)
              .put("page_views", pvs.stream().filter(e -> utmKey(e).equals(k)).count()).put("share", share(sessions, n)));
        }
        JsonArray keyed = new JsonArray();
        data.getJsonArray("utm").forEach(o -> {
          JsonObject x = (JsonObject) o;
          keyed.add(new JsonObject().put("key", x.getString("source") + "|" + x.getString("medium") + "|" + x.getString("campaign")).mergeIn(x));
        });
        assertTop("utm of " + page, utm, keyed, "key", "sessions", 50, null);
        assertTop("devices of " + page, sessionShares(with, s -> deviceClass(s.first().device()), "device", n), data.getJsonArray("devices"),
            "device", "sessions", 50, null);
        assertTop("countries of " + page, sessionShares(with, s -> s.first().country(), "country", n), data.getJsonArray("countries"),
            "country", "sessions", 50, null);
      }
    }
  }

  // ---------------------------------------------------------------- funnels

  /** Whether event e is the step (page path, event name, or the goal "Buy click"). */
  static boolean isStep(Ev e, String[] step) {
    return switch (step[0]) {
      case "page" -> e.type().equals("pageview") && e.path().equals(step[1]);
      case "event" -> !e.type().equals("engagement") && e.name().equals(step[1]);
      default -> e.type().equals("click") && "Buy".equals(e.label());
    };
  }

  static List<Long> expectedFunnel(Range r, List<String[]> steps, boolean sequential) {
    List<Ev> evs = r.events().stream().filter(e -> !e.type().equals("engagement")).toList();
    List<Long> out = new ArrayList<>();
    for (int k = 1; k <= steps.size(); k++) {
      List<String[]> first = steps.subList(0, k);
      Set<String> visitors = new HashSet<>();
      if (!sequential) {
        group(evs, Ev::visitor).forEach((v, vevs) -> {
          if (first.stream().allMatch(s -> vevs.stream().anyMatch(e -> isStep(e, s)))) {
            visitors.add(v);
          }
        });
      } else {
        group(evs, Ev::key).forEach((sk, sevs) -> {
          List<Ev> ordered = sevs.stream().sorted(Comparator.comparing(Ev::ts)).toList();
          int at = 0;
          int matched = 0;
          for (String[] s : first) {
            while (at < ordered.size() && !isStep(ordered.get(at), s)) {
              at++;
            }
            if (at == ordered.size()) {
              break;
            }
            matched++;
            at++;
          }
          if (matched == first.size()) {
            visitors.add(sevs.get(0).visitor());
          }
        });
      }
      out.add((long) visitors.size());
    }
    return out;
  }

  @Test
  void funnelsCountVisitorsReachingEachStepInBothModes() {
    List<List<String[]>> funnels = List.of(
        List.of(new String[] {"page", "/"}, new String[] {"page", "/pricing"}),
        List.of(new String[] {"page", "/pricing"}, new String[] {"event", "Signup"}, new String[] {"goal", "Buy click"}),
        List.of(new String[] {"page", "/blog"}, new String[] {"page", "/"}, new String[] {"page", "/contact"}, new String[] {"event", "click"}));
    int nonTrivial = 0;
    for (Range r : ranges()) {
      for (List<String[]> steps : funnels) {
        JsonArray json = new JsonArray();
        steps.forEach(s -> json.add(new JsonObject().put("type", s[0]).put("value", s[1])));
        for (String mode : List.of("unbounded", "sequential")) {
          JsonObject body = get("/funnels?" + r.query() + "&steps=" + enc(json.encode()) + "&mode=" + mode);
          List<Long> want = expectedFunnel(r, steps, mode.equals("sequential"));
          JsonObject data = body.getJsonObject("data");
          assertEquals(mode, data.getString("mode"));
          assertEquals(mode, body.getJsonObject("meta").getString("mode"));
          JsonArray got = data.getJsonArray("steps");
          assertEquals(steps.size(), got.size());
          for (int i = 0; i < steps.size(); i++) {
            JsonObject step = got.getJsonObject(i);
            long prev = i == 0 ? want.get(0) : want.get(i - 1);
            assertEquals(new JsonObject().put("step", i + 1).put("type", steps.get(i)[0]).put("value", steps.get(i)[1]).put("visitors", want.get(i))
                .put("conversion_rate", i == 0 ? (want.get(0) == 0 ? 0.0 : 1.0) : share(want.get(i), want.get(0)))
                .put("drop_off", prev - want.get(i)).put("drop_off_rate", share(prev - want.get(i), prev)), step, mode + " " + json.encode());
          }
          assertEquals(want.get(0) == 0 ? 0.0 : share(want.get(steps.size() - 1), want.get(0)), data.getDouble("overall_conversion_rate"));
          if (want.get(steps.size() - 1) > 0 && want.get(steps.size() - 1) < want.get(0)) {
            nonTrivial++;
          }
        }
        if (r == ranges().get(0)) {
          assertTrue(expectedFunnel(r, steps, true).get(steps.size() - 1) <= expectedFunnel(r, steps, false).get(steps.size() - 1));
        }
      }
    }
    assertTrue(nonTrivial >= 3, "funnels with drop-off and completions: " + nonTrivial);
    // short step forms; default mode unbounded
    Range r = ranges().get(0);
    JsonObject body = get("/funnels?" + r.query() + "&steps=" + enc("[\"/\", {\"page\": \"/pricing\"}]"));
    assertEquals("unbounded", body.getJsonObject("data").getString("mode"));
    assertEquals(expectedFunnel(r, List.of(new String[] {"page", "/"}, new String[] {"page", "/pricing"}), false),
        body.getJsonObject("data").getJsonArray("steps").stream().map(o -> ((JsonObject) o).getLong("visitors")).toList());
  }

  // ---------------------------------------------------------------- realtime

  @Test
  void realtimeReadsTheInMemoryWindow() throws Exception {
    JsonObject body = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      body = get("/traffic/realtime");
      JsonObject d = body.getJsonObject("data");
      // the window is fed after the commit, so the last batch's 2xx can come before a snapshot holds it
      if (d.getInteger("active_visitors") == 3 && d.getInteger("visitors") == 4 && d.getLong("page_views") == 8L) {
        break;
      }
      Thread.sleep(200);
    }
    Instant taken = Instant.parse(body.getJsonObject("meta").getString("generated_at"));
    assertEquals(List.of("property_id", "generated_at", "minutes", "timezone", "limit"), new ArrayList<>(body.getJsonObject("meta").fieldNames()));
    long current = taken.getEpochSecond() / 60;
    Predicate<Ev> inWindow = e -> e.ts().getEpochSecond() / 60 > current - 30;
    List<Ev> window = events.stream().filter(inWindow).toList();
    JsonObject data = body.getJsonObject("data");
    assertEquals(3, data.getInteger("active_visitors"), body.encode());
    assertEquals(4, data.getInteger("visitors"));
    assertEquals(window.stream().filter(e -> e.type().equals("pageview")).count(), data.getLong("page_views"));
    assertEquals(8L, data.getLong("page_views"));
    assertEquals(new JsonArray().add(new JsonObject().put("page", "/").put("page_views", 4)).add(new JsonObject().put("page", "/blog").put("page_views", 3))
        .add(new JsonObject().put("page", "/pricing").put("page_views", 1)), data.getJsonArray("pages"));
    assertEquals(new JsonArray().add(new JsonObject().put("source", "unknown").put("page_views", 8)), data.getJsonArray("sources"));
    assertEquals(new JsonArray().add(new JsonObject().put("country", "US").put("page_views", 8)), data.getJsonArray("countries"));
    JsonArray trend = data.getJsonArray("trend");
    assertEquals(30, trend.size());
    for (int i = 0; i < 30; i++) {
      long minute = current - 29 + i;
      JsonObject b = trend.getJsonObject(i);
      assertEquals(Instant.ofEpochSecond(minute * 60).atZone(ZoneId.of("UTC")).format(BUCKET), b.getString("bucket_start"));
      assertEquals(window.stream().filter(e -> e.type().equals("pageview") && e.ts().getEpochSecond() / 60 == minute).count(), b.getLong("page_views"));
    }
    // a shorter window, a zone for the minute starts, a shorter top list
    JsonObject five = get("/traffic/realtime?minutes=10&timezone=Asia%2FKolkata&limit=1").getJsonObject("data");
    assertEquals(3, five.getInteger("visitors"));
    assertEquals(6L, five.getLong("page_views"));
    assertEquals(1, five.getJsonArray("pages").size());
    assertTrue(five.getJsonArray("trend").getJsonObject(0).getString("bucket_start").endsWith("+05:30"));
    invalid("/traffic/realtime?minutes=61");
    invalid("/traffic/realtime?minutes=x");
    invalid("/traffic/realtime?timezone=Mars%2FBase");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void authenticationScopeAndPropertyErrors() {
    String trends = "/api/external/v1/properties/1/traffic/trends?start=2024-05-01&end=2024-05-07";
    error(401, "unauthorized", trends);
    error(401, "unauthorized", trends, "Authorization", "Bearer hmb_not_a_key");
    String ingestOnly = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"i\",\"scopes\":[\"ingest\"]}",
        "x-api-key", server.adminKey()).body()).getString("key");
    error(403, "forbidden", trends, "Authorization", "Bearer " + ingestOnly);
    JsonObject other = new JsonObject(server.send("POST", "/admin/v1/sites", "{\"domain\":\"other.example\"}", "x-api-key", server.adminKey()).body());
    int otherId = other.getJsonObject("site") != null ? other.getJsonObject("site").getInteger("id") : other.getInteger("id");
    String otherKey = new JsonObject(server.send("POST", "/admin/v1/sites/" + otherId + "/keys", "{\"name\":\"o\",\"scopes\":[\"read\"]}",
        "x-api-key", server.adminKey()).body()).getString("key");
    // another property's id with this key, and this property with another site's key
    error(403, "forbidden", trends.replace("/properties/1/", "/properties/" + otherId + "/"), "Authorization", "Bearer " + key);
    error(403, "forbidden", trends, "Authorization", "Bearer " + otherKey);
    error(403, "forbidden", trends.replace("/properties/1/", "/properties/01/"), "Authorization", "Bearer " + key);
    error(403, "forbidden", trends.replace("/properties/1/", "/properties/PROPERTY_ID/"), "Authorization", "Bearer " + key);
    // the other site's key on its own property works (and sees none of this site's data)
    HttpResponse<String> own = server.get(trends.replace("/properties/1/", "/properties/" + otherId + "/"), "Authorization", "Bearer " + otherKey);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(0L, new JsonObject(own.body()).getJsonObject("data").getJsonObject("totals").getLong("page_views"));
    // the x-api-key header works too; unknown paths are 404 in the same shape
    assertEquals(200, server.get(trends, "x-api-key", key).statusCode());
    error(404, "not_found", "/api/external/v1/properties/1/traffic/nothing", "Authorization", "Bearer " + key);
    // over the key's rate limit: 429 rate_limited, with the limit headers
    String slow = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"s\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":1}",
        "x-api-key", server.adminKey()).body()).getString("key");
    assertEquals(200, server.get(trends, "Authorization", "Bearer " + slow).statusCode());
    error(429, "rate_limited", trends, "Authorization", "Bearer " + slow);
  }

  @Test
  void everyBadParameterIsA400InvalidRequest() {
    List<String> endpoints = List.of("/traffic/trends", "/traffic/breakdown", "/traffic/summary", "/traffic/entry-exit-pages",
        "/clicks/breakdown", "/clicks/details?page=%2F", "/forms/breakdown", "/forms/details?page=%2F", "/pages/breakdown",
        "/pages/details?page=%2F", "/funnels?steps=" + enc("[\"/\"]"));
    for (String e : endpoints) {
      String p = e + (e.contains("?") ? "&" : "?");
      invalid(p + "end=2024-05-07");                                        // no start
      invalid(p + "start=2024-05-01");                                      // no end
      invalid(p + "start=2024-13-01&end=2024-05-07");                       // bad date
      invalid(p + "start=yesterday&end=2024-05-07");
      invalid(p + "start=2024-05-01&end=2024-05-07T25:00:00Z");
      invalid(p + "start=2024-05-07&end=2024-05-01");                       // end before start
      invalid(p + "start=2024-05-07&end=2024-05-07");                       // empty range
      invalid(p + "start=2024-05-01T10:00:00Z&end=2024-05-01T09:59:59Z");
      invalid(p + "start=2024-05-01&end=2024-05-07&timezone=Mars%2FBase");  // unsupported timezone
      invalid(p + "start=2024-05-01&end=2024-05-07&timezone=%2B02%3A00");
      invalid(p + "start=2000-01-01&end=2024-05-07");                       // range too large
      invalid(p + "start=" + "9".repeat(300) + "&end=2024-05-07");
    }
    for (String e : List.of("/traffic/trends", "/clicks/breakdown", "/forms/breakdown", "/clicks/details?page=%2F", "/forms/details?page=%2F")) {
      String p = e + (e.contains("?") ? "&" : "?") + "start=2024-05-01&end=2024-05-31&";
      invalid(p + "granularity=minute");                                   // unsupported granularity
      invalid(p + "granularity=DAY");
      JsonObject tooMany = invalid(p + "granularity=hour");                 // 30 days of hours: 721 buckets
      assertTrue(tooMany.getString("message").contains("500"), tooMany.encode());
      assertEquals(200, server.get("/api/external/v1/properties/1" + p + "granularity=day", "Authorization", "Bearer " + key).statusCode());
    }
    // exactly 500 hourly buckets is allowed, 501 is not
    Instant s = Instant.parse("2024-05-01T00:00:00Z");
    assertEquals(500, get("/traffic/trends?start=" + s + "&end=" + s.plus(Duration.ofHours(499)) + "&granularity=hour")
        .getJsonObject("meta").getInteger("bucket_count"));
    invalid("/traffic/trends?start=" + s + "&end=" + s.plus(Duration.ofHours(500)) + "&granularity=hour");
    for (String e : List.of("/traffic/breakdown", "/traffic/entry-exit-pages", "/clicks/breakdown", "/clicks/details?page=%2F", "/forms/breakdown",
        "/forms/details?page=%2F", "/pages/breakdown", "/pages/details?page=%2F", "/traffic/realtime")) {
      String p = e + (e.contains("?") ? "&" : "?") + "start=2024-05-01&end=2024-05-07&";
      invalid(p + "limit=51");                                              // over the cap
      invalid(p + "limit=0");
      invalid(p + "limit=-3");
      invalid(p + "limit=ten");
      invalid(p + "limit=99999999999999");
      assertEquals(50, get(p.substring(0) + "limit=50").getJsonObject("meta").getInteger("limit"));
    }
    for (String e : List.of("/clicks/details", "/forms/details", "/pages/details")) {
      invalid(e + "?start=2024-05-01&end=2024-05-07");                     // page is required
      invalid(e + "?start=2024-05-01&end=2024-05-07&page=pricing");        // a path
    }
    String f = "/funnels?start=2024-05-01&end=2024-05-07&";
    invalid(f.substring(0, f.length() - 1));                                // no steps
    invalid(f + "steps=" + enc("not json"));
    invalid(f + "steps=" + enc("{\"type\":\"page\"}"));
    invalid(f + "steps=" + enc("[]"));
    invalid(f + "steps=" + enc("[1, 2]"));
    invalid(f + "steps=" + enc("[{\"type\":\"screen\",\"value\":\"x\"}]"));
    invalid(f + "steps=" + enc("[{\"type\":\"page\",\"value\":\"pricing\"}]"));
    invalid(f + "steps=" + enc("[" + "\"/\",".repeat(10) + "\"/\"]"));
    invalid(f + "steps=" + enc("[{\"type\":\"goal\",\"value\":\"No such goal\"}]"));
    invalid(f + "steps=" + enc("[\"/\"]") + "&mode=strict");
    invalid(f + "steps=" + enc("[\"/\"]") + "&breakdownBy=device");
  }

  // ---------------------------------------------------------------- the seed's examples

  @Test
  void theDocumentedRequestsAnswerInTheDocumentedShapes() {
    // Traffic Trends, verbatim from the docs: meta byte for byte, 7 zero-filled day buckets in New York time
    JsonObject trends = get("/traffic/trends?start=2024-05-01&end=2024-05-07&granularity=day&timezone=America/New_York");
    assertEquals(new JsonObject().put("property_id", property).put("start", "2024-05-01T04:00:00.000Z").put("end", "2024-05-07T03:59:59.000Z")
        .put("granularity", "day").put("timezone", "America/New_York").put("bucket_count", 7), trends.getJsonObject("meta"));
    assertEquals(List.of("property_id", "start", "end", "granularity", "timezone", "bucket_count"),
        new ArrayList<>(trends.getJsonObject("meta").fieldNames()));
    assertEquals(List.of("meta", "data"), new ArrayList<>(trends.fieldNames()));
    assertEquals(List.of("buckets", "totals"), new ArrayList<>(trends.getJsonObject("data").fieldNames()));
    JsonArray buckets = trends.getJsonObject("data").getJsonArray("buckets");
    assertEquals(7, buckets.size());
    assertEquals(new JsonObject().put("bucket_start", "2024-05-01T00:00:00-04:00").put("page_views", 0L).put("unique_visitors", 0L), buckets.getJsonObject(0));
    assertEquals("2024-05-07T00:00:00-04:00", buckets.getJsonObject(6).getString("bucket_start"));
    assertEquals(new JsonObject().put("page_views", 0L).put("unique_visitors", 0L), trends.getJsonObject("data").getJsonObject("totals"));
    // Traffic Breakdown (the spec's example request): meta as in the sample response
    JsonObject breakdown = get("/traffic/breakdown?start=2024-05-01&end=2024-05-31&limit=5&timezone=UTC");
    assertEquals(new JsonObject().put("property_id", property).put("start", "2024-05-01T00:00:00.000Z").put("end", "2024-05-30T23:59:59.000Z")
        .put("timezone", "UTC").put("limit", 5), breakdown.getJsonObject("meta"));
    // Clicks Details (the spec's example request, page URL-encoded)
    JsonObject details = get("/clicks/details?start=2024-05-01&end=2024-05-07&page=%2Fpricing&limit=10");
    assertEquals(List.of("property_id", "page", "start", "end", "granularity", "timezone", "bucket_count", "limit"),
        new ArrayList<>(details.getJsonObject("meta").fieldNames()));
    assertEquals("/pricing", details.getJsonObject("meta").getString("page"));
    assertEquals(List.of("clicks", "trend"), new ArrayList<>(details.getJsonObject("data").fieldNames()));
    assertEquals(new JsonObject().put("bucket_start", "2024-05-01T00:00:00Z").put("clicks", 0L).put("unique_clicks", 0L),
        details.getJsonObject("data").getJsonArray("trend").getJsonObject(0));

    // the same requests over the seeded data: every documented field, in order
    Range r = ranges().get(0);
    JsonObject b = get("/traffic/breakdown?" + r.query() + "&limit=5").getJsonObject("data");
    assertFields(b.getJsonArray("utm"), "source", "medium", "campaign", "sessions", "page_views", "share");
    assertFields(b.getJsonArray("countries"), "country", "sessions", "share");
    assertFields(b.getJsonArray("devices"), "device", "sessions", "share");
    assertFields(b.getJsonArray("landing_pages"), "page", "sessions", "share");
    assertFields(b.getJsonArray("referrers"), "referrer", "sessions", "share");
    JsonObject cb = get("/clicks/breakdown?" + r.query()).getJsonObject("data");
    assertFields(cb.getJsonArray("pages"), "page", "clicks", "unique_clicks", "targets");
    assertFields(cb.getJsonArray("pages").getJsonObject(0).getJsonArray("targets"), "target", "clicks", "unique_clicks");
    assertFields(cb.getJsonArray("trend"), "bucket_start", "clicks", "unique_clicks");
    JsonObject cd = get("/clicks/details?" + r.query() + "&page=" + enc(mostClickedPage(r))).getJsonObject("data");
    assertFields(cd.getJsonArray("clicks"), "target", "secondary", "clicks", "unique_clicks", "unique_sessions", "share", "utm_breakdown");
    assertFields(cd.getJsonArray("clicks").getJsonObject(0).getJsonArray("utm_breakdown"), "utm_source", "utm_medium", "utm_campaign", "clicks");
    JsonObject fb = get("/forms/breakdown?" + r.query()).getJsonObject("data");
    assertFields(fb.getJsonArray("pages"), "page", "submissions", "unique_submissions", "forms");
    assertFields(fb.getJsonArray("pages").getJsonObject(0).getJsonArray("forms"), "target", "submissions", "unique_submissions");
    assertFields(fb.getJsonArray("trend"), "bucket_start", "submissions", "unique_submissions");
    String formPage = fb.getJsonArray("pages").getJsonObject(0).getString("page");
    JsonObject fd = get("/forms/details?" + r.query() + "&page=" + enc(formPage)).getJsonObject("data");
    assertFields(fd.getJsonArray("forms"), "target", "secondary", "submissions", "unique_submissions", "share");
    assertFields(fd.getJsonArray("trend"), "bucket_start", "submissions", "unique_submissions");
    JsonObject summary = get("/traffic/summary?" + r.query()).getJsonObject("data");
    assertEquals(List.of("page_views", "unique_visitors", "sessions", "views_per_session", "bounce_rate", "avg_session_duration"),
        new ArrayList<>(summary.fieldNames()));
    // a local timestamp without offset is read in the requested zone; a timestamp end is inclusive
    JsonObject local = get("/traffic/trends?start=2024-05-01T00:00:00&end=2024-05-01T23:59:59&timezone=Europe/Berlin").getJsonObject("meta");
    assertEquals("2024-04-30T22:00:00.000Z", local.getString("start"));
    assertEquals("2024-05-01T21:59:59.000Z", local.getString("end"));
    assertEquals(1, local.getInteger("bucket_count"));
    // weeks start on Monday, months on the 1st
    JsonArray weeks = get("/traffic/trends?start=2024-05-01&end=2024-05-31&granularity=week").getJsonObject("data").getJsonArray("buckets");
    assertEquals("2024-04-29T00:00:00Z", weeks.getJsonObject(0).getString("bucket_start"));
    assertEquals(5, weeks.size());
    JsonArray months = get("/traffic/trends?start=2024-01-15&end=2024-03-01&granularity=month").getJsonObject("data").getJsonArray("buckets");
    assertEquals(List.of("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
        months.stream().map(o -> ((JsonObject) o).getString("bucket_start")).toList());
  }

  static String mostClickedPage(Range r) {
    return group(r.events().stream().filter(e -> e.type().equals("click") && e.label() != null).toList(), Ev::path).entrySet().stream()
        .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow().getKey();
  }

  static void assertFields(JsonArray rows, String... fields) {
    assertTrue(!rows.isEmpty(), "no rows to check");
    for (Object o : rows) {
      assertEquals(List.of(fields), new ArrayList<>(((JsonObject) o).fieldNames()), ((JsonObject) o).encode());
      for (String f : fields) {
        assertTrue(((JsonObject) o).getValue(f) != null, f + " in " + o);
      }
    }
    Objects.requireNonNull(rows);
  }
}
