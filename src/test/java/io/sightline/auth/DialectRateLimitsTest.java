package io.sightline.auth;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each dialect holds a key to its own limit ({@code auth.rateLimitPerMinute.<dialect>}) in its own
 * window, so running out with one dialect leaves the others alone; the admin API keeps
 * {@code auth.defaultRateLimitPerMinute}; a key's own limit wins everywhere.
 */
@Tag("integration")
class DialectRateLimitsTest {
  static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start("auth.rateLimitPerMinute.datalyr", "2", "auth.rateLimitPerMinute.clickport", "4",
        "auth.rateLimitPerMinute.humblytics", "5", "auth.rateLimitPerMinute.hubspot", "6", "auth.rateLimitPerMinute.hum", "7",
        "auth.defaultRateLimitPerMinute", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String createKey(String limit) {
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"reader\",\"scopes\":[\"read\"]"
        + (limit == null ? "" : ",\"rate_limit_per_minute\":" + limit) + "}", "x-api-key", server.adminKey());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("key");
  }

  private static HttpResponse<String> get(String path, String key) {
    return server.get(path, "Authorization", "Bearer " + key);
  }

  private static void assertCounted(HttpResponse<String> r, int limit, int remaining, String what) {
    assertEquals(Integer.toString(limit), r.headers().firstValue("X-RateLimit-Limit").orElse(null), what + " " + r.body());
    assertEquals(Integer.toString(remaining), r.headers().firstValue("X-RateLimit-Remaining").orElse(null), what);
  }

  /** Waits, when the minute's window is about to end, for the next one: the counts below must fall in one window. */
  private static void awayFromTheMinutesEnd() throws InterruptedException {
    long intoMinute = System.currentTimeMillis() % 60_000;
    if (intoMinute > 45_000) {
      Thread.sleep(60_000 - intoMinute + 200);
    }
  }

  @Test
  void eachDialectCountsAKeyAgainstItsOwnLimitInItsOwnWindow() throws Exception {
    awayFromTheMinutesEnd();
    String key = createKey(null);
    // DATALYR: 2 a minute, then 429
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = get("/api/v1/workspace", key);
      assertEquals(200, r.statusCode(), r.body());
      assertCounted(r, 2, 1 - i, "datalyr");
    }
    HttpResponse<String> refused = get("/api/v1/workspace", key);
    assertEquals(429, refused.statusCode());
    assertCounted(refused, 2, 0, "datalyr over");
    // Clickport is not touched by DATALYR's count: its own 4
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = get("/api/realtime", key);
      assertEquals(200, r.statusCode(), r.body());
      assertCounted(r, 4, 3 - i, "clickport");
    }
    assertEquals(429, get("/api/realtime", key).statusCode());
    assertCounted(get("/api/external/v1/properties/1/traffic/realtime", key), 5, 4, "humblytics");
    assertCounted(get("/analytics/v2/views", key), 6, 5, "hubspot");
    assertCounted(get("/analytics/sessions", key), 7, 6, "hum");
    HttpResponse<String> admin = server.get("/admin/v1/sites", "x-api-key", server.adminKey());
    assertEquals(200, admin.statusCode());
    assertEquals("50", admin.headers().firstValue("X-RateLimit-Limit").orElseThrow(), "the admin API");
    assertTrue(server.metric("sightline_api_rate_limited_total", "api=\"datalyr\"") >= 1);
    assertTrue(server.metric("sightline_api_rate_limited_total", "api=\"clickport\"") >= 1);
    long reset = Long.parseLong(refused.headers().firstValue("X-RateLimit-Reset").orElseThrow());
    assertTrue(reset > Instant.now().getEpochSecond() - 1 && reset <= Instant.now().getEpochSecond() + 61);
  }

  @Test
  void aKeysOwnLimitWinsInEveryDialectEachStillCountingApart() throws Exception {
    awayFromTheMinutesEnd();
    String key = createKey("3");
    assertCounted(get("/api/v1/workspace", key), 3, 2, "datalyr");
    assertCounted(get("/api/realtime", key), 3, 2, "clickport");
    assertCounted(get("/analytics/v2/views", key), 3, 2, "hubspot");
    assertCounted(get("/api/v1/workspace", key), 3, 1, "datalyr again");
  }
}
