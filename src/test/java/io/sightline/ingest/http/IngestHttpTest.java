package io.sightline.ingest.http;

import io.sightline.support.MmdbWriter;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beacons over HTTP into real PostgreSQL, read back column by column. */
@Tag("integration")
class IngestHttpTest {
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  static Path dir;
  static RunningServer server;
  static String key;
  static int keyDbId;

  @BeforeAll
  static void start() throws Exception {
    dir = TestPostgres.tempDir("sightline-geo-");
    Path geo = dir.resolve("city.mmdb");
    new MmdbWriter(4, "GeoLite2-City")
        .insert("81.2.69.0/24", Map.of("country", Map.of("iso_code", "GB"), "subdivisions", List.of(Map.of("iso_code", "ENG")),
            "city", Map.of("names", Map.of("en", "London"))))
        .insert("5.145.0.0/16", Map.of("country", Map.of("iso_code", "DE"), "subdivisions", List.of(Map.of("iso_code", "BE")),
            "city", Map.of("names", Map.of("en", "Berlin"))))
        .write(geo);
    server = RunningServer.start("ingest.geoipDatabase", geo.toString(), "ingest.keylessRateLimitPerMinute", "5",
        "ingest.excludedIps", "198.51.100.0/24", "http.maxBodyBytes", "65536",
        // a backfill window beyond storage.partitionDaysBehind (7): the partitions kept behind follow it
        "ingest.backfillDays", "20");
    key = server.siteKey();
    keyDbId = server.sql("select id from api_keys where name like 'site key%'").iterator().next().getInteger("id");
  }

  @AfterAll
  static void stop() {
    server.close();
    TestPostgres.deleteRecursively(dir);
  }

  private static HttpResponse<String> keyed(String body, String ip, String ua) {
    return ua == null ? server.send("POST", "/api/event", body, "x-api-key", key, "X-Forwarded-For", ip, "Content-Type", "application/json")
        : server.send("POST", "/api/event", body, "x-api-key", key, "X-Forwarded-For", ip, "User-Agent", ua, "Content-Type", "application/json");
  }

  private static HttpResponse<String> beacon(String body, String ip, String ua, String... extraHeaders) {
    String[] headers = new String[6 + extraHeaders.length];
    headers[0] = "X-Forwarded-For";
    headers[1] = ip;
    headers[2] = "User-Agent";
    headers[3] = ua;
    headers[4] = "Content-Type";
    headers[5] = "text/plain";
    System.arraycopy(extraHeaders, 0, headers, 6, extraHeaders.length);
    return server.send("POST", "/api/event", body, headers);
  }

  private static Row event(String where, Object... args) {
    RowSet<Row> rows = server.sql("select * from events where " + where, args);
    assertEquals(1, rows.size(), "events where " + where);
    return rows.iterator().next();
  }

  private static long count(String where) {
    return server.sql("select count(*) as n from events where " + where).iterator().next().getLong("n");
  }

