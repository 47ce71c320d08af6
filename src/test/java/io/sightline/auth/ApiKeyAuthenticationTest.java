package io.sightline.auth;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authentication as every dialect will see it, through the admin API (the first protected routes). */
@Tag("integration")
class ApiKeyAuthenticationTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start("auth.cacheSeconds", "1");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void acceptsTheKeyInEitherHeaderForm() {
    String key = server.adminKey();
    assertEquals(200, server.get("/admin/v1/sites", "Authorization", "Bearer " + key).statusCode());
    assertEquals(200, server.get("/admin/v1/sites", "authorization", "bearer " + key).statusCode());
    assertEquals(200, server.get("/admin/v1/sites", "x-api-key", key).statusCode());
  }

  @Test
  void answers401WithAJsonBodyForMissingMalformedOrUnknownKeys() {
    assertUnauthorized(server.get("/admin/v1/sites"), "Missing API key");
    assertUnauthorized(server.get("/admin/v1/sites", "Authorization", "Basic dXNlcjpwYXNz"), "Missing API key");
    assertUnauthorized(server.get("/admin/v1/sites", "x-api-key", "not-a-key"), "Invalid API key");
    assertUnauthorized(server.get("/admin/v1/sites", "x-api-key", "' OR '1'='1"), "Invalid API key");
    assertUnauthorized(server.get("/admin/v1/sites", "x-api-key", ApiKeyToken.generate().value()), "Invalid API key");
    String admin = server.adminKey();
    String sameIdOtherSecret = admin.substring(0, admin.lastIndexOf('_') + 1) + "A".repeat(32);
    assertUnauthorized(server.get("/admin/v1/sites", "x-api-key", sameIdOtherSecret), "Invalid API key");
  }

  @Test
  void answers403WhenTheKeyLacksTheScopeAndStillSetsTheRateLimitHeaders() {
    HttpResponse<String> r = server.get("/admin/v1/sites", "x-api-key", server.siteKey());
    assertEquals(403, r.statusCode());
    assertEquals("forbidden", new JsonObject(r.body()).getString("error"));
    assertTrue(r.headers().firstValue("X-RateLimit-Limit").isPresent());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
  }

  @Test
  void limitsEachKeyAndAnswers429WithRetryAfter() throws Exception {
    String key = createKey("{\"name\":\"limited\",\"scopes\":[\"admin\"],\"rate_limit_per_minute\":3}");
    long intoMinute = System.currentTimeMillis() % 60_000;
    if (intoMinute > 50_000) {
      Thread.sleep(60_100 - intoMinute); // keep the four requests inside one fixed window
    }
    long reset = 0;
    for (int i = 1; i <= 3; i++) {
      HttpResponse<String> ok = server.get("/admin/v1/sites", "x-api-key", key);
      assertEquals(200, ok.statusCode());
      assertEquals("3", ok.headers().firstValue("X-RateLimit-Limit").orElseThrow());
      assertEquals(Integer.toString(3 - i), ok.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
      reset = Long.parseLong(ok.headers().firstValue("X-RateLimit-Reset").orElseThrow());
    }
    HttpResponse<String> refused = server.get("/admin/v1/sites", "x-api-key", key);
    assertEquals(reset, Long.parseLong(refused.headers().firstValue("X-RateLimit-Reset").orElseThrow()));
    assertEquals(429, refused.statusCode());
    assertEquals("rate_limited", new JsonObject(refused.body()).getString("error"));
    assertEquals("0", refused.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    long now = System.currentTimeMillis() / 1000;
    assertTrue(reset > now - 1 && reset <= now + 60, "reset is a Unix time within the minute");
    assertEquals(200, server.get("/admin/v1/sites", "x-api-key", server.adminKey()).statusCode(), "other keys unaffected");
  }

  @Test
  void aRevokedKeyStopsWorkingWithinTheCacheTime() throws Exception {
    String key = createKey("{\"name\":\"short-lived\",\"scopes\":[\"admin\"]}");
    assertEquals(200, server.get("/admin/v1/sites", "x-api-key", key).statusCode());
    String prefix = ApiKeyToken.parse(key).orElseThrow().displayPrefix();
    assertEquals(200, server.send("DELETE", "/admin/v1/sites/1/keys/" + prefix, null, "x-api-key", server.adminKey()).statusCode());
    long deadline = System.currentTimeMillis() + 3000; // cache TTL is 1 s in this test
    int status = 200;
    while (status == 200 && System.currentTimeMillis() < deadline) {
      status = server.get("/admin/v1/sites", "x-api-key", key).statusCode();
      if (status == 200) {
        Thread.sleep(100);
      }
    }
    assertEquals(401, status);
  }

  @Test
  void recordsWhenAKeyWasLastUsed() throws Exception {
    String key = createKey("{\"name\":\"tracked\",\"scopes\":[\"admin\"]}");
    String prefix = ApiKeyToken.parse(key).orElseThrow().displayPrefix();
    server.get("/admin/v1/sites", "x-api-key", key);
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      var keys = new JsonObject(server.get("/admin/v1/sites/1/keys", "x-api-key", server.adminKey()).body()).getJsonArray("keys");
      for (int i = 0; i < keys.size(); i++) {
        JsonObject k = keys.getJsonObject(i);
        if (k.getString("prefix").equals(prefix) && k.getString("last_used_at") != null) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("last_used_at was never set");
  }

  private String createKey(String body) {
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/keys", body, "x-api-key", server.adminKey());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("key");
  }

  private static void assertUnauthorized(HttpResponse<String> r, String message) {
    assertEquals(401, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals("unauthorized", body.getString("error"));
    assertTrue(body.getString("message").startsWith(message), body.getString("message"));
    assertFalse(r.headers().firstValue("X-RateLimit-Limit").isPresent(), "unauthenticated responses carry no key limit");
  }
}
