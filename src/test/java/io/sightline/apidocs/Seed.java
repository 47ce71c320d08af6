package io.sightline.apidocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sightline.support.RunningServer;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Events and settings for the contract test: every kind of event, goals, a content rule, a view, a Hum mapping and ad rows. */
final class Seed {
  static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
  private static final String[] PAGES = {"/", "/pricing", "/blog/one", "/docs"};

  private Seed() {
  }

  static void events(RunningServer server) {
    String key = server.siteKey();
    for (int i = 0; i < 6; i++) {
      String visitor = "\"visitor_id\":\"v" + i + "\"";
      String identity = i < 2 ? ",\"user_id\":\"u" + i + "\",\"traits\":{\"email\":\"u" + i + "@example.com\"}" : "";
      String page = PAGES[i % 4];
      // one batch per visitor (one commit), from the visitor's own address
      event(server, key, "203.0.113." + (i + 1), "/api/event/batch", "["
          + "{\"url\":\"https://localhost/?utm_source=news&utm_medium=email&utm_campaign=spring&utm_content=hero&utm_term=t\","
          + "\"referrer\":\"https://www.google.com/search\",\"screen_width\":" + (i % 2 == 0 ? 1400 : 400) + "," + visitor + identity + "},"
          + "{\"url\":\"https://localhost" + page + "\"," + visitor + "},"
          + "{\"type\":\"engagement\",\"url\":\"https://localhost" + page + "\"," + visitor + ",\"scroll_depth\":60,\"engagement_time\":5000},"
          + "{\"type\":\"click\",\"url\":\"https://localhost/pricing\"," + visitor + ",\"target_label\":\"Start trial\",\"target_secondary\":\"/signup\"},"
          + "{\"type\":\"form\",\"url\":\"https://localhost/pricing\"," + visitor + ",\"target_label\":\"contact\"},"
          + "{\"type\":\"custom\",\"name\":\"Signup\",\"url\":\"https://localhost/pricing\"," + visitor
          + ",\"revenue_amount\":49.5,\"revenue_currency\":\"EUR\",\"tags\":[\"launch\"],\"props\":{\"plan\":\"pro\",\"order_number\":\"HUM-" + i + "\"}}]");
    }
    event(server, key, "198.51.100.9", "/api/event", "{\"url\":\"https://localhost/bounce\"}");
    admin(server, "POST", "/admin/v1/sites/localhost/goals", "{\"name\":\"Signup\",\"type\":\"custom\",\"match\":\"Signup\"}", 201);
    admin(server, "POST", "/admin/v1/sites/localhost/goals", "{\"name\":\"Pricing\",\"type\":\"pageview\",\"match\":\"/pricing\"}", 201);
    admin(server, "POST", "/admin/v1/sites/localhost/content-rules", "{\"content_type\":\"blog-posts\",\"pattern\":\"/blog/*\",\"name\":\"Blog\"}", 201);
    admin(server, "POST", "/admin/v1/sites/localhost/analytics-views",
        "{\"title\":\"No admin\",\"filters\":[{\"prop\":\"page\",\"op\":\"NOT_CONTAINS\",\"args\":[\"/admin\"]}]}", 201);
    admin(server, "PUT", "/admin/v1/sites/localhost/hum", "{\"order_event\":\"Signup\",\"funnel\":[{\"step\":1,\"name\":\"pricing\",\"goal\":\"Pricing\"},"
        + "{\"step\":2,\"name\":\"signup\",\"goal\":\"Signup\"}]}", 200);
    admin(server, "POST", "/admin/v1/sites/localhost/ads", "{\"rows\":[{\"platform\":\"google\",\"level\":\"campaign\",\"campaign_id\":\"c1\","
        + "\"campaign_name\":\"spring\",\"date\":\"" + LocalDate.now(ZoneOffset.UTC) + "\",\"spend\":12.5,\"impressions\":1000,\"clicks\":40}]}", 201);
  }

  private static void event(RunningServer server, String key, String ip, String path, String body) {
    HttpResponse<String> r = server.send("POST", path, body, "x-api-key", key, "Content-Type", "application/json",
        "User-Agent", UA, "X-Forwarded-For", ip);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains("\"success\":false"), r.body());
  }

  private static void admin(RunningServer server, String method, String path, String body, int status) {
    HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey(), "Content-Type", "application/json");
    assertEquals(status, r.statusCode(), r.body());
  }
}
