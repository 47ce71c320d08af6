package io.sightline.ingest.http;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One person is one visitor (the checkout of issue 19, as Hum's sender sends it): a browser's events carry its visitor_id, from the
 * login on also the user_id, and the shop's backend sends the order with the user_id alone. One visitor and one session for the
 * checkout, in the Clickport query, Humblytics' summary and Hum's sessions; a later visit with either id is the same visitor.
 */
@Tag("integration")
class IdentityStitchingTest {
  static final String BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static final String BACKEND = "shop-backend/2.3 (+https://shop.example)";
  static RunningServer server;
  static String backendKey;
  static LocalDate day;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start();
    day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    backendKey = admin("POST", "/admin/v1/sites/1/keys", new JsonObject().put("name", "shop backend").put("scopes", new JsonArray().add("ingest")))
        .getString("key");
    admin("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", "Add-ons").put("type", "pageview").put("match", "/checkout/step-2"));
    admin("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", "Customer info").put("type", "pageview").put("match", "/checkout/step-6"));
    admin("PUT", "/admin/v1/sites/1/hum", new JsonObject().put("order_event", "Order").put("order_number_prop", "order_number")
        .put("funnel", new JsonArray().add(new JsonObject().put("step", 2).put("name", "internet_addons").put("goal", "Add-ons"))
            .add(new JsonObject().put("step", 6).put("name", "customer_info").put("goal", "Customer info"))));

    // the checkout: anonymous, then identified, the backend's order, and the last step from the browser again
    browser(at("10:00"), "/plans", null);
    browser(at("10:02"), "/checkout/step-2", "user-4711");
    backend(at("10:04"), "/checkout/step-2", "Order", "A-1001");
    browser(at("10:06"), "/checkout/step-6", null);
    // a later visit the same day: the browser alone, then the backend alone
    browser(at("14:00"), "/account", null);
    backend(at("14:05"), "/account", "Support ticket", null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Instant at(String time) {
    return Instant.parse(day + "T" + time + ":00Z");
  }

  static JsonObject admin(String method, String path, JsonObject body) {
    HttpResponse<String> r = server.send(method, path, body.encode(), "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(true, r.statusCode() / 100 == 2, method + " " + path + " → " + r.body());
    return new JsonObject(r.body());
  }

  static void browser(Instant ts, String path, String userId) {
    JsonObject event = new JsonObject().put("url", "https://localhost" + path).put("timestamp", ts.toString()).put("visitor_id", "anon-77");
    if (userId != null) {
      event.put("user_id", userId);
    }
    send(event, server.siteKey(), BROWSER, "81.2.69.160");
  }

  static void backend(Instant ts, String path, String name, String orderNumber) {
    JsonObject event = new JsonObject().put("type", "custom").put("name", name).put("url", "https://localhost" + path)
        .put("timestamp", ts.toString()).put("user_id", "user-4711");
    if (orderNumber != null) {
      event.put("props", new JsonObject().put("order_number", orderNumber));
    }
    send(event, backendKey, BACKEND, "10.1.2.3");
  }

  static void send(JsonObject event, String key, String ua, String ip) {
    HttpResponse<String> r = server.send("POST", "/api/event", event.encode(), "x-api-key", key, "User-Agent", ua, "X-Forwarded-For", ip,
        "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
  }

  static JsonObject totals(String start, String end) {
    JsonObject request = new JsonObject().put("date_range", new JsonObject().put("start", start).put("end", end))
        .put("metrics", new JsonArray(List.of("visitors", "sessions", "pageviews", "events", "bounce_rate", "avg_duration")));
    HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", server.siteKey());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonObject("results");
  }

  @Test
  void theClickportQueryCountsOneVisitorAndOneSessionPerVisit() {
    // 1 person; the checkout 10:00-10:06 (3 pageviews, the order) and the visit 14:00-14:05 (1 pageview, the ticket)
    assertEquals(new JsonObject().put("visitors", 1).put("sessions", 2).put("pageviews", 4).put("events", 6).put("bounce_rate", 0)
        .put("avg_duration", (360 + 300) / 2), totals(day.toString(), day.plusDays(1).toString()));
    assertEquals(1, server.sql("select count(distinct visitor_id) as n from events where site_id = 1").iterator().next().getLong("n"));
    assertEquals(2, server.sql("select count(*) as n from sessions where site_id = 1").iterator().next().getLong("n"));
  }

  @Test
  void humblyticsSummarySeesOneVisitor() {
    HttpResponse<String> r = server.get("/api/external/v1/properties/1/traffic/summary?start=" + day + "&end=" + day.plusDays(1),
        "Authorization", "Bearer " + server.siteKey());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject data = new JsonObject(r.body()).getJsonObject("data");
    assertEquals(1, data.getInteger("unique_visitors"));
    assertEquals(2, data.getInteger("sessions"));
    assertEquals(4, data.getInteger("page_views"));
  }

  @Test
  void humShowsTheCheckoutAsOneSessionWithItsOrderAndItsLastStep() {
    HttpResponse<String> r = server.get("/analytics/sessions?start_date=" + day + "&end_date=" + day, "Authorization",
        "Bearer " + server.siteKey());
    assertEquals(200, r.statusCode(), r.body());
    JsonArray sessions = new JsonObject(r.body()).getJsonArray("data");
    assertEquals(2, sessions.size(), r.body());
    JsonObject later = sessions.getJsonObject(0); // newest first
    JsonObject checkout = sessions.getJsonObject(1);
    assertEquals(day + "T10:00:00Z", checkout.getString("created_at"));
    assertEquals(6, checkout.getInteger("furthest_step"));
    assertEquals("A-1001", checkout.getString("order_number"));
    assertEquals(day + "T10:04:00Z", checkout.getString("ordered_at"));
    assertEquals(day + "T14:00:00Z", later.getString("created_at"));
    assertNull(later.getValue("furthest_step"));
    assertNull(later.getValue("order_number"));
  }

  @Test
  void aUsersLinkOutlivesARestart() {
    try (RunningServer first = RunningServer.start()) {
      JsonObject identify = new JsonObject().put("url", "https://localhost/login").put("visitor_id", "tablet-9").put("user_id", "user-9");
      JsonObject browsing = new JsonObject().put("url", "https://localhost/home").put("visitor_id", "tablet-9");
      for (JsonObject e : List.of(browsing, identify)) {
        assertEquals(200, first.send("POST", "/api/event", e.encode(), "x-api-key", first.siteKey(), "User-Agent", BROWSER,
            "Content-Type", "application/json").statusCode());
      }
      first.server.stop();
      try (RunningServer second = RunningServer.restart(first.db, first.banner)) {
        JsonObject order = new JsonObject().put("type", "custom").put("name", "Order").put("url", "https://localhost/home")
            .put("user_id", "user-9");
        assertEquals(200, second.send("POST", "/api/event", order.encode(), "x-api-key", second.siteKey(), "User-Agent", BACKEND,
            "Content-Type", "application/json").statusCode());
        var counts = second.sql("select count(*) as n, count(distinct visitor_id) as v, count(distinct session_id) as s from events")
            .iterator().next();
        assertEquals(3, counts.getLong("n"));
        assertEquals(1, counts.getLong("v"), "the order joined the tablet's visitor after the restart");
        assertEquals(1, counts.getLong("s"), "and its open session");
      }
    }
  }
}
