package io.sightline.server;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests found by a hostile-input review: each gets a quick 4xx in its dialect's shape, never a 500 or a hang. */
@Tag("integration")
class HostileRequestsTest {
  static RunningServer server;
  static String readKey;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
    readKey = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"r\",\"scopes\":[\"read\"]}", "x-api-key",
        server.adminKey()).body()).getString("key");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void yearsOutsideWhatPostgresStoresAreA400AtOnce() {
    for (String range : List.of("\"start\":\"+999999999-01-01\",\"end\":\"+999999999-01-02\"",
        "\"start\":\"-999999999-01-01\",\"end\":\"-999999999-01-03\"", "\"start\":\"1969-12-30\",\"end\":\"1970-01-02\"")) {
      for (String dimension : List.of("", ",\"dimensions\":[\"date\"]")) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = server.send("POST", "/api/query", "{\"metrics\":[\"visitors\"],\"date_range\":{" + range + "}" + dimension + "}",
            "x-api-key", readKey);
        assertEquals(400, r.statusCode(), range + " → " + r.body());
        assertEquals("Bad Request", new JsonObject(r.body()).getString("error"));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "answered at once");
      }
    }
    HttpResponse<String> pages = server.get("/api/pages?start_date=-999999999-01-01&end_date=-999999999-01-03", "x-api-key", readKey);
    assertEquals(400, pages.statusCode(), pages.body());
  }

  @Test
  void aNulCharacterInAnyParameterIsA400() {
    for (String path : List.of("/pages/details?start=2026-11-01&end=2026-11-20&page=/%00",
        "/clicks/details?start=2026-11-01&end=2026-11-20&page=/a%00b",
        "/funnels?start=2026-11-01&end=2026-11-20&steps=%5B%7B%22event%22%3A%22%5Cu0000%22%7D%5D")) {
      HttpResponse<String> r = server.get("/api/external/v1/properties/1" + path, "Authorization", "Bearer " + readKey);
      assertEquals(400, r.statusCode(), path + " → " + r.body());
      assertEquals("invalid_request", new JsonObject(r.body()).getString("error"), r.body());
    }
  }

  @Test
  void anEmptyAdImportIsA400() {
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/ads", "", "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(400, r.statusCode(), r.body());
  }

  @Test
  void dotSegmentsNeverReachAnotherRoute() {
    assertEquals(201, server.send("POST", "/admin/v1/sites", "{\"domain\":\"dots.example\",\"name\":\"Dots\"}", "x-api-key",
        server.adminKey()).statusCode());
    for (String path : List.of("/admin/v1/sites/dots.example/goals/%2e%2e", "/admin/v1/sites/dots.example/keys/%2E%2E",
        "/admin/v1/sites/dots.example/goals/..", "/admin/v1/sites/dots.example/goals/%2e/")) {
      HttpResponse<String> r = server.send("DELETE", path, null, "x-api-key", server.adminKey());
      assertEquals(400, r.statusCode(), path + " → " + r.body());
    }
    assertEquals(200, server.get("/admin/v1/sites/dots.example", "x-api-key", server.adminKey()).statusCode(), "the site is still there");
  }

  @Test
  void clickportAnswersOversizedAndUnknownRequestsInItsShape() {
    HttpResponse<String> big = server.send("POST", "/api/query", "{\"metrics\":[\"" + "x".repeat(100_000) + "\"]}", "x-api-key", readKey);
    assertEquals(413, big.statusCode());
    assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.reasonPhrase(), new JsonObject(big.body()).getString("error"), big.body());
    HttpResponse<String> batch = server.send("POST", "/api/event/batch", "[" + "{\"url\":\"https://localhost/\"},".repeat(60_000) + "{}]",
        "x-api-key", server.siteKey(), "User-Agent", "Mozilla/5.0");
    assertEquals(413, batch.statusCode());
    assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.reasonPhrase(), new JsonObject(batch.body()).getString("error"), batch.body());
    HttpResponse<String> unknown = server.get("/api/pages/x", "x-api-key", readKey);
    assertEquals(404, unknown.statusCode());
    assertEquals("Not Found", new JsonObject(unknown.body()).getString("error"), unknown.body());
    // the other dialects under /api keep their own shapes
    assertEquals("not_found", new JsonObject(server.get("/api/external/v1/nothing", "Authorization", "Bearer " + readKey).body()).getString("error"));
  }

  @Test
  void overlongRequestLinesAndHeadersGetJsonErrors() {
    HttpResponse<String> line = server.get("/api/pages?x=" + "a".repeat(20_000), "x-api-key", readKey);
    assertEquals(414, line.statusCode());
    assertEquals("uri_too_long", new JsonObject(line.body()).getString("error"), line.body());
    HttpResponse<String> header = server.get("/api/pages", "x-api-key", readKey, "X-Filler", "b".repeat(20_000));
    assertEquals(431, header.statusCode());
    assertEquals("headers_too_large", new JsonObject(header.body()).getString("error"), header.body());
  }
}