  @Test
  void storesAClickportPageviewWithEveryColumn() {
    HttpResponse<String> r = keyed("""
        {"url":"https://localhost/pricing?plan=pro&utm_source=newsletter&utm_medium=email&utm_campaign=spring&fbclid=XYZ",
         "referrer":"https://mail.google.com/mail/u/0/","screen_width":390,"timezone":"Europe/London",
         "tags":["vip","beta"],"user_id":"user-17"}""", "81.2.69.160", IPHONE);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(true, body.getBoolean("success"));
    long eventId = Long.parseLong(body.getString("page_visit_id"), 16);
    Row e = event("event_id = $1", eventId);
    assertEquals(body.getLong("session_id"), e.getLong("session_id"));
    assertEquals("pageview", e.getString("type"));
    assertEquals("pageview", e.getString("name"));
    assertEquals("localhost", e.getString("hostname"));
    assertEquals("/pricing", e.getString("pathname"));
    assertEquals("plan=pro", e.getString("query"));
    assertEquals("fbclid", e.getString("click_id_param"));
    assertEquals("https://mail.google.com/mail/u/0/", e.getString("referrer"));
    assertEquals("mail.google.com", e.getString("referrer_host"));
    assertEquals("newsletter", e.getString("source"));
    assertEquals("Email", e.getString("channel"));
    assertEquals("newsletter", e.getString("utm_source"));
    assertEquals("email", e.getString("utm_medium"));
    assertEquals("spring", e.getString("utm_campaign"));
    assertEquals("GB", e.getString("country"));
    assertEquals("GB-ENG", e.getString("region"));
    assertEquals("London", e.getString("city"));
    assertEquals("mobile", e.getString("device"));
    assertEquals("Safari", e.getString("browser"));
    assertEquals("17", e.getString("browser_version"));
    assertEquals("iOS", e.getString("os"));
    assertEquals(390, e.getInteger("screen_width"));
    assertArrayEquals(new String[] {"vip", "beta"}, e.getArrayOfStrings("tags"));
    assertEquals("user-17", e.getString("user_id"));
    assertEquals(eventId, e.getLong("page_visit_id"));
    assertEquals(keyDbId, e.getInteger("key_id"));
    assertEquals(true, e.getBoolean("interactive"));
    assertTrue(Duration.between(e.getOffsetDateTime("ts").toInstant(), Instant.now()).abs().getSeconds() < 60);

    Row s = server.sql("select * from sessions where session_id = $1", e.getLong("session_id")).iterator().next();
    assertEquals("/pricing", s.getString("entry_page"));
    assertEquals("/pricing", s.getString("exit_page"));
    assertEquals(1, s.getInteger("pageviews"));
    assertEquals("Email", s.getString("channel"));
    assertEquals("GB", s.getString("country"));
    assertArrayEquals(new Integer[] {keyDbId}, s.getArrayOfIntegers("key_ids"));
  }

  @Test
  void storesCustomEventsWithPropertiesRevenueAndClickTargets() {
    String ip = "5.145.1.1";
    keyed("{\"url\":\"https://localhost/shop\"}", ip, CHROME);
    HttpResponse<String> custom = keyed("""
        {"type":"custom","name":"Purchase","url":"https://localhost/shop","revenue_amount":49.99,"revenue_currency":"eur",
         "meta_keys":["plan","seats"],"meta_values":["pro","5"]}""", ip, CHROME);
    assertEquals(200, custom.statusCode(), custom.body());
    JsonObject body = new JsonObject(custom.body());
    assertNull(body.getValue("page_visit_id"), "only pageviews answer a page_visit_id");
    Row e = event("session_id = $1 and type = 'custom'", body.getLong("session_id"));
    assertEquals("Purchase", e.getString("name"));
    assertEquals(new JsonObject().put("plan", "pro").put("seats", "5"), new JsonObject(e.getValue("props").toString()));
    assertEquals(0, new BigDecimal("49.99").compareTo(e.getBigDecimal("revenue_amount")));
    assertEquals("EUR", e.getString("revenue_currency"));
    assertEquals("DE-BE", e.getString("region"));

    HttpResponse<String> click = keyed("""
        {"type":"click","url":"https://localhost/shop","target_label":"  Buy   now ","target_secondary":"https://stripe.example/pay"}""",
        ip, CHROME);
    Row c = event("session_id = $1 and type = 'click'", new JsonObject(click.body()).getLong("session_id"));
    assertEquals("Buy now", c.getString("target_label"));
    assertEquals("https://stripe.example/pay", c.getString("target_secondary"));
    Row pageview = event("session_id = $1 and type = 'pageview'", body.getLong("session_id"));
    assertEquals(pageview.getLong("event_id"), c.getLong("page_visit_id"), "the click belongs to the pageview before it");
    Row s = server.sql("select * from sessions where session_id = $1", body.getLong("session_id")).iterator().next();
    assertEquals(3, s.getInteger("events"));
    assertEquals(1, s.getInteger("clicks"));
    assertEquals(true, s.getBoolean("interactive"));
    assertEquals(0, new BigDecimal("49.99").compareTo(s.getBigDecimal("revenue_amount")));
  }

