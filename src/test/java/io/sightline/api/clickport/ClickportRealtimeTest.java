package io.sightline.api.clickport;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Realtime answers from memory, fed by committed events. */
@Tag("integration")
class ClickportRealtimeTest {
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void showsTheVisitorsActiveInTheLastFiveMinutes() throws Exception {
    String key = server.siteKey();
    for (String ip : new String[] {"203.0.113.1", "203.0.113.2", "203.0.113.3"}) {
      assertEquals(200, server.send("POST", "/api/event", "{\"url\":\"https://localhost/landing\",\"referrer\":\"https://www.google.com/\"}",
          "x-api-key", key, "User-Agent", CHROME, "X-Forwarded-For", ip).statusCode());
    }
    assertEquals(200, server.send("POST", "/api/event", "{\"url\":\"https://localhost/pricing\"}",
        "x-api-key", key, "User-Agent", CHROME, "X-Forwarded-For", "203.0.113.1").statusCode());
    // an old backfilled visit is not current
    assertEquals(200, server.send("POST", "/api/event", "{\"url\":\"https://localhost/old\",\"timestamp\":\""
        + java.time.Instant.now().minus(Duration.ofMinutes(20)) + "\"}", "x-api-key", key, "User-Agent", CHROME, "X-Forwarded-For", "203.0.113.9").statusCode());

    JsonObject body = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      body = new JsonObject(server.get("/api/realtime", "x-api-key", key).body());
      // the snapshot is rebuilt every second: wait for one built after all four events
      if (body.getInteger("count") == 3 && body.getJsonArray("visitors").getJsonObject(0).getInteger("pageviews") == 2) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(3, body.getInteger("count"), body.encode());
    JsonArray visitors = body.getJsonArray("visitors");
    assertEquals(3, visitors.size());
    JsonObject mostRecent = visitors.getJsonObject(0);
    assertEquals("/landing", mostRecent.getString("entry_page"));
    assertEquals("/pricing", mostRecent.getString("exit_page"));
    assertEquals(2, mostRecent.getInteger("pageviews"));
    assertEquals("Google", mostRecent.getString("source"));
    assertEquals("Desktop", mostRecent.getString("device"));
    assertEquals("Chrome", mostRecent.getString("browser"));
    assertEquals("Windows", mostRecent.getString("os"));
    assertTrue(mostRecent.containsKey("duration") && mostRecent.containsKey("country") && mostRecent.containsKey("scroll"));
  }

  @Test
  void needsAKeyWithTheReadScope() {
    assertEquals(401, server.get("/api/realtime").statusCode());
    assertEquals("Unauthorized", new JsonObject(server.get("/api/realtime").body()).getString("error"));
    String ingestOnly = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"i\",\"scopes\":[\"ingest\"]}",
        "x-api-key", server.adminKey()).body()).getString("key");
    assertEquals(403, server.get("/api/realtime", "x-api-key", ingestOnly).statusCode());
  }

  @Test
  void streamsTheSameSnapshotAsServerSentEvents() throws Exception {
    HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + "/api/realtime/stream"))
        .header("x-api-key", server.siteKey()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertEquals("text/event-stream", r.headers().firstValue("content-type").orElse(""));
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null && !line.startsWith("data: ")) {
        // skip the retry hint and blank lines
      }
      JsonObject event = new JsonObject(line.substring("data: ".length()));
      assertTrue(event.containsKey("count") && event.containsKey("visitors"), event.encode());
    }
  }
}
