package io.sightline.api.datalyr;

import io.sightline.api.datalyr.DatalyrData.Ev;
import io.sightline.support.MmdbWriter;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DATALYR Public API against a real server: a seeded event set (DatalyrData) ingested through
 * the real endpoints, then every endpoint and parameter, with the expected answers computed here
 * in plain Java from the events sent; the error cases, rate-limit headers and 429, the monthly
 * quota; and the seed page's examples replayed with their shapes checked field by field.
 */
@Tag("integration")
class DatalyrApiTest {
  static final ZoneId ZONE = ZoneId.of("America/Chicago");
  static final long QUOTA = 1000;

  static RunningServer server;
  static String key; // read key with a high limit
  static DatalyrData data;
  static Instant now;
  static int acceptedOnSite1;
  static Path geoDb;

  @BeforeAll
  static void start() throws Exception {
    geoDb = Files.createTempFile("datalyr-geo", ".mmdb");
    new MmdbWriter(4, "GeoLite2-City")
        .insert("81.2.69.0/24", Map.of("country", Map.of("iso_code", "GB"), "subdivisions", List.of(Map.of("iso_code", "ENG")),
            "city", Map.of("names", Map.of("en", "London"))))
        .insert("5.145.0.0/24", Map.of("country", Map.of("iso_code", "DE"), "subdivisions", List.of(Map.of("iso_code", "BE")),
            "city", Map.of("names", Map.of("en", "Berlin"))))
        .insert("203.0.113.0/24", Map.of("country", Map.of("iso_code", "JP")))
        .write(geoDb);
    server = RunningServer.start("bootstrap.timezone", ZONE.getId(), "ingest.geoipDatabase", geoDb.toString(),
        "ingest.monthlyEventQuota", Long.toString(QUOTA));
    key = createKey(1, "[\"read\"]", 100000);
    assertEquals(201, admin("POST", "/admin/v1/sites/1/goals", "{\"name\":\"Signup\",\"type\":\"custom\",\"match\":\"Signup\"}").statusCode());
    // goals that are no DATALYR conversions (a page, any form): /attribution, /ads and /users/:id leave them out
    assertEquals(201, admin("POST", "/admin/v1/sites/1/goals", "{\"name\":\"Pricing page\",\"type\":\"pageview\",\"match\":\"/pricing\"}").statusCode());
    assertEquals(201, admin("POST", "/admin/v1/sites/1/goals", "{\"name\":\"Any form\",\"type\":\"form\",\"match\":\"*\"}").statusCode());
    now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    data = DatalyrData.generate(now, 20261123);
    Map<String, JsonArray> batches = new LinkedHashMap<>();
    Map<String, Ev> firstOf = new HashMap<>();
    for (Ev e : data.events) {
      String batch = e.index() + "";
      JsonObject body = new JsonObject().put("type", e.type()).put("url", "https://localhost" + e.path() + utm(e))
          .put("timestamp", e.ts().toString());
      if (e.visitorId() != null) {
        body.put("visitor_id", e.visitorId());
      }
      if (e.userId() != null) {
        body.put("user_id", e.userId());
      }
      if (e.email() != null) {
        body.put("traits", new JsonObject().put("email", e.email()).put("plan", "pro"));
      }
      if (e.firstOfSession() && e.touch().referrer() != null) {
        body.put("referrer", e.touch().referrer());
      }
      if (e.type().equals("custom")) {
        body.put("name", e.name());
      }
      if (e.type().equals("engagement")) {
        body.put("scroll_depth", 50);
      }
      if (!e.tags().isEmpty()) {
        body.put("tags", new JsonArray(new ArrayList<Object>(e.tags())));
      }
      if (e.revenue() != null) {
        body.put("revenue_amount", e.revenue()).put("revenue_currency", "USD");
      }
      batches.computeIfAbsent(batch, k -> new JsonArray()).add(body);
      firstOf.putIfAbsent(batch, e);
    }
    for (Map.Entry<String, JsonArray> b : batches.entrySet()) {
      Ev e = firstOf.get(b.getKey());
      HttpResponse<String> r = server.send("POST", "/api/event/batch", b.getValue().encode(), "x-api-key", server.siteKey(),
          "User-Agent", DatalyrData.UAS[e.ua()], "X-Forwarded-For", e.ip());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(b.getValue().size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
      acceptedOnSite1 += b.getValue().size();
    }
    assertEquals(201, admin("POST", "/admin/v1/sites/1/ads", ADS.encode()).statusCode());
  }

  static final JsonObject ADS = new JsonObject().put("rows", new JsonArray()
      .add(ad("google", "campaign", "g-1", "brand", "ACTIVE", 1, "100.00", 10000, 250))
      .add(ad("google", "campaign", "g-1", "brand", "ACTIVE", 2, "50.50", 5000, 100))
      .add(ad("meta", "campaign", "m-1", "retargeting", "PAUSED", 1, "80.00", 20000, 400))
      .add(ad("meta", "campaign", "m-2", "spring_sale", "ACTIVE", 40, "999.00", 1, 1)));

  static JsonObject ad(String platform, String level, String id, String name, String status, int daysAgo, String spend, long impressions,
                       long clicks) {
    return new JsonObject().put("platform", platform).put("level", level).put("campaign_id", id).put("campaign_name", name)
        .put("status", status).put("date", LocalDate.now(ZONE).minusDays(daysAgo).toString()).put("spend", new BigDecimal(spend))
        .put("impressions", impressions).put("clicks", clicks);
  }

  private static String utm(Ev e) {
    DatalyrData.Touch t = e.touch();
    if (!e.firstOfSession() || t.utmSource() == null) {
      return "";
    }
    return "?utm_source=" + t.utmSource() + "&utm_medium=" + t.utmMedium() + "&utm_campaign=" + t.utmCampaign();
  }

  static HttpResponse<String> admin(String method, String path, String body) {
    return server.send(method, path, body, "x-api-key", server.adminKey());
  }

  static String createKey(int site, String scopes, int limit) {
    HttpResponse<String> r = admin("POST", "/admin/v1/sites/" + site + "/keys", "{\"name\":\"k\",\"scopes\":" + scopes
        + ",\"rate_limit_per_minute\":" + limit + "}");
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("key");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    Files.deleteIfExists(geoDb);
  }

  // ---------------------------------------------------------------- helpers

  static JsonObject get(String path) {
    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    assertNotNull(r.headers().firstValue("X-RateLimit-Limit").orElse(null), path);
    return new JsonObject(r.body());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String dates(Instant start, Instant endInclusive) {
    return "start_date=" + q(start.toString()) + "&end_date=" + q(endInclusive.toString());
  }

  record Range(Instant start, Instant end) {
    boolean has(Ev e) {
      return !e.ts().isBefore(start) && e.ts().isBefore(end);
    }
  }

  static List<Ev> in(Range r) {
    return data.events.stream().filter(r::has).toList();
  }

  static double pct(long part, long whole) {
    return whole == 0 ? 0 : BigDecimal.valueOf(part * 100).divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_UP).doubleValue();
  }

  /** The first event of each session (its attributes are the session's). */
  static Map<String, Ev> sessionFirst() {
    Map<String, Ev> first = new HashMap<>();
    data.events.forEach(e -> first.putIfAbsent(e.session(), e));
    return first;
  }

  static long visitors(List<Ev> events) {
    return events.stream().map(Ev::visitorKey).distinct().count();
  }

  /** Rows of (name, code) → visitors, ordered by visitors descending then name (missing last), as the engine orders. */
  static List<JsonObject> breakdown(Range r, Function<Ev, List<Object>> valueOf, Predicate<Ev> member, Function<Object, Object> name,
                                    int limit, boolean skipMissing) {
    Map<List<Object>, Set<String>> rows = new HashMap<>();
    for (Ev e : in(r)) {
      if (member.test(e)) {
        rows.computeIfAbsent(valueOf.apply(e), k -> new LinkedHashSet<>()).add(e.visitorKey());
      }
    }
    long total = visitors(in(r));
    Comparator<Map.Entry<List<Object>, Set<String>>> order = Comparator.<Map.Entry<List<Object>, Set<String>>>comparingInt(x -> -x.getValue().size())
        .thenComparing(x -> (String) x.getKey().get(0), Comparator.nullsLast(Comparator.naturalOrder()));
    return rows.entrySet().stream().filter(x -> !skipMissing || x.getKey().get(0) != null).sorted(order).limit(limit)
        .map(x -> {
          JsonObject o = new JsonObject().put("name", name.apply(x.getKey().get(0))).put("count", (long) x.getValue().size())
              .put("percentage", pct(x.getValue().size(), total));
          if (x.getKey().size() > 1) {
            o.put("code", x.getKey().get(1));
          }
          return o;
        }).toList();
  }

  static final Range ALL = new Range(Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"));

  /** Ranges the matrix runs over: the whole data (ISO Z, millis), one local day (no offset, site zone), the last 2 days (offset). */
  static List<Object[]> ranges() {
    LocalDate day = LocalDate.ofInstant(now, ZONE).minusDays(2);
    Instant dayStart = day.atStartOfDay(ZONE).toInstant();
    Instant twoDays = now.minus(Duration.ofDays(2));
    return List.of(
        new Object[] {"start_date=" + q(now.minus(Duration.ofDays(6)).toString()) + "&end_date=" + q(now.plusSeconds(30).toString().replace("Z", ".000Z")),
            new Range(now.minus(Duration.ofDays(6)), now.plusSeconds(30).plusMillis(1))},
        new Object[] {"start_date=" + day + "T00:00:00&end_date=" + day + "T23:59:59", new Range(dayStart, day.plusDays(1).atStartOfDay(ZONE).toInstant())},
        new Object[] {"start_date=" + q(twoDays.atZone(ZoneId.of("-03:00")).toOffsetDateTime().toString()) + "&end_date="
            + q(now.atZone(ZoneId.of("+05:30")).toOffsetDateTime().toString()), new Range(twoDays, now.plusSeconds(1))});
  }

  // ---------------------------------------------------------------- overview

  @Test
  void overviewTotalsCustomEventsAndTimeSeriesMatchTheEventsSent() {
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      for (String aggregation : List.of("", "hour", "day", "week", "month")) {
        if (aggregation.equals("hour") && Duration.between(r.start(), r.end()).toDays() > 40) {
          continue;
        }
        String path = "/api/v1/overview?" + range[0] + (aggregation.isEmpty() ? "" : "&aggregation=" + aggregation);
        JsonObject body = get(path);
        List<Ev> events = in(r);
        assertEquals(visitors(events), body.getLong("visitors_total"), path);
        assertEquals(events.stream().filter(e -> e.type().equals("pageview")).count(), body.getLong("pageviews_total"), path);
        // sessions count in the range they start in
        assertEquals(sessionFirst().values().stream().filter(r::has).count(), body.getLong("sessions_total"), path);
        assertEquals(events.stream().filter(Ev::custom).count(), body.getLong("custom_events_total"), path);
        Map<String, Long> counts = events.stream().filter(Ev::custom).collect(Collectors.groupingBy(Ev::name, TreeMap::new, Collectors.counting()));
        assertEquals(new JsonObject(new LinkedHashMap<>(counts)), sorted(body.getJsonObject("custom_event_counts")), path);
        assertEquals(ZONE.getId(), body.getString("timezone"));
        String level = aggregation.isEmpty() ? autoLevel(r) : aggregation;
        assertEquals(level, body.getString("aggregation_level"), path);
        checkSeries(body.getJsonArray("time_series"), r, level, counts.keySet(), path);
      }
    }
  }

  static JsonObject sorted(JsonObject o) {
    return new JsonObject(new LinkedHashMap<>(new TreeMap<>(o.getMap())));
  }

  static String autoLevel(Range r) {
    long days = ChronoUnit.DAYS.between(LocalDate.ofInstant(r.start(), ZONE), LocalDate.ofInstant(r.end().minusMillis(1), ZONE)) + 1;
    return days <= 1 ? "hour" : days <= 60 ? "day" : days <= 180 ? "week" : "month";
  }

  static LocalDateTime bucketOf(Instant t, String level) {
    LocalDateTime local = LocalDateTime.ofInstant(t, ZONE);
    return switch (level) {
      case "hour" -> local.truncatedTo(ChronoUnit.HOURS);
      case "day" -> local.truncatedTo(ChronoUnit.DAYS);
      case "week" -> local.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      default -> local.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    };
  }

  static LocalDateTime next(LocalDateTime b, String level) {
    return switch (level) {
      case "hour" -> b.plusHours(1);
      case "day" -> b.plusDays(1);
      case "week" -> b.plusWeeks(1);
      default -> b.plusMonths(1);
    };
  }

  private static void checkSeries(JsonArray series, Range r, String level, Set<String> allNames, String path) {
    List<LocalDateTime> buckets = new ArrayList<>();
    LocalDateTime last = LocalDateTime.ofInstant(r.end().minusNanos(1000), ZONE);
    for (LocalDateTime b = bucketOf(r.start(), level); !b.isAfter(last); b = next(b, level)) {
      buckets.add(b);
    }
    assertEquals(buckets.size(), series.size(), path);
    List<Ev> events = in(r);
    List<Ev> starts = sessionFirst().values().stream().filter(r::has).toList(); // a session counts in the bucket it starts in
    // the 10 most frequent custom names get their own column
    Map<String, Long> counts = events.stream().filter(Ev::custom).collect(Collectors.groupingBy(Ev::name, Collectors.counting()));
    List<String> top = counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).limit(10).map(Map.Entry::getKey).toList();
    for (int i = 0; i < buckets.size(); i++) {
      LocalDateTime b = buckets.get(i);
      JsonObject point = series.getJsonObject(i);
      assertEquals(b.atZone(ZONE).toInstant().toString(), point.getString("timestamp"), path);
      List<Ev> inBucket = events.stream().filter(e -> bucketOf(e.ts(), level).equals(b)).toList();
      assertEquals(visitors(inBucket), point.getLong("visitors"), path + " " + b);
      assertEquals(inBucket.stream().filter(e -> e.type().equals("pageview")).count(), point.getLong("pageviews"), path + " " + b);
      assertEquals(starts.stream().filter(e -> bucketOf(e.ts(), level).equals(b)).count(), point.getLong("sessions"), path + " " + b);
      assertEquals(inBucket.stream().filter(Ev::custom).count(), point.getLong("custom_events"), path + " " + b);
      for (String name : top) {
        assertEquals(inBucket.stream().filter(e -> e.custom() && e.name().equals(name)).count(), point.getLong(name), path + " " + b + " " + name);
      }
      assertEquals(5 + top.size(), point.size(), path);
    }
  }