  @Test
  void acceptsThePlausibleTrackersBeaconsWithoutAKey() {
    HttpResponse<String> pv = beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/blog/post?ref=hn\",\"d\":\"localhost\","
        + "\"r\":\"https://news.ycombinator.com/item?id=1\"}", "81.2.69.10", CHROME);
    assertEquals(202, pv.statusCode());
    assertEquals("ok", pv.body());
    assertEquals("*", pv.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    HttpResponse<String> signup = beacon("{\"name\":\"Signup\",\"url\":\"https://localhost/blog/post\",\"domain\":\"localhost\","
        + "\"props\":{\"author\":\"ann\",\"words\":1200},\"revenue\":{\"amount\":\"19.90\",\"currency\":\"USD\"},\"interactive\":true}",
        "81.2.69.10", CHROME);
    assertEquals(202, signup.statusCode());
    HttpResponse<String> engagement = beacon("{\"n\":\"engagement\",\"u\":\"https://localhost/blog/post\",\"d\":\"localhost\",\"sd\":73,\"e\":5400}",
        "81.2.69.10", CHROME);
    assertEquals(202, engagement.statusCode());

    Row p = event("pathname = '/blog/post' and type = 'pageview' and country = 'GB'");
    assertEquals("hn", p.getString("source"), "a ref parameter names the source before the referrer (DESIGN.md)");
    assertEquals("Organic Social", p.getString("channel"));
    assertNull(p.getInteger("key_id"));
    Row s = event("pathname = '/blog/post' and name = 'Signup'");
    assertEquals(p.getLong("session_id"), s.getLong("session_id"));
    assertEquals("1200", new JsonObject(s.getValue("props").toString()).getString("words"));
    assertEquals(0, new BigDecimal("19.90").compareTo(s.getBigDecimal("revenue_amount")));
    Row g = event("pathname = '/blog/post' and type = 'engagement'");
    assertEquals(73, g.getInteger("scroll_depth"));
    assertEquals(5400, g.getInteger("engagement_ms"));
    assertEquals(false, g.getBoolean("interactive"));
    Row session = server.sql("select * from sessions where session_id = $1", p.getLong("session_id")).iterator().next();
    assertEquals(73, session.getInteger("max_scroll"));
    assertEquals(5400L, session.getLong("engagement_ms"));
    assertEquals(2, session.getInteger("events"));
  }

