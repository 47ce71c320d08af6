package io.sightline.ingest.http;

import io.sightline.config.ConfigLoader;
import io.sightline.support.MmdbWriter;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a fresh server does with no GeoIP or bot settings (the built-in defaults): crawlers dropped and counted by the layer that
 * decided, browsers stored, countries from the bundled database; and a configured database wins over the bundled one.
 */
@Tag("integration")
class OutOfTheBoxTest {
  private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private static final String SAFARI_IPHONE =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  private static RunningServer server;
  private static String readKey;

  @BeforeAll
  static void start() {
    // the defaults, except the tests' port and database (TestConfig turns the bundled GeoIP off for other tests: back to the default)
    server = RunningServer.start("ingest.geoipBundled", "true");
    readKey = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"r\",\"scopes\":[\"read\"]}", "x-api-key",
        server.adminKey()).body()).getString("key");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theBuiltInDefaultsUseTheBundledCountryDatabase() {
    var in = new ConfigLoader().load(null, false, Map.of(), Map.of()).ingest();
    assertTrue(in.geoipBundled());
    assertTrue(in.geoipDatabase().isEmpty());
    assertTrue(in.botPatternsFile().isEmpty() && in.botAllowFile().isEmpty() && in.datacenterIps().isEmpty());
    // the bundled data's build time (2026-06-17T19:51:40Z, its MMDB metadata) is on /metrics
    assertEquals(1_781_725_900, server.metric("sightline_geoip_database_build_timestamp"));
  }

  @Test
  void dropsCrawlersByLayerAndStoresBrowsersWithTheirCountry() {
    Map<String, String> crawlers = new LinkedHashMap<>(); // User-Agent → the layer expected to drop it
    crawlers.put("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "yauaa");
    crawlers.put("Blogtrottr/2.1", "list");
    crawlers.put("Pcore-HTTP/v0.44.0", "list");
    crawlers.put("Bitbucket-Webhooks/2.0", "list");
    crawlers.put("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36 GTmetrix", "curated");
    crawlers.put("Acme Inventory Sync (build 7; linux)", "not_browser");
    crawlers.put("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Puppeteer",
        "automation");
    Map<String, Double> before = new LinkedHashMap<>();
    for (String layer : List.of("yauaa", "list", "automation", "curated", "not_browser")) {
      before.put(layer, server.metric("sightline_ingest_events_dropped_total", "reason=\"bot\"", "layer=\"" + layer + "\""));
    }
    for (Map.Entry<String, String> c : crawlers.entrySet()) {
      HttpResponse<String> r = keyed("/crawled", "193.0.6.139", c.getKey());
      assertEquals(400, r.statusCode(), c.getKey() + " → " + r.body());
      assertTrue(r.body().contains("Bot User-Agent"), r.body());
    }
    Map<String, Double> expected = new LinkedHashMap<>(before);
    crawlers.values().forEach(layer -> expected.merge(layer, 1.0, Double::sum));
    Map<String, Double> after = new LinkedHashMap<>();
    for (String layer : before.keySet()) {
      after.put(layer, server.metric("sightline_ingest_events_dropped_total", "reason=\"bot\"", "layer=\"" + layer + "\""));
    }
    assertEquals(expected, after);

    // browsers from RIPE NCC's own network (193.0.0.0/20, NL) and the WIDE project's 133.0.0.0/8 (JP): two visitors each
    assertEquals(200, keyed("/visited", "193.0.6.139", FIREFOX).statusCode());
    assertEquals(200, keyed("/visited", "193.0.6.140", SAFARI_IPHONE).statusCode());
    assertEquals(200, keyed("/visited", "133.1.1.1", FIREFOX).statusCode());
    assertEquals(200, keyed("/visited", "133.1.1.2", FIREFOX).statusCode());
    server.foldRollups();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonObject query = new JsonObject().put("date_range", new JsonObject().put("start", today.toString()).put("end", today.plusDays(1).toString()))
        .put("dimensions", new JsonArray().add("country")).put("metrics", new JsonArray().add("visitors"))
        .put("filters", new JsonArray().add(new JsonObject().put("dimension", "page").put("operator", "is").put("value", "/visited")));
    HttpResponse<String> r = server.send("POST", "/api/query", query.encode(), "x-api-key", readKey);
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Integer> byCountry = new LinkedHashMap<>();
    new JsonObject(r.body()).getJsonArray("results").forEach(o -> byCountry.put(((JsonObject) o).getString("country"),
        ((JsonObject) o).getInteger("visitors")));
    assertEquals(Map.of("NL", 2, "JP", 2), byCountry);
    assertEquals(0, server.sql("select count(*) from events where pathname = '/crawled'").iterator().next().getLong(0));
  }

  @Test
  void aConfiguredDatabaseWinsOverTheBundledOne() throws Exception {
    Path dir = TestPostgres.tempDir("sightline-geo-override-");
    Path city = dir.resolve("city.mmdb");
    new MmdbWriter(4, "GeoLite2-City")
        .insert("193.0.0.0/20", Map.of("country", Map.of("iso_code", "DE"), "city", Map.of("names", Map.of("en", "Berlin"))))
        .write(city);
    try (RunningServer configured = RunningServer.start("ingest.geoipBundled", "true", "ingest.geoipDatabase", city.toString())) {
      HttpResponse<String> r = configured.send("POST", "/api/event", "{\"url\":\"https://localhost/configured\"}", "x-api-key",
          configured.siteKey(), "X-Forwarded-For", "193.0.6.139", "User-Agent", FIREFOX, "Content-Type", "application/json");
      assertEquals(200, r.statusCode(), r.body());
      var row = configured.sql("select country, city from events where pathname = '/configured'").iterator().next();
      assertEquals("DE", row.getString("country"), "the configured database, not the bundled one's NL");
      assertEquals("Berlin", row.getString("city"));
      assertEquals(1_700_000_000, configured.metric("sightline_geoip_database_build_timestamp"), "the configured database's build time");
    } finally {
      TestPostgres.deleteRecursively(dir);
    }
  }

  private static HttpResponse<String> keyed(String path, String ip, String ua) {
    return server.send("POST", "/api/event", "{\"url\":\"https://localhost" + path + "\"}", "x-api-key", server.siteKey(),
        "X-Forwarded-For", ip, "User-Agent", ua, "Content-Type", "application/json");
  }
}