  // ---------------------------------------------------------------- traffic, devices, locations

  @Test
  void trafficDevicesAndLocationsAreVisitorsPerValueWithSharesOfAllVisitors() {
    Map<String, Ev> first = sessionFirst();
    Function<Ev, Ev> s = e -> first.get(e.session());
    Function<Object, Object> same = v -> v;
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      long total = visitors(in(r));
      for (int limit : new int[] {20, 2}) {
        String l = limit == 20 ? "" : "&limit=" + limit;
        check("/api/v1/traffic?" + range[0] + l, "referrer", total, breakdown(r, e -> java.util.Arrays.asList(s.apply(e).touch().source()),
            e -> true, DatalyrApiTest::referrerName, limit, false));
        check("/api/v1/traffic?type=referrer&" + range[0] + l, "referrer", total, breakdown(r, e -> java.util.Arrays.asList(s.apply(e).touch().source()),
            e -> true, DatalyrApiTest::referrerName, limit, false));
        check("/api/v1/traffic?type=campaign&" + range[0] + l, "campaign", total, breakdown(r,
            e -> java.util.Arrays.asList(s.apply(e).touch().utmCampaign()), e -> true, same, limit, true));
        check("/api/v1/traffic?type=page&" + range[0] + l, "page", total, breakdown(r, e -> List.of(e.path()), e -> e.type().equals("pageview"),
            same, limit, true));
        check("/api/v1/devices?" + range[0] + l, "browser", total, breakdown(r, e -> List.of(DatalyrData.BROWSERS[e.ua()]), e -> true, same, limit, false));
        check("/api/v1/devices?type=os&" + range[0] + l, "os", total, breakdown(r, e -> List.of(DatalyrData.OSES[e.ua()]), e -> true, same, limit, false));
        check("/api/v1/devices?type=deviceType&" + range[0] + l, "deviceType", total,
            breakdown(r, e -> List.of(DatalyrData.DEVICES[e.ua()]), e -> true, same, limit, false));
        check("/api/v1/locations?" + range[0] + l, "country", total, breakdown(r,
            e -> java.util.Arrays.asList(DatalyrData.COUNTRIES[e.geo()], DatalyrData.COUNTRIES[e.geo()]), e -> true,
            v -> v == null ? "Unknown" : new Locale("", (String) v).getDisplayCountry(Locale.ENGLISH), limit, false));
        checkUnordered("/api/v1/locations?type=region&" + range[0] + l, "region", total, breakdown(r,
            e -> java.util.Arrays.asList(DatalyrData.REGIONS[e.geo()], e.geo() < 2 ? DatalyrData.REGIONS[e.geo()] : DatalyrData.COUNTRIES[e.geo()]),
            e -> true, v -> v == null ? "Unknown" : v, 100, false), limit);
        checkUnordered("/api/v1/locations?type=city&" + range[0] + l, "city", total, breakdown(r,
            e -> java.util.Arrays.asList(DatalyrData.CITIES[e.geo()], DatalyrData.COUNTRIES[e.geo()]),
            e -> true, v -> v == null ? "Unknown" : v, 100, false), limit);
      }
    }
  }

  /** DATALYR names referrers by domain: a known source by its main domain, an unknown utm_source as sent, none as (direct). */
  static Object referrerName(Object source) {
    return source == null ? "(direct)" : Map.of("Google", "google.com", "Facebook", "facebook.com").getOrDefault(source, (String) source);
  }

  private static void check(String path, String type, long total, List<JsonObject> expected) {
    JsonObject body = get(path);
    assertEquals(type, body.getString("type"), path);
    assertEquals(total, body.getLong("total"), path);
    assertEquals(new JsonArray(new ArrayList<Object>(expected)), body.getJsonArray("data"), path);
  }

  /** Rows that tie on count and name (the "Unknown" region of two countries) come in either order: compare as sets. */
  private static void checkUnordered(String path, String type, long total, List<JsonObject> all, int limit) {
    JsonObject body = get(path);
    assertEquals(type, body.getString("type"), path);
    assertEquals(total, body.getLong("total"), path);
    JsonArray data = body.getJsonArray("data");
    assertEquals(Math.min(limit, all.size()), data.size(), path);
    long previous = Long.MAX_VALUE;
    for (Object o : data) {
      JsonObject row = (JsonObject) o;
      assertTrue(all.contains(row), path + " " + row + " not in " + all);
      assertTrue(row.getLong("count") <= previous, path);
      previous = row.getLong("count");
    }
  }

  // ---------------------------------------------------------------- tags

  @Test
  void tagsCountTheCountedEventsCarryingEachTag() {
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      Map<String, Long> counts = new HashMap<>();
      in(r).stream().filter(Ev::counted).forEach(e -> e.tags().forEach(t -> counts.merge(t, 1L, Long::sum)));
      long total = counts.values().stream().mapToLong(Long::longValue).sum();
      for (int limit : new int[] {20, 1}) {
        JsonObject body = get("/api/v1/tags?" + range[0] + (limit == 20 ? "" : "&limit=" + limit));
        assertEquals(total, body.getLong("total"));
        List<Object> expected = counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(limit)
            .map(x -> (Object) new JsonObject().put("tag", x.getKey()).put("count", x.getValue()).put("percentage", pct(x.getValue(), total))
                .put("source", "server")).toList();
        assertEquals(new JsonArray(new ArrayList<>(expected)), body.getJsonArray("data"), range[0].toString());
      }
    }
  }

  // ---------------------------------------------------------------- events

  static String signature(JsonObject e) {
    return e.getString("received_at") + " " + e.getString("event_name") + " " + e.getString("page_path") + " " + e.getString("user_id");
  }

  static String signature(Ev e) {
    return e.ts().toString().replace("Z", ".000Z") + " " + e.name() + " " + e.path() + " " + e.userId();
  }

  @Test
  void eventsAreListedNewestFirstWithFiltersAndOffsetPaging() {
    Map<String, Ev> first = sessionFirst();
    record Case(String params, Predicate<Ev> filter) {
    }
    List<Case> cases = List.of(new Case("", e -> true), new Case("&event_name=Signup,Purchase", e -> Set.of("Signup", "Purchase").contains(e.name())),
        new Case("&event_name=pageview&page_path=/pricing", e -> e.type().equals("pageview") && e.path().equals("/pricing")),
        new Case("&utm_source=google&utm_medium=cpc", e -> "google".equals(first.get(e.session()).touch().utmSource())),
        new Case("&utm_campaign=spring_sale", e -> "spring_sale".equals(first.get(e.session()).touch().utmCampaign())),
        new Case("&country=gb", e -> e.geo() == 0), new Case("&region=DE-BE&city=Berlin", e -> e.geo() == 1),
        new Case("&city=London&event_name=click", e -> e.geo() == 0 && e.type().equals("click")),
        new Case("&event_name=" + q("x' or '1'='1"), e -> false),
        // all is the documented default: every event, also when listed with names
        new Case("&event_name=all", e -> true), new Case("&event_name=Signup," + q("all"), e -> true));
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      for (Case c : cases) {
        List<Ev> expected = in(r).stream().filter(Ev::counted).filter(c.filter()).toList();
        JsonObject all = get("/api/v1/events?" + range[0] + c.params() + "&limit=1000");
        assertEquals(expected.size(), all.getLong("total_count"), c.params());
        assertFalse(all.getBoolean("has_more"));
        List<String> got = all.getJsonArray("events").stream().map(o -> signature((JsonObject) o)).toList();
        List<String> want = expected.stream().map(DatalyrApiTest::signature).sorted(Comparator.reverseOrder()).toList();
        assertEquals(want.stream().sorted().toList(), got.stream().sorted().toList(), c.params());
        for (int i = 1; i < got.size(); i++) {
          assertTrue(got.get(i - 1).substring(0, 24).compareTo(got.get(i).substring(0, 24)) >= 0, "newest first");
        }
        // pages of 7 put together are the whole list
        List<String> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 7) {
          JsonObject page = get("/api/v1/events?" + range[0] + c.params() + "&limit=7&offset=" + offset);
          assertEquals(7, page.getInteger("limit"));
          assertEquals(offset, page.getInteger("offset"));
          assertEquals(expected.size(), page.getLong("total_count"));
          page.getJsonArray("events").forEach(o -> paged.add(signature((JsonObject) o)));
          assertEquals(offset + 7 < expected.size(), page.getBoolean("has_more"));
          if (!page.getBoolean("has_more")) {
            break;
          }
        }
        assertEquals(got, paged, c.params());
      }
    }
    // one event field by field: the newest Purchase
    Ev purchase = data.events.stream().filter(e -> e.name().equals("Purchase")).max(Comparator.comparing(Ev::ts)).orElseThrow();
    JsonObject e = get("/api/v1/events?start_date=" + q(purchase.ts().toString()) + "&end_date=" + q(purchase.ts().toString())
        + "&event_name=Purchase").getJsonArray("events").getJsonObject(0);
    assertEquals(List.of("id", "event_name", "visitor_id", "session_id", "user_id", "received_at", "page_path", "page_title", "page_url",
        "referrer", "geo_country", "geo_country_code", "geo_region", "geo_city", "utm_source", "utm_medium", "utm_campaign", "browser", "os",
        "device_type", "screen_width", "screen_height", "source", "event_data"), new ArrayList<>(e.fieldNames()));
    assertEquals("Purchase", e.getString("event_name"));
    assertEquals(purchase.ts().toString().replace("Z", ".000Z"), e.getString("received_at"));
    assertEquals(purchase.path(), e.getString("page_path"));
    assertEquals("https://localhost" + purchase.path(), e.getString("page_url"));
    assertEquals(DatalyrData.COUNTRIES[purchase.geo()], e.getString("geo_country_code"));
    assertEquals(DatalyrData.CITIES[purchase.geo()], e.getString("geo_city"));
    assertEquals(DatalyrData.BROWSERS[purchase.ua()], e.getString("browser"));
    assertEquals(DatalyrData.DEVICES[purchase.ua()], e.getString("device_type"));
    assertEquals("server", e.getString("source"));
    assertEquals(purchase.revenue().doubleValue(), e.getJsonObject("event_data").getDouble("revenue"));
    assertEquals("USD", e.getJsonObject("event_data").getString("currency"));
    assertTrue(e.getString("id").matches("\\d+") && e.getString("visitor_id").matches("-?\\d+") && e.getString("session_id").matches("\\d+"));
  }

  @Test
  void eventNamesOfTheLast30DaysWithCategoryAndSource() {
    JsonObject body = get("/api/v1/event-names");
    Map<String, String> categories = Map.of("pageview", "web", "Purchase", "conversion", "Signup", "conversion", "click", "interaction",
        "form", "form", "Video Play", "custom");
    Set<String> sent = data.events.stream().filter(Ev::counted).map(Ev::name).collect(Collectors.toCollection(java.util.TreeSet::new));
    JsonArray expected = new JsonArray();
    sent.forEach(n -> expected.add(new JsonObject().put("name", n).put("category", categories.get(n)).put("source", "server")));
    assertEquals(expected, body.getJsonArray("events"));
    assertEquals(new JsonArray().add("google").add("meta"), body.getJsonArray("integrations"));
  }

  // ---------------------------------------------------------------- realtime, workspace, usage

  @Test
  void realtimeReadsTheWindowOfTheLastMinutes() throws Exception {
    List<Ev> recent = data.events.stream().filter(e -> e.index() >= 100 && e.index() < 200).toList();
    JsonObject body = null;
    for (int i = 0; i < 50; i++) {
      body = get("/api/v1/realtime");
      // the window is fed after the commit: wait for a snapshot that holds every recent event
      if (body.getInteger("active_visitors") == 3 && body.getLong("pageviews") == recent.stream().filter(e -> e.type().equals("pageview")).count()
          && body.getLong("events") == recent.stream().filter(Ev::custom).count()) {
        break;
      }
      Thread.sleep(200);
    }
    for (String window : List.of("", "?time_window=30", "?time_window=60")) {
      body = get("/api/v1/realtime" + window);
      assertEquals(window.isEmpty() ? 30 : Integer.parseInt(window.substring(13)), body.getInteger("time_window"));
      assertEquals(3, body.getInteger("active_visitors"));
      assertEquals(recent.stream().filter(e -> e.type().equals("pageview")).count(), body.getLong("pageviews"));
      assertEquals(recent.stream().filter(Ev::custom).count(), body.getLong("events"));
      assertEquals(recent.stream().map(Ev::revenue).filter(Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue(),
          body.getDouble("revenue"));
      Map<String, Long> pages = recent.stream().filter(e -> e.type().equals("pageview")).collect(Collectors.groupingBy(Ev::path, Collectors.counting()));
      assertEquals(pages.size(), body.getJsonArray("top_pages").size());
      body.getJsonArray("top_pages").forEach(o -> assertEquals(pages.get(((JsonObject) o).getString("path")), ((JsonObject) o).getLong("count")));
      long minutes = body.getInteger("time_window");
      assertEquals(minutes, body.getJsonArray("timeline").size());
      assertEquals(3, body.getJsonArray("timeline").stream().mapToLong(o -> ((JsonObject) o).getLong("visitors")).sum());
      JsonArray visitors = body.getJsonArray("visitors");
      assertEquals(3, visitors.size());
      for (Object o : visitors) {
        JsonObject v = (JsonObject) o;
        assertEquals(List.of("visitor_id", "country", "city", "current_page", "device", "browser", "referrer", "first_seen", "last_seen",
            "total_events", "session_duration_seconds"), new ArrayList<>(v.fieldNames()));
      }
      Set<String> referrers = new java.util.TreeSet<>();
      body.getJsonArray("top_referrers").forEach(o -> referrers.add(((JsonObject) o).getString("name")));
      assertEquals(new java.util.TreeSet<>(List.of("(direct)", "newsletter", "google.com")), referrers);
      Set<String> visitorReferrers = new java.util.TreeSet<>();
      visitors.forEach(o -> visitorReferrers.add(((JsonObject) o).getString("referrer")));
      assertEquals(referrers, visitorReferrers);
      Set<String> countries = new java.util.TreeSet<>();
      body.getJsonArray("top_locations").forEach(o -> countries.add(((JsonObject) o).getString("name")));
      assertEquals(new java.util.TreeSet<>(List.of("United Kingdom", "Germany", "Japan")), countries);
    }
    JsonObject one = get("/api/v1/realtime?time_window=1");
    assertEquals(0, one.getInteger("active_visitors"));
    assertEquals(0, one.getInteger("pageviews"));
    assertEquals(1, one.getJsonArray("timeline").size());
  }

  @Test
  void workspaceDescribesTheKeysSite() {
    JsonObject body = get("/api/v1/workspace");
    assertEquals(List.of("id", "name", "domain", "timezone", "connected_platforms", "plan", "created_at"), new ArrayList<>(body.fieldNames()));
    assertEquals("1", body.getString("id"));
    assertEquals("localhost", body.getString("domain"));
    assertEquals(ZONE.getId(), body.getString("timezone"));
    assertEquals(new JsonArray().add(new JsonObject().put("provider", "google").put("status", "active"))
        .add(new JsonObject().put("provider", "meta").put("status", "active")), body.getJsonArray("connected_platforms"));
    assertEquals("self_hosted", body.getString("plan"));
    assertTrue(Instant.parse(body.getString("created_at")).isBefore(Instant.now()));
  }

  @Test
  void usageCountsTheMonthsEventsAgainstTheQuota() {
    JsonObject body = get("/api/v1/usage");
    YearMonth month = YearMonth.now(ZONE);
    assertEquals(acceptedOnSite1, body.getLong("events_used"));
    assertEquals(QUOTA, body.getLong("events_limit"));
    assertEquals(0, body.getLong("postbacks_used"));
    assertNull(body.getValue("postbacks_limit"));
    assertEquals(month.atDay(1).atStartOfDay(ZONE).toInstant().toString(), body.getString("period_start"));
    assertEquals(month.plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant().minusSeconds(1).toString(), body.getString("period_end"));
    assertEquals("self_hosted", body.getString("plan"));
  }

  @Test
  void overQuotaEventsAreDroppedWithReasonQuotaAndCounted() {
    HttpResponse<String> site = admin("POST", "/admin/v1/sites", "{\"domain\":\"quota.example\"}");
    assertEquals(201, site.statusCode(), site.body());
    int id = new JsonObject(site.body()).getInteger("id");
    String ingest = createKey(id, "[\"ingest\",\"read\"]", 1000);
    JsonArray batch = new JsonArray();
    for (int i = 0; i < QUOTA - 2; i++) {
      batch.add(new JsonObject().put("url", "https://quota.example/p" + i).put("visitor_id", "q" + i));
    }
    double before = server.metric("sightline_ingest_events_dropped_total", "reason=\"quota\"");
    HttpResponse<String> r = server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", ingest, "User-Agent", DatalyrData.UAS[0]);
    assertEquals((int) (QUOTA - 2), new JsonObject(r.body()).getInteger("accepted"), r.body());
    JsonArray more = new JsonArray();
    for (int i = 0; i < 5; i++) {
      more.add(new JsonObject().put("url", "https://quota.example/more").put("visitor_id", "m" + i));
    }
    r = server.send("POST", "/api/event/batch", more.encode(), "x-api-key", ingest, "User-Agent", DatalyrData.UAS[0]);
    JsonObject answer = new JsonObject(r.body());
    assertEquals(2, answer.getInteger("accepted"), r.body());
    for (int i = 2; i < 5; i++) {
      assertEquals("quota", answer.getJsonArray("results").getJsonObject(i).getString("dropped"), r.body());
    }
    r = server.send("POST", "/api/event", new JsonObject().put("url", "https://quota.example/").put("visitor_id", "z").encode(),
        "x-api-key", ingest, "User-Agent", DatalyrData.UAS[0]);
    assertEquals(200, r.statusCode());
    assertEquals(new JsonObject().put("success", true), new JsonObject(r.body()));
    assertEquals(before + 4, server.metric("sightline_ingest_events_dropped_total", "reason=\"quota\""));
    assertEquals(QUOTA, server.sql("select count(*) from events where site_id = $1", id).iterator().next().getLong(0));
    HttpResponse<String> usage = server.get("/api/v1/usage", "Authorization", "Bearer " + ingest);
    assertEquals(QUOTA, new JsonObject(usage.body()).getLong("events_used"));
  }

  // ---------------------------------------------------------------- errors and rate limit

  @Test
  void badInputIsA400InDatalyrsErrorShape() {
    String d = "start_date=2026-11-01T00:00:00Z&end_date=2026-11-02T00:00:00Z";
    List<String> bad = List.of("/api/v1/overview", "/api/v1/overview?start_date=2026-11-01T00:00:00Z",
        "/api/v1/overview?start_date=yesterday&end_date=2026-11-02T00:00:00Z", "/api/v1/overview?start_date=2026-11-03T00:00:00Z&end_date=2026-11-02T00:00:00Z",
        "/api/v1/overview?start_date=1900-01-01T00:00:00Z&end_date=2026-11-02T00:00:00Z", "/api/v1/overview?" + d + "&aggregation=year",
        "/api/v1/overview?start_date=2026-01-01T00:00:00Z&end_date=2026-11-02T00:00:00Z&aggregation=hour",
        "/api/v1/overview?start_date=" + q("2026-11-01T00:00:00Z'; drop table events; --") + "&end_date=2026-11-02T00:00:00Z",
        "/api/v1/traffic?" + d + "&type=social", "/api/v1/traffic?" + d + "&limit=0", "/api/v1/traffic?" + d + "&limit=101",
        "/api/v1/devices?" + d + "&limit=abc", "/api/v1/devices?" + d + "&type=" + q("<script>"), "/api/v1/locations?" + d + "&limit=99999999999",
        "/api/v1/locations?" + d + "&type=planet", "/api/v1/events?" + d + "&limit=1001", "/api/v1/events?" + d + "&offset=-1",
        "/api/v1/events?" + d + "&city=" + "x".repeat(600), "/api/v1/tags?" + d + "&limit=200", "/api/v1/realtime?time_window=0",
        "/api/v1/realtime?time_window=61", "/api/v1/realtime?time_window=1.5", "/api/v1/attribution?" + d + "&window_days=14",
        "/api/v1/users?" + d + "&limit=1001", "/api/v1/ads?" + d + "&platform=bing", "/api/v1/ads?" + d + "&level=keyword",
        "/api/v1/ads?" + d + "&limit=201", "/api/v1/users", "/api/v1/attribution", "/api/v1/ads", "/api/v1/tags", "/api/v1/events");
    for (String path : bad) {
      HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key);
      assertEquals(400, r.statusCode(), path + " → " + r.body());
      JsonObject body = new JsonObject(r.body());
      assertEquals("invalid_request", body.getString("code"), path);
      assertFalse(body.getString("error").isBlank(), path);
      assertEquals(Set.of("error", "code"), body.fieldNames());
      assertTrue(r.headers().firstValue("X-RateLimit-Remaining").isPresent(), path);
    }
    HttpResponse<String> missing = server.get("/api/v1/overview?" + d);
    assertEquals(401, missing.statusCode());
    assertEquals("unauthorized", new JsonObject(missing.body()).getString("code"));
    assertEquals(401, server.get("/api/v1/overview?" + d, "Authorization", "Bearer dk_not_a_key").statusCode());
    assertEquals(401, server.get("/api/v1/overview?" + d, "Authorization", "Bearer sl_abcdefghij_" + "x".repeat(32)).statusCode());
    String ingestOnly = createKey(1, "[\"ingest\"]", 100);
    HttpResponse<String> forbidden = server.get("/api/v1/overview?" + d, "Authorization", "Bearer " + ingestOnly);
    assertEquals(403, forbidden.statusCode());
    assertEquals("forbidden", new JsonObject(forbidden.body()).getString("code"));
    // x-api-key works too
    assertEquals(200, server.get("/api/v1/workspace", "x-api-key", key).statusCode());
  }

  @Test
  void everyAnswerCarriesRateLimitHeadersAndTheLimitGives429() {
    String limited = createKey(1, "[\"read\"]", 3);
    long reset = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = server.get(i == 1 ? "/api/v1/overview" : "/api/v1/workspace", "Authorization", "Bearer " + limited);
      assertEquals(i == 1 ? 400 : 200, r.statusCode());
      assertEquals("3", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
      assertEquals(Integer.toString(2 - i), r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
      reset = Long.parseLong(r.headers().firstValue("X-RateLimit-Reset").orElseThrow());
      assertTrue(reset > Instant.now().getEpochSecond() - 1 && reset <= Instant.now().getEpochSecond() + 61);
    }
    HttpResponse<String> over = server.get("/api/v1/usage", "Authorization", "Bearer " + limited);
    assertEquals(429, over.statusCode());
    assertEquals("rate_limited", new JsonObject(over.body()).getString("code"));
    assertEquals("0", over.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
    assertTrue(over.headers().firstValue("Retry-After").isPresent());
    // the default limit is 100 a minute
    String plain = createKey(1, "[\"read\"]", 100);
    HttpResponse<String> r = server.get("/api/v1/workspace", "Authorization", "Bearer " + plain);
    assertEquals("100", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
  }


  /** Waits, when the minute's window is about to end, for the next one: a test counting within one window must not straddle two. */
  static void awayFromTheMinutesEnd() throws InterruptedException {
    long intoMinute = System.currentTimeMillis() % 60_000;
    if (intoMinute > 45_000) {
      Thread.sleep(60_000 - intoMinute + 200);
    }
  }

  static void assertLimitHeaders(HttpResponse<String> r, int limit, int remaining, String what) {
    assertEquals(Integer.toString(limit), r.headers().firstValue("X-RateLimit-Limit").orElse(null), what);
    assertEquals(Integer.toString(remaining), r.headers().firstValue("X-RateLimit-Remaining").orElse(null), what);
    long reset = Long.parseLong(r.headers().firstValue("X-RateLimit-Reset").orElseThrow());
    long nowSeconds = Instant.now().getEpochSecond();
    assertTrue(reset > nowSeconds - 1 && reset <= nowSeconds + 61, what);
  }

  @Test
  void unauthorizedUnknownPathAndWrongMethodAnswersCarryTheRateLimitHeadersToo() throws Exception {
    awayFromTheMinutesEnd();
    // with a key: counted against it, as any answer
    String limited = createKey(1, "[\"read\"]", 5);
    HttpResponse<String> notFound = server.get("/api/v1/no-such-report", "Authorization", "Bearer " + limited);
    assertEquals(404, notFound.statusCode());
    assertEquals("not_found", new JsonObject(notFound.body()).getString("code"));
    assertLimitHeaders(notFound, 5, 4, "404");
    HttpResponse<String> wrongMethod = server.send("POST", "/api/v1/overview", "{}", "Authorization", "Bearer " + limited);
    assertEquals(405, wrongMethod.statusCode());
    assertEquals(Set.of("error", "code"), new JsonObject(wrongMethod.body()).fieldNames());
    assertLimitHeaders(wrongMethod, 5, 3, "405");
    assertLimitHeaders(server.send("DELETE", "/api/v1/users/x", null, "Authorization", "Bearer " + limited), 5, 2, "405");
    // without a valid key: counted against the client's address, under DATALYR's limit of 100
    String address = "198.51.100.7";
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = switch (i % 3) {
        case 0 -> server.get("/api/v1/overview", "X-Forwarded-For", address);
        case 1 -> server.get("/api/v1/no-such-report", "X-Forwarded-For", address);
        default -> server.get("/api/v1/workspace", "Authorization", "Bearer dk_not_a_key", "X-Forwarded-For", address);
      };
      assertEquals(401, r.statusCode(), r.body());
      assertEquals("unauthorized", new JsonObject(r.body()).getString("code"));
      assertLimitHeaders(r, 100, 99 - i, "401 #" + i);
    }
    HttpResponse<String> over = server.get("/api/v1/overview", "X-Forwarded-For", address);
    assertEquals(429, over.statusCode(), over.body());
    assertEquals("rate_limited", new JsonObject(over.body()).getString("code"));
    assertLimitHeaders(over, 100, 0, "429");
    assertTrue(over.headers().firstValue("Retry-After").isPresent());
    // another address, and any valid key, have their own windows
    assertLimitHeaders(server.get("/api/v1/overview", "X-Forwarded-For", "198.51.100.8"), 100, 99, "another address");
    assertEquals(200, server.get("/api/v1/workspace", "Authorization", "Bearer " + limited, "X-Forwarded-For", address).statusCode());
  }

  // ---------------------------------------------------------------- users

  static String isoSeconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** The visitor id an event counts under: its sender visitor_id's, with or without a user_id (identity stitching), else the user's. */
  static String internalId(Ev e) {
    return e.visitorId() != null ? Long.toString(io.sightline.ingest.session.VisitorIds.stable(1, "v:" + e.visitorId()))
        : e.userId() != null ? Long.toString(io.sightline.ingest.session.VisitorIds.stable(1, "u:" + e.userId())) : null;
  }

  /** The expected /users rows (person → row), from the events of the range. */
  static Map<String, JsonObject> expectedUsers(Range r, Predicate<String> person) {
    Map<String, List<Ev>> byPerson = new LinkedHashMap<>();
    in(r).stream().filter(e -> person.test(e.person())).forEach(e -> byPerson.computeIfAbsent(e.person(), k -> new ArrayList<>()).add(e));
    Map<String, JsonObject> out = new HashMap<>();
    byPerson.forEach((p, events) -> {
      Ev last = events.stream().max(Comparator.comparing(Ev::ts)).orElseThrow();
      Ev first = events.stream().min(Comparator.comparing(Ev::ts)).orElseThrow();
      String userId = p.startsWith("user-") ? p : null;
      out.put(p, new JsonObject().put("visitor_id", internalId(last)).put("user_id", userId).put("email", userId == null ? null : userId + "@example.com")
          .put("first_seen", isoSeconds(first.ts())).put("last_seen", isoSeconds(last.ts()))
          .put("total_events", events.stream().filter(Ev::counted).count()).put("total_sessions", events.stream().map(Ev::session).distinct().count())
          .put("country", DatalyrData.COUNTRIES[last.geo()]).put("city", DatalyrData.CITIES[last.geo()])
          .put("device", DatalyrData.DEVICES[last.ua()]).put("browser", DatalyrData.BROWSERS[last.ua()]));
    });
    return out;
  }

  private static void checkUsers(String path, Map<String, JsonObject> expected, int limit) {
    JsonObject body = get(path);
    assertEquals(expected.size(), body.getLong("total_count"), path);
    JsonArray users = body.getJsonArray("users");
    assertEquals(Math.min(limit, expected.size()), users.size(), path);
    assertEquals(limit < expected.size(), body.getBoolean("has_more"), path);
    String previous = "9999";
    for (Object o : users) {
      JsonObject u = ((JsonObject) o).copy();
      assertEquals(List.of("visitor_id", "user_id", "email", "first_seen", "last_seen", "total_events", "total_sessions", "country", "city",
          "device", "browser"), new ArrayList<>(u.fieldNames()));
      assertTrue(u.getString("last_seen").compareTo(previous) <= 0, "most recent first");
      previous = u.getString("last_seen");
      JsonObject want = expected.values().stream().filter(x -> Objects.equals(x.getString("user_id"), u.getString("user_id"))
          && (u.getString("user_id") != null || Objects.equals(x.getString("visitor_id"), u.getString("visitor_id"))
          || x.getString("visitor_id") == null && x.getString("first_seen").equals(u.getString("first_seen")))).findFirst().orElse(null);
      assertNotNull(want, path + " unexpected " + u);
      if (want.getString("visitor_id") == null) { // a hashed anonymous visitor: the id is Sightline's own
        assertTrue(u.getString("visitor_id").matches("-?\\d+"));
        u.put("visitor_id", null);
      }
      assertEquals(want, u, path);
    }
  }

  @Test
  void usersListThePeopleActiveInTheRangeAndSearchFindsThemByIdOrEmail() {
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      checkUsers("/api/v1/users?" + range[0], expectedUsers(r, p -> true), 100);
      checkUsers("/api/v1/users?" + range[0] + "&limit=3", expectedUsers(r, p -> true), 3);
    }
    Object[] whole = ranges().get(0);
    Range r = (Range) whole[1];
    checkUsers("/api/v1/users?" + whole[0] + "&search=" + q("user-5@example.com"), expectedUsers(r, p -> p.equals("user-5")), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=" + q("USER-10@Example"), expectedUsers(r, p -> p.equals("user-10")), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=user-15", expectedUsers(r, p -> p.equals("user-15")), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=anon-7", expectedUsers(r, p -> p.equals("anon-7")), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=anon-6", expectedUsers(r, p -> p.equals("user-6")), 100); // identified later
    String internal = Long.toString(io.sightline.ingest.session.VisitorIds.stable(1, "v:anon-8"));
    checkUsers("/api/v1/users?" + whole[0] + "&search=" + internal, expectedUsers(r, p -> p.equals("anon-8")), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=" + q("' or 1=1 --"), Map.of(), 100);
    checkUsers("/api/v1/users?" + whole[0] + "&search=" + q("@example.com"), expectedUsers(r, p -> p.startsWith("user-")), 100);
  }

  @Test
  void aUserProfileHasItsSessionsWithEventsAndItsConversionsIncludingItsAnonymousHistory() {
    for (String[] c : new String[][] {{"user-1", "user-1"}, {"anon-1", "user-1"}, {"user-5", "user-5"}, {"anon-2", "anon-2"},
        {Long.toString(io.sightline.ingest.session.VisitorIds.stable(1, "v:anon-3")), "anon-3"}}) {
      List<Ev> events = data.events.stream().filter(e -> e.person().equals(c[1])).toList();
      JsonObject body = get("/api/v1/users/" + q(c[0]));
      assertEquals(List.of("user", "sessions", "conversions"), new ArrayList<>(body.fieldNames()));
      JsonObject user = body.getJsonObject("user");
      Ev last = events.get(events.size() - 1);
      assertEquals(new JsonObject().put("visitor_id", internalId(last)).put("user_id", c[1].startsWith("user-") ? c[1] : null)
          .put("email", c[1].startsWith("user-") ? c[1] + "@example.com" : null).put("first_seen", isoSeconds(events.get(0).ts()))
          .put("last_seen", isoSeconds(last.ts())).put("total_events", events.stream().filter(Ev::counted).count())
          .put("total_sessions", events.stream().map(Ev::session).distinct().count()).put("country", DatalyrData.COUNTRIES[last.geo()])
          .put("city", DatalyrData.CITIES[last.geo()]), user, c[0]);
      Map<String, List<Ev>> sessions = new LinkedHashMap<>();
      events.forEach(e -> sessions.computeIfAbsent(e.session(), k -> new ArrayList<>()).add(e));
      List<List<Ev>> newestFirst = new ArrayList<>(sessions.values());
      java.util.Collections.reverse(newestFirst);
      JsonArray got = body.getJsonArray("sessions");
      assertEquals(newestFirst.size(), got.size(), c[0]);
      for (int i = 0; i < got.size(); i++) {
        List<Ev> s = newestFirst.get(i);
        JsonObject gs = got.getJsonObject(i);
        JsonArray list = new JsonArray();
        s.stream().filter(Ev::counted).forEach(e -> {
          JsonObject x = new JsonObject().put("event_name", e.name());
          if (e.type().equals("pageview")) {
            x.put("page_path", e.path());
          }
          list.add(x.put("received_at", isoSeconds(e.ts())));
        });
        assertTrue(gs.getString("session_id").matches("\\d+"));
        assertEquals(isoSeconds(s.get(0).ts()), gs.getString("started_at"));
        assertEquals(isoSeconds(s.get(s.size() - 1).ts()), gs.getString("ended_at"));
        assertEquals(Duration.between(s.get(0).ts(), s.get(s.size() - 1).ts()).getSeconds(), gs.getLong("duration_seconds"));
        assertEquals(list.size(), gs.getInteger("events_count"));
        assertEquals(s.stream().filter(e -> e.type().equals("pageview")).count(), gs.getLong("pageviews_count"));
        assertEquals(list, gs.getJsonArray("events"), c[0]);
      }
      JsonArray conversions = new JsonArray();
      events.stream().filter(Ev::conversion).sorted(Comparator.comparing(Ev::ts).reversed()).forEach(e -> conversions.add(new JsonObject()
          .put("event_name", e.name()).put("value", e.revenue() == null ? null : e.revenue().doubleValue()).put("received_at", isoSeconds(e.ts()))));
      assertEquals(conversions.stream().map(Object::toString).sorted().toList(),
          body.getJsonArray("conversions").stream().map(Object::toString).sorted().toList(), c[0]);
    }
    HttpResponse<String> missing = server.get("/api/v1/users/nobody-at-all", "Authorization", "Bearer " + key);
    assertEquals(404, missing.statusCode());
    assertEquals("not_found", new JsonObject(missing.body()).getString("code"));
  }

  // ---------------------------------------------------------------- attribution

  @Test
  void attributionCreditsStableVisitorsFirstTouchAndAnonymousSessionsOwnCampaign() {
    Map<String, Ev> first = sessionFirst();
    for (Object[] range : ranges()) {
      Range r = (Range) range[1];
      for (int window : new int[] {7, 30, 90}) {
        Map<List<String>, Set<String>> visitors = new HashMap<>();
        for (Ev e : in(r)) {
          DatalyrData.Touch t = first.get(e.session()).touch();
          if (t.utmCampaign() != null) {
            visitors.computeIfAbsent(List.of(t.utmSource(), t.utmMedium(), t.utmCampaign()), k -> new LinkedHashSet<>()).add(e.visitorKey());
          }
        }
        Map<List<String>, long[]> conversions = new HashMap<>(); // conversions, orders
        Map<List<String>, BigDecimal> revenue = new HashMap<>();
        Map<List<String>, Set<String>> converting = new HashMap<>(); // the people a conversion was credited for
        for (Ev c : in(r)) {
          if (!c.conversion()) {
            continue;
          }
          DatalyrData.Touch t;
          if (c.stable()) {
            Instant from = c.ts().minus(Duration.ofDays(window));
            t = first.values().stream().filter(s -> s.person().equals(c.person()) && s.touch().utmCampaign() != null
                    && !s.ts().isBefore(from) && !s.ts().isAfter(c.ts()))
                .min(Comparator.comparing(Ev::ts)).map(Ev::touch).orElse(null);
          } else {
            t = first.get(c.session()).touch();
          }
          if (t == null || t.utmCampaign() == null) {
            continue;
          }
          List<String> k = List.of(t.utmSource(), t.utmMedium(), t.utmCampaign());
          long[] n = conversions.computeIfAbsent(k, x -> new long[2]);
          n[0]++;
          n[1] += c.revenue() == null ? 0 : 1;
          revenue.merge(k, c.revenue() == null ? BigDecimal.ZERO : c.revenue(), BigDecimal::add);
          converting.computeIfAbsent(k, x -> new HashSet<>()).add(c.person());
        }
        Map<String, String> personOf = new HashMap<>();
        data.events.forEach(e -> personOf.put(e.visitorKey(), e.person()));
        Set<List<String>> keys = new LinkedHashSet<>(visitors.keySet());
        keys.addAll(conversions.keySet());
        List<JsonObject> rows = new ArrayList<>();
        for (List<String> k : keys) {
          Set<String> reached = visitors.getOrDefault(k, Set.of());
          long v = reached.size();
          long n = conversions.getOrDefault(k, new long[2])[0];
          long orders = conversions.getOrDefault(k, new long[2])[1];
          // converters: the campaign's visitors whose person converted for it (so never more than its visitors)
          long converters = reached.stream().filter(x -> converting.getOrDefault(k, Set.of()).contains(personOf.get(x))).count();
          BigDecimal money = revenue.getOrDefault(k, BigDecimal.ZERO);
          rows.add(new JsonObject().put("utm_source", k.get(0)).put("utm_medium", k.get(1)).put("utm_campaign", k.get(2)).put("visitors", v)
              .put("conversions", n).put("revenue", money.setScale(2, RoundingMode.HALF_UP).doubleValue())
              .put("conversion_rate", v == 0 ? 0.0
                  : BigDecimal.valueOf(converters * 100).divide(BigDecimal.valueOf(v), 2, RoundingMode.HALF_UP).doubleValue())
              .put("avg_order_value", orders == 0 ? 0.0 : money.divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_UP).doubleValue()));
        }
        rows.sort(Comparator.<JsonObject>comparingDouble(o -> -o.getDouble("revenue")).thenComparingLong(o -> -o.getLong("conversions"))
            .thenComparingLong(o -> -o.getLong("visitors")).thenComparing(o -> o.getString("utm_campaign")));
        if (range == ranges().get(0) || r.equals(((Range) ranges().get(0)[1]))) {
          assertTrue(conversions.values().stream().mapToLong(x -> x[0]).sum() > 5, "the data credits conversions");
        }
        String path = "/api/v1/attribution?" + range[0] + (window == 30 ? "" : "&window_days=" + window);
        JsonObject body = get(path);
        assertEquals(new JsonArray(new ArrayList<Object>(rows)), body.getJsonArray("campaigns"), path);
        for (Object o : body.getJsonArray("campaigns")) {
          assertTrue(((JsonObject) o).getDouble("conversion_rate") <= 100, path + " " + o);
        }
        assertEquals(window, body.getInteger("attribution_window_days"));
        assertEquals(rows.size(), body.getInteger("total_campaigns"));
        assertEquals(new JsonObject().put("start", r.start().toString()).put("end", isoSeconds(r.end().minusMillis(1))), body.getJsonObject("date_range"));
      }
    }
  }

  @Test
  void attributionCountsOrdersAndConversionGoalsNeverPageGoalsAndItsRateStaysWithin100() {
    HttpResponse<String> created = admin("POST", "/admin/v1/sites", "{\"domain\":\"attr.example\"}");
    assertEquals(201, created.statusCode(), created.body());
    int site = new JsonObject(created.body()).getInteger("id");
    for (String goal : List.of("{\"name\":\"Signup\",\"type\":\"custom\",\"match\":\"Signup\"}",
        "{\"name\":\"Pricing\",\"type\":\"pageview\",\"match\":\"/pricing\"}", "{\"name\":\"Forms\",\"type\":\"form\",\"match\":\"*\"}")) {
      assertEquals(201, admin("POST", "/admin/v1/sites/" + site + "/goals", goal).statusCode());
    }
    String siteKey = createKey(site, "[\"ingest\",\"read\"]", 1000);
    Instant t0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
    String campaign = "?utm_source=google&utm_medium=cpc&utm_campaign=launch";
    JsonArray batch = new JsonArray()
        // the buyer: three views of a page goal, two orders, a sign-up, a form goal
        .add(event("buyer", t0, "pageview", null, "/pricing" + campaign, null)).add(event("buyer", t0.plusSeconds(60), "pageview", null, "/pricing", null))
        .add(event("buyer", t0.plusSeconds(120), "pageview", null, "/pricing", null))
        .add(event("buyer", t0.plusSeconds(180), "custom", "Purchase", "/pricing", "49.99"))
        .add(event("buyer", t0.plusSeconds(240), "custom", "Purchase", "/pricing", "199.00"))
        .add(event("buyer", t0.plusSeconds(300), "custom", "Signup", "/pricing", null))
        .add(event("buyer", t0.plusSeconds(360), "form", "Contact", "/pricing", null))
        // a visitor of the same campaign who only looks at the priced page
        .add(event("looker", t0, "pageview", null, "/pricing" + campaign, null)).add(event("looker", t0.plusSeconds(60), "pageview", null, "/", null));
    HttpResponse<String> sent = server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", siteKey, "User-Agent", DatalyrData.UAS[0]);
    assertEquals(batch.size(), new JsonObject(sent.body()).getInteger("accepted"), sent.body());
    HttpResponse<String> r = server.get("/api/v1/attribution?" + dates(t0.minus(Duration.ofHours(1)), t0.plus(Duration.ofHours(1))),
        "Authorization", "Bearer " + siteKey);
    assertEquals(200, r.statusCode(), r.body());
    BigDecimal revenue = new BigDecimal("49.99").add(new BigDecimal("199.00"));
    assertEquals(new JsonArray().add(new JsonObject().put("utm_source", "google").put("utm_medium", "cpc").put("utm_campaign", "launch")
        .put("visitors", 2L).put("conversions", 3L).put("revenue", revenue.doubleValue())
        .put("conversion_rate", 50.0) // one of the two visitors converted
        .put("avg_order_value", revenue.divide(BigDecimal.valueOf(2), 2, RoundingMode.HALF_UP).doubleValue())), // revenue / orders
        new JsonObject(r.body()).getJsonArray("campaigns"));
    // the profile lists the same conversions: the orders and the sign-up
    HttpResponse<String> profile = server.get("/api/v1/users/buyer", "Authorization", "Bearer " + siteKey);
    assertEquals(200, profile.statusCode(), profile.body());
    assertEquals(List.of("Purchase", "Purchase", "Signup"), new JsonObject(profile.body()).getJsonArray("conversions").stream()
        .map(o -> ((JsonObject) o).getString("event_name")).sorted().toList());
  }

  private static JsonObject event(String visitor, Instant ts, String type, String name, String path, String revenue) {
    JsonObject e = new JsonObject().put("type", type).put("url", "https://attr.example" + path).put("timestamp", ts.toString())
        .put("visitor_id", visitor);
    if (name != null) {
      e.put("name", name);
    }
    if (revenue != null) {
      e.put("revenue_amount", new BigDecimal(revenue)).put("revenue_currency", "USD");
    }
    return e;
  }

  // ---------------------------------------------------------------- ads

  @Test
  void adsJoinImportedSpendWithSightlinesConversionsAndRevenueByCampaign() {
    Map<String, Ev> first = sessionFirst();
    Object[] whole = ranges().get(0);
    Range r = (Range) whole[1];
    String wide = "start_date=" + q(now.minus(Duration.ofDays(60)).toString()) + "&end_date=" + q(now.toString());
    Range wideRange = new Range(now.minus(Duration.ofDays(60)), now.plusSeconds(1));
    record Spend(String platform, String id, String name, String status, String spend, long impressions, long clicks) {
    }
    List<Spend> recent = List.of(new Spend("google", "g-1", "brand", "ACTIVE", "150.50", 15000, 350),
        new Spend("meta", "m-1", "retargeting", "PAUSED", "80.00", 20000, 400));
    List<Spend> older = List.of(new Spend("meta", "m-2", "spring_sale", "ACTIVE", "999.00", 1, 1));
    for (Object[] c : new Object[][] {{whole[0], r, recent, ""}, {whole[0], r, recent, "&platform=all"},
        {whole[0], r, recent.subList(1, 2), "&platform=meta"},
        {whole[0], r, List.of(), "&level=adset"}, {wide, wideRange, List.of(older.get(0), recent.get(0), recent.get(1)), ""},
        {wide, wideRange, List.of(older.get(0)), "&limit=1"}}) {
      Range range = (Range) c[1];
      @SuppressWarnings("unchecked") List<Spend> rows = (List<Spend>) c[2];
      String path = "/api/v1/ads?" + c[0] + c[3];
      JsonObject body = get(path);
      JsonArray expected = new JsonArray();
      BigDecimal totalSpend = BigDecimal.ZERO;
      BigDecimal totalRevenue = BigDecimal.ZERO;
      List<Spend> all = c[3].equals("&limit=1") ? List.of(older.get(0), recent.get(0), recent.get(1)) : rows;
      for (Spend a : all) {
        List<Ev> mine = in(range).stream().filter(e -> a.name().equals(first.get(e.session()).touch().utmCampaign())).toList();
        long conversions = mine.stream().filter(e -> e.counted() && e.name().equals("Signup")).count();
        BigDecimal revenue = mine.stream().filter(Ev::counted).map(Ev::revenue).filter(Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal spend = new BigDecimal(a.spend());
        totalSpend = totalSpend.add(spend);
        totalRevenue = totalRevenue.add(revenue);
        if (expected.size() < rows.size()) {
          expected.add(new JsonObject().put("platform", a.platform()).put("level", "campaign").put("campaign_id", a.id())
              .put("campaign_name", a.name()).put("status", a.status()).put("spend", spend.doubleValue()).put("impressions", a.impressions())
              .put("clicks", a.clicks()).put("conversions", conversions).put("revenue", revenue.setScale(2, RoundingMode.HALF_UP).doubleValue())
              .put("roas", revenue.divide(spend, 2, RoundingMode.HALF_UP).doubleValue())
              .put("ctr", BigDecimal.valueOf(a.clicks() * 100).divide(BigDecimal.valueOf(a.impressions()), 2, RoundingMode.HALF_UP).doubleValue())
              .put("cpc", spend.divide(BigDecimal.valueOf(a.clicks()), 2, RoundingMode.HALF_UP).doubleValue())
              .put("cpm", spend.multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(a.impressions()), 2, RoundingMode.HALF_UP).doubleValue()));
        }
      }
      assertEquals(expected, body.getJsonArray("data"), path);
      assertEquals(new JsonArray().add("google").add("meta"), body.getJsonArray("platforms_connected"));
      assertEquals(totalSpend.setScale(2, RoundingMode.HALF_UP).doubleValue(), body.getDouble("total_spend"), path);
      assertEquals(totalRevenue.setScale(2, RoundingMode.HALF_UP).doubleValue(), body.getDouble("total_revenue"), path);
      assertEquals(totalSpend.signum() == 0 ? null : totalRevenue.divide(totalSpend, 2, RoundingMode.HALF_UP).doubleValue(),
          body.getDouble("overall_roas"), path);
    }
    // bad imports are 400s and change nothing
    for (String bad : List.of("{}", "{\"rows\":[]}", "{\"rows\":[{\"platform\":\"bing\",\"campaign_id\":\"1\",\"date\":\"2026-01-01\"}]}",
        "{\"rows\":[{\"platform\":\"meta\",\"campaign_id\":\"1\",\"date\":\"yesterday\"}]}",
        "{\"rows\":[{\"platform\":\"meta\",\"campaign_id\":\"1\",\"date\":\"2026-01-01\",\"spend\":-5}]}",
        "{\"rows\":[{\"platform\":\"meta\",\"level\":\"ad\",\"campaign_id\":\"1\",\"adset_id\":\"2\",\"date\":\"2026-01-01\"}]}",
        "{\"rows\":[{\"platform\":\"meta\",\"campaign_id\":\"1\",\"date\":\"2026-01-01\",\"clicks\":1.5}]}")) {
      assertEquals(400, admin("POST", "/admin/v1/sites/1/ads", bad).statusCode(), bad);
    }
    JsonObject imports = new JsonObject(admin("GET", "/admin/v1/sites/1/ads", null).body());
    assertEquals(2, imports.getJsonArray("imports").size());
    assertEquals(4, imports.getJsonArray("imports").stream().mapToLong(o -> ((JsonObject) o).getLong("rows")).sum());
  }

  // ---------------------------------------------------------------- the seed's examples

  @Test
  void theSeedPagesExamplesAnswerWithTheDocumentedShapes() {
    JsonObject overview = get("/api/v1/overview?start_date=2026-03-10T00:00:00Z&end_date=2026-03-16T23:59:59Z");
    assertEquals(List.of("visitors_total", "pageviews_total", "sessions_total", "custom_events_total", "custom_event_counts", "time_series",
        "aggregation_level", "timezone"), new ArrayList<>(overview.fieldNames()));
    assertEquals("day", overview.getString("aggregation_level"));
    assertEquals(List.of("timestamp", "visitors", "pageviews", "sessions", "custom_events"),
        new ArrayList<>(overview.getJsonArray("time_series").getJsonObject(0).fieldNames()));
    assertEquals(8, overview.getJsonArray("time_series").size()); // Chicago days touched by the UTC range
    JsonObject traffic = get("/api/v1/traffic?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&type=referrer&limit=10");
    assertEquals(List.of("data", "total", "type"), new ArrayList<>(traffic.fieldNames()));
    JsonObject realtime = get("/api/v1/realtime?time_window=30");
    assertEquals(List.of("active_visitors", "pageviews", "events", "revenue", "top_pages", "top_referrers", "top_locations", "visitors",
        "timeline", "time_window", "timestamp"), new ArrayList<>(realtime.fieldNames()));
    JsonObject usage = get("/api/v1/usage");
    assertEquals(List.of("events_used", "events_limit", "postbacks_used", "postbacks_limit", "period_start", "period_end", "plan"),
        new ArrayList<>(usage.fieldNames()));
    JsonObject events = get("/api/v1/events?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&event_name=purchase&limit=1000&offset=0");
    assertEquals(List.of("events", "total_count", "has_more", "limit", "offset"), new ArrayList<>(events.fieldNames()));
    JsonObject names = get("/api/v1/event-names");
    assertEquals(List.of("events", "integrations"), new ArrayList<>(names.fieldNames()));
    JsonObject tags = get("/api/v1/tags?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z");
    assertEquals(List.of("data", "total"), new ArrayList<>(tags.fieldNames()));
    for (String type : List.of("browser", "os", "deviceType")) {
      assertEquals(type, get("/api/v1/devices?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&type=" + type).getString("type"));
    }
    JsonObject users = get("/api/v1/users?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&search=" + q("[email protected]"));
    assertEquals(List.of("users", "total_count", "has_more"), new ArrayList<>(users.fieldNames()));
    // all, the documented default of event_name and platform, may be asked for by name
    assertEquals(get("/api/v1/events?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z"),
        get("/api/v1/events?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&event_name=all"));
    assertEquals(get("/api/v1/ads?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z"),
        get("/api/v1/ads?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&platform=all"));
    JsonObject ads = get("/api/v1/ads?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&platform=meta&level=campaign");
    assertEquals(List.of("data", "platforms_connected", "total_spend", "total_revenue", "overall_roas"), new ArrayList<>(ads.fieldNames()));
    JsonObject attribution = get("/api/v1/attribution?start_date=2026-03-01T00:00:00Z&end_date=2026-03-16T23:59:59Z&window_days=30");
    assertEquals(List.of("campaigns", "attribution_window_days", "total_campaigns", "date_range"), new ArrayList<>(attribution.fieldNames()));
    assertEquals(new JsonObject().put("start", "2026-03-01T00:00:00Z").put("end", "2026-03-16T23:59:59Z"), attribution.getJsonObject("date_range"));
    JsonObject campaign = get("/api/v1/attribution?" + dates(now.minus(Duration.ofDays(6)), now)).getJsonArray("campaigns").getJsonObject(0);
    assertEquals(List.of("utm_source", "utm_medium", "utm_campaign", "visitors", "conversions", "revenue", "conversion_rate", "avg_order_value"),
        new ArrayList<>(campaign.fieldNames()));
    JsonObject ad = get("/api/v1/ads?" + dates(now.minus(Duration.ofDays(6)), now)).getJsonArray("data").getJsonObject(0);
    assertEquals(List.of("platform", "level", "campaign_id", "campaign_name", "status", "spend", "impressions", "clicks", "conversions", "revenue",
        "roas", "ctr", "cpc", "cpm"), new ArrayList<>(ad.fieldNames()));
    JsonObject locations = get("/api/v1/locations?" + dates(now.minus(Duration.ofDays(6)), now));
    assertEquals(List.of("name", "count", "percentage", "code"), new ArrayList<>(locations.getJsonArray("data").getJsonObject(0).fieldNames()));
  }
}
