package io.sightline.api.clickport;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Clickport's own clients rely on: keyless events refused in Clickport's shape, ids JavaScript reads exactly, one device vocabulary. */
@Tag("integration")
class ClickportClientsTest {
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
  /** JavaScript's Number.MAX_SAFE_INTEGER: JSON.parse rounds larger integers. */
  static final long MAX_SAFE = 9_007_199_254_740_991L;
  static final Pattern SESSION_ID = Pattern.compile("\"session_id\":(-?[0-9]+)");
  static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The session ids of a body exactly as written (a Java JSON parser would keep a long that JavaScript rounds). */
  static List<Long> sessionIds(String body) {
    List<Long> out = new ArrayList<>();
    Matcher m = SESSION_ID.matcher(body);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  static void assertExactInJavaScript(long id, String body) {
    assertTrue(id > 0 && id <= MAX_SAFE, "session_id " + id + " is above 2^53 - 1: " + body);
    assertEquals(id, (long) (double) id, "a double holds it exactly");
  }

  @Test
  void aClickportEventWithoutAKeyIsA401InClickportsShapeAndPlausibleBeaconsStillNeedNone() {
    for (String body : List.of("{\"type\":\"pageview\",\"url\":\"https://localhost/no-key\"}", "{\"url\":\"https://localhost/no-key/2\"}",
        "{\"type\":\"custom\",\"name\":\"Signup\",\"url\":\"https://localhost/no-key/3\",\"revenue_amount\":49.99}", "{}")) {
      HttpResponse<String> r = server.send("POST", "/api/event", body, "User-Agent", DESKTOP, "Content-Type", "application/json");
      assertEquals(401, r.statusCode(), body + " → " + r.body());
      JsonObject error = new JsonObject(r.body());
      assertEquals("Unauthorized", error.getString("error"), r.body());
      assertTrue(error.getString("message").contains("API key"), r.body());
    }
    assertEquals(0L, server.sql("select count(*) from events where pathname like '/no-key%'").iterator().next().getLong(0), "nothing was stored");
    HttpResponse<String> plausible = server.send("POST", "/api/event",
        "{\"name\":\"pageview\",\"url\":\"https://localhost/plausible\",\"domain\":\"localhost\"}", "User-Agent", DESKTOP,
        "X-Forwarded-For", "203.0.113.80");
    assertEquals(202, plausible.statusCode(), plausible.body());
    HttpResponse<String> shortForm = server.send("POST", "/api/event", "{\"n\":\"pageview\",\"u\":\"https://localhost/short\",\"d\":\"localhost\"}",
        "User-Agent", DESKTOP, "Content-Type", "text/plain", "X-Forwarded-For", "203.0.113.81");
    assertEquals(202, shortForm.statusCode(), shortForm.body());
    HttpResponse<String> broken = server.send("POST", "/api/event", "{\"n\":\"pageview\"}", "User-Agent", DESKTOP);
    assertEquals(400, broken.statusCode(), "a Plausible beacon without its url and domain stays a 400: " + broken.body());
  }

  @Test
  void sessionIdsAreExactJavaScriptNumbersInEventAndRealtimeAnswers() throws InterruptedException {
    HttpResponse<String> first = server.send("POST", "/api/event", "{\"url\":\"https://localhost/ids\"}", "x-api-key", server.siteKey(),
        "User-Agent", DESKTOP, "X-Forwarded-For", "203.0.113.90");
    assertEquals(200, first.statusCode(), first.body());
    long session = sessionIds(first.body()).get(0);
    assertExactInJavaScript(session, first.body());
    assertTrue(new JsonObject(first.body()).getValue("session_id") instanceof Number, "a JSON number, as Clickport's schema has it");

    HttpResponse<String> batch = server.send("POST", "/api/event/batch", new JsonArray()
        .add(new JsonObject().put("url", "https://localhost/ids/2"))
        .add(new JsonObject().put("url", "https://localhost/other").put("visitor_id", "someone-else")).encode(),
        "x-api-key", server.siteKey(), "User-Agent", DESKTOP, "X-Forwarded-For", "203.0.113.90");
    assertEquals(200, batch.statusCode(), batch.body());
    List<Long> batchIds = sessionIds(batch.body());
    assertEquals(2, batchIds.size(), batch.body());
    batchIds.forEach(id -> assertExactInJavaScript(id, batch.body()));
    assertEquals(session, batchIds.get(0), "the same visitor's next pageview is in the same session");
    assertTrue(batchIds.get(1) != session);
    assertEquals(1L, server.sql("select count(*) from sessions where session_id = $1", session).iterator().next().getLong(0));

    String realtime = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      realtime = server.get("/api/realtime", "x-api-key", server.siteKey()).body();
      if (sessionIds(realtime).contains(session)) {
        break;
      }
      Thread.sleep(200);
    }
    assertTrue(sessionIds(realtime).contains(session), realtime);
    for (long id : sessionIds(realtime)) {
      assertExactInJavaScript(id, realtime);
    }
  }