  @Test
  void answersTheCorsPreflight() {
    HttpResponse<String> r = server.send("OPTIONS", "/api/event", null, "Origin", "https://anywhere.example",
        "Access-Control-Request-Method", "POST");
    assertEquals(204, r.statusCode());
    assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void splitsSessionsAfterThirtyMinutesOfIdlenessAndNotBefore() {
    Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(95));
    String ip = "81.2.69.77";
    String[] paths = {"/s1", "/s2", "/s3"};
    Instant[] times = {base, base.plus(Duration.ofMinutes(30)), base.plus(Duration.ofMinutes(60)).plusSeconds(1)};
    long[] sessions = new long[3];
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = keyed("{\"url\":\"https://localhost" + paths[i] + "\",\"timestamp\":\"" + times[i] + "\"}", ip, CHROME);
      assertEquals(200, r.statusCode(), r.body());
      sessions[i] = new JsonObject(r.body()).getLong("session_id");
    }
    assertEquals(sessions[0], sessions[1]);
    assertNotEquals(sessions[1], sessions[2]);
    Row first = server.sql("select * from sessions where session_id = $1", sessions[0]).iterator().next();
    assertEquals(2, first.getInteger("pageviews"));
    assertEquals("/s1", first.getString("entry_page"));
    assertEquals("/s2", first.getString("exit_page"));
    assertEquals(Duration.ofMinutes(30), Duration.between(first.getOffsetDateTime("started_at"), first.getOffsetDateTime("last_seen_at")));
    assertEquals(times[0], event("pathname = '/s1'").getOffsetDateTime("ts").toInstant());
  }

  @Test
  void aVisitorCrossingMidnightKeepsItsSession() {
    Instant midnight = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant before = midnight.minus(Duration.ofMinutes(10));
    Instant after = Instant.now().isBefore(midnight.plus(Duration.ofMinutes(10))) ? Instant.now() : midnight.plus(Duration.ofMinutes(10));
    String ip = "81.2.69.99";
    HttpResponse<String> evening = keyed("{\"url\":\"https://localhost/night\",\"timestamp\":\"" + before + "\"}", ip, CHROME);
    HttpResponse<String> morning = keyed("{\"url\":\"https://localhost/morning\",\"timestamp\":\"" + after + "\"}", ip, CHROME);
    assertEquals(200, morning.statusCode(), morning.body());
    long session = new JsonObject(evening.body()).getLong("session_id");
    assertEquals(session, new JsonObject(morning.body()).getLong("session_id"));
    assertEquals(event("pathname = '/night'").getLong("visitor_id"), event("pathname = '/morning'").getLong("visitor_id"));
    assertEquals(1L, server.sql("select count(*) as n from sessions where session_id = $1", session).iterator().next().getLong("n"));
  }

  @Test
  void dropsUnwantedTrafficWithoutARowAndCountsEachReason() {
    double dnt = server.metric("sightline_ingest_events_dropped_total", "reason=\"dnt\"");
    double bot = server.metric("sightline_ingest_events_dropped_total", "reason=\"bot\"");
    double spam = server.metric("sightline_ingest_events_dropped_total", "reason=\"referrer_spam\"");
    double limited = server.metric("sightline_ingest_events_dropped_total", "reason=\"rate_limited\"");
    double excluded = server.metric("sightline_ingest_events_dropped_total", "reason=\"excluded_ip\"");
    double unknown = server.metric("sightline_ingest_events_dropped_total", "reason=\"unknown_site\"");

    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/dnt\",\"d\":\"localhost\"}", "81.2.69.1", CHROME, "DNT", "1").statusCode());
    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/bot\",\"d\":\"localhost\"}", "81.2.69.2",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").statusCode());
    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/spam\",\"d\":\"localhost\",\"r\":\"http://semalt.com/\"}",
        "81.2.69.3", CHROME).statusCode());
    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/excluded\",\"d\":\"localhost\"}", "198.51.100.9", CHROME).statusCode());
    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://other.example/\",\"d\":\"other.example\"}", "81.2.69.4", CHROME).statusCode());
    for (int i = 0; i < 7; i++) {
      assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/limited\",\"d\":\"localhost\"}", "81.2.69.5", CHROME).statusCode());
    }
    assertEquals(400, keyed("{\"url\":\"https://localhost/keyed-bot\"}", "81.2.69.6", "curl/8.5.0").statusCode());
    HttpResponse<String> dntKeyed = server.send("POST", "/api/event", "{\"url\":\"https://localhost/keyed-dnt\"}", "x-api-key", key,
        "User-Agent", CHROME, "DNT", "1");
    assertEquals(200, dntKeyed.statusCode());
    assertEquals(new JsonObject().put("success", true), new JsonObject(dntKeyed.body()), "dropped: success without ids");

    for (String path : List.of("/dnt", "/bot", "/spam", "/excluded", "/keyed-bot", "/keyed-dnt")) {
      assertEquals(0, count("pathname = '" + path + "'"), path);
    }
    assertEquals(5, count("pathname = '/limited'"), "60/min by default, 5 in this test");
    assertEquals(dnt + 2, server.metric("sightline_ingest_events_dropped_total", "reason=\"dnt\""));
    assertEquals(bot + 2, server.metric("sightline_ingest_events_dropped_total", "reason=\"bot\""));
    assertEquals(spam + 1, server.metric("sightline_ingest_events_dropped_total", "reason=\"referrer_spam\""));
    assertEquals(limited + 2, server.metric("sightline_ingest_events_dropped_total", "reason=\"rate_limited\""));
    assertEquals(excluded + 1, server.metric("sightline_ingest_events_dropped_total", "reason=\"excluded_ip\""));
    assertEquals(unknown + 1, server.metric("sightline_ingest_events_dropped_total", "reason=\"unknown_site\""));
  }

  @Test
  void aSenderCannotSpoofTheVisitorAddressWithoutBeingBehindATrustedProxy() {
    // the test client connects from 127.0.0.1, which is a trusted proxy by default; an untrusted peer's
    // X-Forwarded-For is covered in ClientIpResolverTest. Here: the forwarded address is the one used.
    beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/geo-check\",\"d\":\"localhost\"}", "5.145.9.9", CHROME);
    assertEquals("DE", event("pathname = '/geo-check'").getString("country"));
  }

  @Test
  void reportsEachEventOfABatchAndCommitsTheAcceptedOnesTogether() {
    HttpResponse<String> r = server.send("POST", "/api/event/batch", """
        [{"url":"https://localhost/batch-1"},
         {"url":"https://elsewhere.example/"},
         "not an object",
         {"type":"custom","url":"https://localhost/batch-1"},
         {"type":"custom","name":"Batch Done","url":"https://localhost/batch-1","timestamp":1}]""",
        "x-api-key", key, "User-Agent", CHROME, "X-Forwarded-For", "81.2.69.55");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(1, body.getInteger("accepted"));
    JsonArray results = body.getJsonArray("results");
    assertEquals(true, results.getJsonObject(0).getBoolean("success"));
    assertEquals("hostname_mismatch", results.getJsonObject(1).getString("reason"));
    assertEquals(false, results.getJsonObject(2).getBoolean("success"));
    assertTrue(results.getJsonObject(3).getString("error").contains("name is required"));
    assertTrue(results.getJsonObject(4).getString("error").contains("timestamp"), results.getJsonObject(4).encode());
    assertEquals(1, count("pathname = '/batch-1'"));
    assertEquals(400, server.send("POST", "/api/event/batch", "{\"url\":\"x\"}", "x-api-key", key).statusCode());
    assertEquals(401, server.send("POST", "/api/event/batch", "[]").statusCode());
  }

  @Test
  void answersBadInputWithA4xxInClickportsErrorShapeAndStoresHostileTextVerbatim() {
    assertError(keyed("{not json", "81.2.69.1", CHROME), 400);
    assertError(keyed("[1,2]", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":42}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"type\":\"drop table\"}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"screen_width\":\"wide\"}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"timezone\":\"Mars/Base\"}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"revenue_amount\":\"lots\"}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"meta_keys\":[\"a\"],\"meta_values\":[\"" + "x".repeat(2001) + "\"]}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/" + "a".repeat(5000) + "\"}", "81.2.69.1", CHROME), 400);
    assertError(keyed("{\"url\":\"https://localhost/\",\"x\":\"" + "a".repeat(70_000) + "\"}", "81.2.69.1", CHROME), 413);
    assertError(keyed("{\"url\":\"https://localhost/\"}", "81.2.69.1", null), 400);
    assertError(server.send("POST", "/api/event", "{\"n\":\"pageview\"}", "User-Agent", CHROME), 400);
    assertEquals(401, server.send("POST", "/api/event", "{\"url\":\"https://localhost/\"}", "x-api-key", "sl_wrong").statusCode());

    assertError(keyed("{\"type\":\"custom\",\"name\":\"a\\u0000b\",\"url\":\"https://localhost/\"}", "81.2.69.1", CHROME), 400);
    assertEquals(200, keyed("{\"url\":\"https://localhost/nul%00byte\"}", "81.2.69.1", CHROME).statusCode());
    assertEquals(1, count("pathname = '/nulbyte'"), "a %00 in the path is dropped, not stored");

    String hostile = "'; drop table events; -- <script>alert(1)</script>";
    HttpResponse<String> r = keyed(new JsonObject().put("type", "custom").put("name", hostile).put("url", "https://localhost/hostile")
        .put("props", new JsonObject().put(hostile, hostile)).encode(), "81.2.69.1", CHROME);
    assertEquals(200, r.statusCode(), r.body());
    Row e = event("pathname = '/hostile'");
    assertEquals(hostile, e.getString("name"));
    assertEquals(hostile, new JsonObject(e.getValue("props").toString()).getString(hostile));
  }

  @Test
  void aKeyWithoutTheIngestScopeIsForbidden() {
    String readOnly = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"reader\",\"scopes\":[\"read\"]}",
        "x-api-key", server.adminKey()).body()).getString("key");
    HttpResponse<String> r = server.send("POST", "/api/event", "{\"url\":\"https://localhost/\"}", "x-api-key", readOnly, "User-Agent", CHROME);
    assertEquals(403, r.statusCode());
    assertEquals("Forbidden", new JsonObject(r.body()).getString("error"));
  }

  @Test
  void storesABackfilledEventOlderThanTheDefaultPartitionsBehind() {
    Instant fifteenDaysAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(15));
    HttpResponse<String> r = keyed("{\"url\":\"https://localhost/backfilled\",\"visitor_id\":\"crm-9\",\"timestamp\":\""
        + fifteenDaysAgo + "\"}", "81.2.69.175", CHROME);
    assertEquals(200, r.statusCode(), r.body());
    Row e = event("pathname = '/backfilled'");
    assertEquals(fifteenDaysAgo, e.getOffsetDateTime("ts").toInstant());
  }

  @Test
  void aPlusInAPageUrlsQueryIsASpaceSoAFilterOnTheUtmValueFindsIt() {
    // as browsers encode form values and as ad platforms write utm_term: '+' for a space, and '%20' as well
    assertEquals(200, keyed("{\"url\":\"https://localhost/plus?utm_source=ads&utm_term=web+analytics+plus&utm_campaign=spring+sale\"}",
        "81.2.69.171", CHROME).statusCode());
    assertEquals(202, beacon("{\"n\":\"pageview\",\"u\":\"https://localhost/plus?utm_term=web+analytics+plus\",\"d\":\"localhost\"}",
        "81.2.69.172", CHROME).statusCode());
    assertEquals(200, keyed("{\"url\":\"https://localhost/plus?utm_term=web%20analytics%20plus\"}", "81.2.69.173", CHROME).statusCode());
    assertEquals(200, keyed("{\"url\":\"https://localhost/a+b?utm_term=c%2Bd\"}", "81.2.69.174", CHROME).statusCode());

    Row first = event("utm_campaign = 'spring sale'");
    assertEquals("web analytics plus", first.getString("utm_term"));
    assertEquals("/a+b", event("utm_term = 'c+d'").getString("pathname"), "a '+' in the path, or encoded as %2B, is a plus sign");

    JsonObject query = new JsonObject().put("metrics", new JsonArray().add("visitors").add("pageviews")).put("period", "7d")
        .put("filters", new JsonArray().add(new JsonObject().put("dimension", "utm_term").put("operator", "is").put("value", "web analytics plus")));
    HttpResponse<String> r = server.send("POST", "/api/query", query.encode(), "x-api-key", key);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject totals = new JsonObject(r.body()).getJsonObject("results");
    assertEquals(3, totals.getInteger("pageviews"), r.body());
    assertEquals(3, totals.getInteger("visitors"), r.body());
  }

  private static void assertError(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertTrue(body.getString("error") != null && body.getString("message") != null, r.body());
  }
}
