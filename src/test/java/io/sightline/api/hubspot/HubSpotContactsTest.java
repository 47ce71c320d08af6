package io.sightline.api.hubspot;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * HubSpot's CRM counts from identified users: a contact is a user first seen in the period (counted in the row of the
 * session that saw it first), a customer one of them who paid in the period, a lead one of the others with an e-mail.
 * Five users and an anonymous visitor, sent through the real endpoint; the expected numbers are written out by hand.
 */
@Tag("integration")
class HubSpotContactsTest {
  static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  static RunningServer server;
  static String key;
  static LocalDate today;

  @BeforeAll
  static void ingest() throws InterruptedException {
    server = RunningServer.start();
    key = new JsonObject(server.send("POST", "/admin/v1/sites/1/keys", "{\"name\":\"crm\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":100000}",
        "x-api-key", server.adminKey(), "Content-Type", "application/json").body()).getString("key");
    today = LocalDate.now(ZoneOffset.UTC);
    String email = "?utm_source=newsletter&utm_medium=email";
    // u1: direct, with an e-mail, no revenue: a lead
    send("198.18.0.1", pv("u1", 2, "10:00", "/", "").put("traits", new JsonObject().put("email", "one@example.com")), pv("u1", 2, "10:03", "/pricing", ""));
    // u2: from the newsletter, with an e-mail, pays in the same visit: a customer
    send("198.18.0.2", pv("u2", 2, "12:00", "/", email).put("traits", new JsonObject().put("email", "two@example.com")),
        purchase("u2", 2, "12:05"));
    // u3: direct, nothing else: a contact, neither lead nor customer
    send("198.18.0.3", pv("u3", 1, "09:00", "/docs", ""));
    // u4: from the newsletter yesterday, pays in a direct visit today: a customer of the whole range, not of yesterday
    send("198.18.0.4", pv("u4", 1, "15:00", "/", email), pv("u4", 0, "00:01", "/pricing", ""), purchase("u4", 0, "00:02"));
    // u5: first seen five days ago, pays yesterday: not a contact of the range, its visit counts
    send("198.18.0.5", pv("u5", 5, "11:00", "/", ""), pv("u5", 1, "11:00", "/pricing", ""), purchase("u5", 1, "11:01"));
    // an anonymous visitor yesterday
    send("198.18.0.6", new JsonObject().put("url", "https://localhost/").put("visitor_id", "anon").put("timestamp", at(1, "13:00")));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.sql("select count(*) from users").iterator().next().getLong(0) < 5 && System.nanoTime() < deadline) {
      Thread.sleep(100); // profiles are upserted after the batch is committed
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String at(int daysAgo, String time) {
    return today.minusDays(daysAgo).atTime(java.time.LocalTime.parse(time)).toInstant(ZoneOffset.UTC).toString();
  }

  static JsonObject pv(String user, int daysAgo, String time, String path, String query) {
    return new JsonObject().put("url", "https://localhost" + path + query).put("user_id", user).put("timestamp", at(daysAgo, time));
  }

  static JsonObject purchase(String user, int daysAgo, String time) {
    return new JsonObject().put("type", "custom").put("name", "Purchase").put("url", "https://localhost/checkout").put("user_id", user)
        .put("revenue_amount", 49.99).put("timestamp", at(daysAgo, time));
  }

  static void send(String ip, JsonObject... events) {
    if (Instant.parse(events[events.length - 1].getString("timestamp")).isAfter(Instant.now())) {
      throw new IllegalStateException("run after 00:02 UTC");
    }
    HttpResponse<String> r = server.send("POST", "/api/event/batch", new JsonArray(List.of((Object[]) events)).encode(),
        "x-api-key", server.siteKey(), "User-Agent", CHROME, "X-Forwarded-For", ip);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(events.length, new JsonObject(r.body()).getInteger("accepted"), r.body());
  }

  static JsonObject get(String path) {
    HttpResponse<String> r = server.get(path, "Authorization", "Bearer " + key);
    assertEquals(200, r.statusCode(), path + " → " + r.body());
    return new JsonObject(r.body());
  }

  static final List<String> CRM = List.of("visits", "leads", "contacts", "customers", "sessionToContactRate", "contactToCustomerRate");

  /** A row's visits and CRM fields (absent = left out as zero). */
  static Map<String, Object> crm(JsonObject row) {
    Map<String, Object> out = new TreeMap<>();
    CRM.forEach(f -> {
      if (row.containsKey(f)) {
        Object v = row.getValue(f);
        out.put(f, v instanceof Integer i ? (Object) i.longValue() : v);
      }
    });
    return out;
  }

  static Map<String, Object> expect(long visits, long leads, long contacts, long customers) {
    Map<String, Object> out = new TreeMap<>();
    HubSpotApiTest.put(out, "visits", visits);
    HubSpotApiTest.put(out, "leads", leads);
    HubSpotApiTest.put(out, "contacts", contacts);
    HubSpotApiTest.put(out, "customers", customers);
    HubSpotApiTest.rate(out, "sessionToContactRate", contacts, visits);
    HubSpotApiTest.rate(out, "contactToCustomerRate", customers, contacts);
    return out;
  }

  static Map<String, Map<String, Object>> rows(JsonArray breakdowns) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    breakdowns.forEach(o -> out.put(((JsonObject) o).getString("breakdown"), crm((JsonObject) o)));
    return out;
  }

  @Test
  void contactsLeadsAndCustomersComeFromIdentifiedUsersByTheirFirstVisitsSource() {
    String range = "start=" + today.minusDays(2) + "&end=" + today;
    JsonObject sources = get("/analytics/v2/reports/sources/total?" + range);
    assertEquals(Map.of("direct", expect(5, 1, 2, 0), "email", expect(2, 0, 2, 2)), rows(sources.getJsonArray("breakdowns")));
    assertEquals(expect(7, 1, 4, 2), crm(sources.getJsonObject("totals")));
    assertEquals(expect(7, 1, 4, 2), crm(get("/analytics/v2/reports/totals/total?" + range).getJsonObject("totals")));

    // by day: a contact counts on the day it was first seen, a customer only if it paid within the period asked for
    JsonObject daily = get("/analytics/v2/reports/sources/daily?" + range);
    Map<String, Map<String, Map<String, Object>>> byDay = new LinkedHashMap<>();
    daily.forEach(e -> byDay.put(e.getKey(), rows((JsonArray) e.getValue())));
    assertEquals(Map.of(
        today.minusDays(2).toString(), Map.of("direct", expect(1, 1, 1, 0), "email", expect(1, 0, 1, 1)),
        today.minusDays(1).toString(), Map.of("direct", expect(3, 0, 1, 0), "email", expect(1, 0, 1, 0)),
        today.toString(), Map.of("direct", expect(1, 0, 0, 0))), byDay);
    // the sort accepts the new fields
    JsonArray byContacts = get("/analytics/v2/reports/sources/total?" + range + "&sort=contacts&sortDir=ASC").getJsonArray("breakdowns");
    assertEquals(2, byContacts.size());
  }

  @Test
  void theEngineDefinesThemOnceForEveryDialect() {
    JsonObject body = new JsonObject().put("metrics", new JsonArray().add("contacts").add("leads").add("customers").add("sessions"))
        .put("date_range", new JsonObject().put("start", today.minusDays(2).toString()).put("end", today.plusDays(1).toString()));
    HttpResponse<String> r = server.send("POST", "/api/query", body.encode(), "x-api-key", key);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject totals = new JsonObject(r.body()).getJsonObject("results");
    assertEquals(List.of(4L, 1L, 2L, 7L), List.of(totals.getLong("contacts"), totals.getLong("leads"), totals.getLong("customers"),
        totals.getLong("sessions")));
    // five days back, u5 was first seen: a contact of that day
    JsonObject early = new JsonObject().put("metrics", new JsonArray().add("contacts").add("customers"))
        .put("date_range", new JsonObject().put("start", today.minusDays(5).toString()).put("end", today.minusDays(4).toString()));
    JsonObject old = new JsonObject(server.send("POST", "/api/query", early.encode(), "x-api-key", key).body()).getJsonObject("results");
    assertEquals(1L, old.getLong("contacts"));
    assertEquals(0L, old.getLong("customers"), "it paid later, outside that day");
  }
}
