package io.sightline.ingest.http;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sender's {@code event_id} makes a retry harmless: a copy of a stored event is answered with the stored event's ids and stored
 * no more, whether this node remembers the id or only the database does, and changes no rollup. Without an id, events are stored
 * each time they are sent, as before.
 */
@Tag("integration")
class RetriedEventsTest {
  static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  static RunningServer server;
  /** A server that remembers no answers: every copy of a committed event is found by the database. */
  static RunningServer forgetful;

  @BeforeAll
  static void start() {
    server = RunningServer.start();
    forgetful = RunningServer.start("ingest.eventIdsInMemory", "0");
  }

  @AfterAll
  static void stop() {
    server.close();
    forgetful.close();
  }

  static HttpResponse<String> post(RunningServer s, String path, String body, String key) {
    return key == null
        ? s.send("POST", path, body, "User-Agent", UA, "X-Forwarded-For", "81.2.69.160", "Content-Type", "text/plain")
        : s.send("POST", path, body, "x-api-key", key, "User-Agent", UA, "X-Forwarded-For", "81.2.69.160", "Content-Type", "application/json");
  }

  static long count(RunningServer s, String pathname) {
    return s.sql("select count(*) as n from events where pathname = $1", pathname).iterator().next().getLong("n");
  }

  /** Every rollup row, every session row and the pending deltas' count, as text: a copy must change none of them. */
  static List<String> state(RunningServer s) {
    List<String> rows = new ArrayList<>();
    for (String table : List.of("rollup_total", "rollup_dim", "rollup_dim_week", "rollup_drill", "rollup_sketch", "sessions")) {
      s.sql("select t::text as r from " + table + " t order by 1").forEach(r -> rows.add(table + " " + r.getString("r")));
    }
    rows.add("events " + s.sql("select count(*) as n from events").iterator().next().getLong("n"));
    return rows;
  }