  @Test
  void deviceClassesAreCapitalisedInQueryTechAndRealtimeAndFiltersTakeEitherSpelling() throws InterruptedException {
    JsonObject site = new JsonObject(server.send("POST", "/admin/v1/sites", "{\"domain\":\"devices.example\"}", "x-api-key", server.adminKey()).body());
    String key = new JsonObject(server.send("POST", "/admin/v1/sites/" + site.getInteger("id") + "/keys",
        "{\"name\":\"devices\",\"scopes\":[\"ingest\",\"read\"]}", "x-api-key", server.adminKey()).body()).getString("key");
    Map<String, String> visitors = Map.of("203.0.113.101", DESKTOP, "203.0.113.102", DESKTOP, "203.0.113.103", MOBILE);
    visitors.forEach((ip, ua) -> assertEquals(200, server.send("POST", "/api/event", "{\"url\":\"https://devices.example/\"}",
        "x-api-key", key, "User-Agent", ua, "X-Forwarded-For", ip).statusCode()));

    JsonArray rows = query(key, "{\"metrics\":[\"visitors\"],\"dimensions\":[\"device\"],\"period\":\"today\"}").getJsonArray("results");
    assertEquals(Map.of("Desktop", 2L, "Mobile", 1L), byDevice(rows));
    JsonArray tech = new JsonObject(server.get("/api/tech?type=device", "x-api-key", key).body()).getJsonArray("results");
    assertEquals(Map.of("Desktop", 2L, "Mobile", 1L), byDevice(tech));
    for (String filter : List.of("{\"dimension\":\"device\",\"operator\":\"is\",\"value\":\"Desktop\"}",
        "{\"dimension\":\"device\",\"operator\":\"is\",\"value\":\"desktop\"}",
        "{\"dimension\":\"device\",\"operator\":\"is_not\",\"value\":[\"Mobile\",\"Tablet\"]}",
        "{\"dimension\":\"device\",\"operator\":\"starts_with\",\"value\":\"Desk\"}")) {
      JsonObject totals = query(key, "{\"metrics\":[\"visitors\"],\"period\":\"today\",\"filters\":[" + filter + "]}").getJsonObject("results");
      assertEquals(2L, totals.getLong("visitors"), filter);
    }

    Map<String, Long> live = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && live.values().stream().mapToLong(Long::longValue).sum() < 3) {
      live.clear();
      new JsonObject(server.get("/api/realtime", "x-api-key", key).body()).getJsonArray("visitors")
          .forEach(o -> live.merge(((JsonObject) o).getString("device"), 1L, Long::sum));
      Thread.sleep(200);
    }
    assertEquals(Map.of("Desktop", 2L, "Mobile", 1L), live, "the same words as /api/query");
    assertFalse(rows.encode().contains("\"desktop\""));
  }

  private static JsonObject query(String key, String body) {
    HttpResponse<String> r = server.send("POST", "/api/query", body, "x-api-key", key);
    assertEquals(200, r.statusCode(), body + " → " + r.body());
    return new JsonObject(r.body());
  }

  private static Map<String, Long> byDevice(JsonArray rows) {
    Map<String, Long> out = new HashMap<>();
    rows.forEach(o -> out.put(((JsonObject) o).getString("device"), ((JsonObject) o).getLong("visitors")));
    return out;
  }
}