  @Test
  void aCopyOfAStoredEventIsAnsweredWithItsIdsAndNotStoredAgain() {
    String body = "{\"url\":\"https://localhost/copy/one\",\"event_id\":\"9b2f6a1e-7c1d-4f0e-8a51-0d3c2b7e4f10\"}";
    HttpResponse<String> first = post(server, "/api/event", body, server.siteKey());
    assertEquals(200, first.statusCode(), first.body());
    JsonObject answer = new JsonObject(first.body());
    assertTrue(answer.containsKey("page_visit_id"), first.body());
    List<String> before = state(server);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> again = post(server, "/api/event", body, server.siteKey());
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(answer, new JsonObject(again.body()), "the same body as the first answer");
    }
    assertEquals(1, count(server, "/copy/one"));
    long stored = Long.parseLong(answer.getString("page_visit_id"), 16);
    assertEquals(answer.getLong("session_id"),
        server.sql("select session_id from events where event_id = $1", stored).iterator().next().getLong("session_id"));
    assertEquals(before, state(server), "a copy changes no rollup, session or event");
  }

  @Test
  void eventsWithoutAnEventIdAreStoredEachTimeTheyAreSent() {
    String body = "{\"url\":\"https://localhost/copy/none\"}";
    assertEquals(200, post(server, "/api/event", body, server.siteKey()).statusCode());
    assertEquals(200, post(server, "/api/event", body, server.siteKey()).statusCode());
    assertEquals(2, count(server, "/copy/none"));
  }

  @Test
  void aBatchSentAgainGetsTheSameAnswerAndStoresNothingMore() {
    JsonArray batch = new JsonArray()
        .add(new JsonObject().put("url", "https://localhost/copy/batch-a").put("event_id", "batch-a"))
        .add(new JsonObject().put("url", "https://localhost/copy/batch-b").put("type", "custom").put("name", "Signup").put("event_id", "batch-b"))
        .add(new JsonObject().put("url", "https://localhost/copy/batch-a").put("event_id", "batch-a")) // the same event twice in one request
        .add(new JsonObject().put("url", "https://localhost/copy/batch-c"));
    HttpResponse<String> first = post(server, "/api/event/batch", batch.encode(), server.siteKey());
    assertEquals(200, first.statusCode(), first.body());
    JsonObject answer = new JsonObject(first.body());
    assertEquals(4, answer.getInteger("accepted"));
    JsonArray results = answer.getJsonArray("results");
    assertEquals(results.getJsonObject(0).copy().put("index", 2), results.getJsonObject(2), "the copy gets the first one's ids");
    assertNotEquals(results.getJsonObject(0).getString("page_visit_id"), results.getJsonObject(3).getString("page_visit_id"));
    assertEquals(1, count(server, "/copy/batch-a"));

    HttpResponse<String> again = post(server, "/api/event/batch", batch.encode(), server.siteKey());
    assertEquals(200, again.statusCode(), again.body());
    JsonObject second = new JsonObject(again.body());
    for (int i : new int[] {0, 1, 2}) {
      assertEquals(results.getJsonObject(i), second.getJsonArray("results").getJsonObject(i), "item " + i);
    }
    assertEquals(1, count(server, "/copy/batch-a"));
    assertEquals(1, count(server, "/copy/batch-b"));
    assertEquals(2, count(server, "/copy/batch-c"), "the item without an event_id is stored again");
  }

  @Test
  void keylessBeaconsWithTheSameEventIdAreStoredOnce() {
    String beacon = "{\"n\":\"pageview\",\"u\":\"https://localhost/copy/beacon\",\"d\":\"localhost\",\"event_id\":\"lq3m8x-4k2j9s0a1b\"}";
    long keys = keys(server);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = post(server, "/api/event", beacon, null);
      assertEquals(202, r.statusCode(), r.body());
    }
    assertEquals(1, count(server, "/copy/beacon"));
    assertEquals(keys + 1, keys(server), "the id is stored with its event");
  }

  static long keys(RunningServer s) {
    return s.sql("select count(*) as n from event_keys").iterator().next().getLong("n");
  }

  @Test
  void theSameEventIdOnAnotherSiteIsAnotherEvent() {
    JsonObject site = new JsonObject(server.send("POST", "/admin/v1/sites", "{\"domain\":\"copies.example\"}", "x-api-key",
        server.adminKey(), "Content-Type", "application/json").body());
    JsonObject key = new JsonObject(server.send("POST", "/admin/v1/sites/" + site.getInteger("id") + "/keys",
        "{\"name\":\"copies\",\"scopes\":[\"ingest\"]}", "x-api-key", server.adminKey(), "Content-Type", "application/json").body());
    assertEquals(200, post(server, "/api/event", "{\"url\":\"https://localhost/copy/sites\",\"event_id\":\"shared\"}", server.siteKey()).statusCode());
    assertEquals(200, post(server, "/api/event", "{\"url\":\"https://copies.example/copy/sites\",\"event_id\":\"shared\"}",
        key.getString("key")).statusCode());
    assertEquals(2, count(server, "/copy/sites"));
  }

  @Test
  void anEventIdMustBeAStringOfAtMost200Characters() {
    HttpResponse<String> number = post(server, "/api/event", "{\"url\":\"https://localhost/copy/bad\",\"event_id\":42}", server.siteKey());
    assertEquals(400, number.statusCode());
    assertEquals("event_id must be a string", new JsonObject(number.body()).getString("message"));
    HttpResponse<String> longer = post(server, "/api/event", "{\"url\":\"https://localhost/copy/bad\",\"event_id\":\"" + "x".repeat(201) + "\"}",
        server.siteKey());
    assertEquals(400, longer.statusCode());
    assertEquals("event_id must be at most 200 characters", new JsonObject(longer.body()).getString("message"));
    assertEquals(0, count(server, "/copy/bad"));
  }

  @Test
  void aCopyTheNodeDoesNotRememberIsFoundByTheDatabaseAndStoredNoMore() {
    String body = "{\"url\":\"https://localhost/copy/forgotten\",\"event_id\":\"forgotten-1\"}";
    HttpResponse<String> first = post(forgetful, "/api/event", body, forgetful.siteKey());
    assertEquals(200, first.statusCode(), first.body());
    List<String> before = state(forgetful);
    double found = forgetful.metric("sightline_writer_duplicate_events_total");
    double dropped = forgetful.metric("sightline_ingest_events_dropped_total", "reason=\"duplicate\"");

    HttpResponse<String> again = post(forgetful, "/api/event", body, forgetful.siteKey());
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(new JsonObject(first.body()), new JsonObject(again.body()));
    assertEquals(found + 1, forgetful.metric("sightline_writer_duplicate_events_total"), "the writer's statement found it");
    assertEquals(1, count(forgetful, "/copy/forgotten"));
    assertEquals(before, state(forgetful), "a copy changes no rollup, session or event");
    assertEquals(dropped + 1, forgetful.metric("sightline_ingest_events_dropped_total", "reason=\"duplicate\""));

    // in a batch with a new event: the new one is stored, the copy answered with the stored ids
    JsonArray batch = new JsonArray().add(new JsonObject().put("url", "https://localhost/copy/forgotten").put("event_id", "forgotten-1"))
        .add(new JsonObject().put("url", "https://localhost/copy/forgotten-new").put("event_id", "forgotten-2"));
    HttpResponse<String> mixed = post(forgetful, "/api/event/batch", batch.encode(), forgetful.siteKey());
    assertEquals(200, mixed.statusCode(), mixed.body());
    JsonObject mixedAnswer = new JsonObject(mixed.body());
    assertEquals(2, mixedAnswer.getInteger("accepted"));
    assertEquals(new JsonObject(first.body()).put("index", 0), mixedAnswer.getJsonArray("results").getJsonObject(0));
    assertEquals(found + 2, forgetful.metric("sightline_writer_duplicate_events_total"));
    assertEquals(1, count(forgetful, "/copy/forgotten"));
    assertEquals(1, count(forgetful, "/copy/forgotten-new"));
    assertEquals(2, keys(forgetful));
  }
}
