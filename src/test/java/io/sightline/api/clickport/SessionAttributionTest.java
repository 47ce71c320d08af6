package io.sightline.api.clickport;

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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sessions that cross the edges of a range, written out by hand: a session counts on the day it
 * starts, with its whole values (pageviews, bounce, duration, entry and exit page), while
 * visitors, pageviews and events count on the day they happen.
 *
 * <pre>
 *   A (visitor a, utm_source partner): D-1 23:50 pageview /a, 23:55 pageview /b | D 00:05 pageview /c, 00:10 click
 *   B (visitor b, utm_source newsletter):  D 23:40 pageview /a, 23:50 pageview /b | D+1 00:10 pageview /c
 *   C (visitor c):                         D 12:00 pageview /d
 * </pre>
 * Whole sessions: A 3 pageviews, a click, 20 minutes, /a to /c; B 3 pageviews, 30 minutes, /a to
 * /c; C a bounce on /d.
 */
@Tag("integration")
class SessionAttributionTest {
  static RunningServer server;
  static LocalDate day;

  @BeforeAll
  static void ingest() {
    server = RunningServer.start();
    day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
    JsonArray a = new JsonArray()
        .add(pageview("a", at(-1, "23:50"), "/a?utm_source=partner"))
        .add(pageview("a", at(-1, "23:55"), "/b"))
        .add(pageview("a", at(0, "00:05"), "/c"))
        .add(event("a", at(0, "00:10"), "/c").put("type", "click").put("target_label", "Buy"));
    JsonArray b = new JsonArray()
        .add(pageview("b", at(0, "23:40"), "/a?utm_source=newsletter"))
        .add(pageview("b", at(0, "23:50"), "/b"))
        .add(pageview("b", at(1, "00:10"), "/c"));
    JsonArray c = new JsonArray().add(pageview("c", at(0, "12:00"), "/d"));
    for (JsonArray batch : java.util.List.of(a, b, c)) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", batch.encode(), "x-api-key", server.siteKey(),
          "User-Agent", ClickportQueryOracleTest.DESKTOP);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(batch.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Instant at(int dayOffset, String time) {
    return Instant.parse(day.plusDays(dayOffset) + "T" + time + ":00Z");
  }

  private static JsonObject event(String visitor, Instant ts, String path) {
    return new JsonObject().put("url", "https://localhost" + path).put("timestamp", ts.toString()).put("visitor_id", visitor);
  }

  private static JsonObject pageview(String visitor, Instant ts, String path) {
    return event(visitor, ts, path).put("type", "pageview");
  }

  private static Object query(int fromDay, int days, String metrics, String dimension, JsonArray filters) {
    JsonObject request = new JsonObject().put("date_range", new JsonObject().put("start", day.plusDays(fromDay).toString())
            .put("end", day.plusDays(fromDay + days).toString()))
        .put("metrics", new JsonArray(java.util.List.of((Object[]) metrics.split(",")))).put("filters", filters);
    if (dimension != null) {
      request.put("dimensions", new JsonArray().add(dimension));
    }
    HttpResponse<String> r = server.send("POST", "/api/query", request.encode(), "x-api-key", server.siteKey());
    assertEquals(200, r.statusCode(), request.encode() + " → " + r.body());
    return new JsonObject(r.body()).getValue("results");
  }

  private static final String TOTALS = "visitors,sessions,pageviews,events,views_per_visit,bounce_rate,avg_duration,bounces,total_duration,clickers";

  @Test
  void aDayCountsTheSessionsStartedOnItWithTheirWholeValuesAndTheEventsOnIt() {
    // D: visitors a, b, c; sessions B and C; pageviews A's /c, B's /a and /b, C's /d; events those and A's click.
    // B: 3 pageviews over 30 minutes; C: a bounce. So 4 / 2 views per visit, half bounced, (1800 + 0) / 2 s.
    assertEquals(new JsonObject().put("visitors", 3).put("sessions", 2).put("pageviews", 4).put("events", 5).put("views_per_visit", 2.0)
        .put("bounce_rate", 50).put("avg_duration", 900).put("bounces", 1).put("total_duration", 1800).put("clickers", 0),
        query(0, 1, TOTALS, null, new JsonArray()));
    // D-1: A started there: its 3 pageviews, 20 minutes and its click (the last two on D), and its two pageviews of D-1
    assertEquals(new JsonObject().put("visitors", 1).put("sessions", 1).put("pageviews", 2).put("events", 2).put("views_per_visit", 3.0)
        .put("bounce_rate", 0).put("avg_duration", 1200).put("bounces", 0).put("total_duration", 1200).put("clickers", 1),
        query(-1, 1, TOTALS, null, new JsonArray()));
    // D+1: B's last pageview, no session started
    assertEquals(new JsonObject().put("visitors", 1).put("sessions", 0).put("pageviews", 1).put("events", 1).put("views_per_visit", 0.0)
        .put("bounce_rate", 0).put("avg_duration", 0).put("bounces", 0).put("total_duration", 0).put("clickers", 0),
        query(1, 1, TOTALS, null, new JsonArray()));
    // the three days together: every session once, every event once
    assertEquals(new JsonObject().put("visitors", 3).put("sessions", 3).put("pageviews", 7).put("events", 8).put("views_per_visit", 2.33)
        .put("bounce_rate", 33).put("avg_duration", 1000).put("bounces", 1).put("total_duration", 3000).put("clickers", 1),
        query(-1, 3, TOTALS, null, new JsonArray()));
  }

  @Test
  void daysOfASeriesAddUpTheSameWay() {
    JsonArray series = (JsonArray) query(-1, 3, "visitors,sessions,pageviews,avg_duration", "date", new JsonArray());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("date", day.minusDays(1).toString()).put("visitors", 1).put("sessions", 1).put("pageviews", 2).put("avg_duration", 1200))
        .add(new JsonObject().put("date", day.toString()).put("visitors", 3).put("sessions", 2).put("pageviews", 4).put("avg_duration", 900))
        .add(new JsonObject().put("date", day.plusDays(1).toString()).put("visitors", 1).put("sessions", 0).put("pageviews", 1).put("avg_duration", 0)),
        series);
  }

  @Test
  void aSessionAttributeRowHasTheSessionsStartedWithItAndTheEventsOfSessionsWithIt() {
    // on D, A's events count for partner although A started the day before: a row with visitors and no session
    JsonArray sources = (JsonArray) query(0, 1, "visitors,sessions,pageviews,bounce_rate", "source", new JsonArray());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("source", "newsletter").put("visitors", 1).put("sessions", 1).put("pageviews", 2).put("bounce_rate", 0))
        .add(new JsonObject().put("source", "partner").put("visitors", 1).put("sessions", 0).put("pageviews", 1).put("bounce_rate", 0))
        .add(new JsonObject().putNull("source").put("visitors", 1).put("sessions", 1).put("pageviews", 1).put("bounce_rate", 100)), sources);
    // exit pages are the whole sessions' (B leaves on /c after midnight), joined to the events of D for their counts
    JsonArray exits = (JsonArray) query(0, 1, "sessions,visitors,pageviews", "exit_page", new JsonArray());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("exit_page", "/c").put("sessions", 1).put("visitors", 2).put("pageviews", 3))
        .add(new JsonObject().put("exit_page", "/d").put("sessions", 1).put("visitors", 1).put("pageviews", 1)), exits);
    JsonObject filtered = (JsonObject) query(0, 1, "visitors,sessions,pageviews,avg_duration", null,
        new JsonArray().add(new JsonObject().put("dimension", "entry_page").put("operator", "is").put("value", "/a")));
    assertEquals(new JsonObject().put("visitors", 2).put("sessions", 1).put("pageviews", 3).put("avg_duration", 1800), filtered);
  }

  @Test
  void anEventFilterKeepsTheSessionsStartedInRangeWithAMatchingEventInRange() {
    // /c on D: A's pageview (A started the day before); B's /c is after midnight. Visitors with it, no session in scope.
    JsonObject c = (JsonObject) query(0, 1, "visitors,sessions,pageviews", null,
        new JsonArray().add(new JsonObject().put("dimension", "page").put("operator", "is").put("value", "/c")));
    assertEquals(new JsonObject().put("visitors", 1).put("sessions", 0).put("pageviews", 1), c);
    // /b on D: B's pageview; B is in scope with its whole values
    JsonObject b = (JsonObject) query(0, 1, "visitors,sessions,pageviews,views_per_visit,avg_duration", null,
        new JsonArray().add(new JsonObject().put("dimension", "page").put("operator", "is").put("value", "/b")));
    assertEquals(new JsonObject().put("visitors", 1).put("sessions", 1).put("pageviews", 1).put("views_per_visit", 3.0).put("avg_duration", 1800), b);
    // the page rows agree with the filters: /c has A's visitor and no session started on D
    JsonArray pages = (JsonArray) query(0, 1, "visitors,sessions,pageviews", "page", new JsonArray());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("page", "/a").put("visitors", 1).put("sessions", 1).put("pageviews", 1))
        .add(new JsonObject().put("page", "/b").put("visitors", 1).put("sessions", 1).put("pageviews", 1))
        .add(new JsonObject().put("page", "/c").put("visitors", 1).put("sessions", 0).put("pageviews", 1))
        .add(new JsonObject().put("page", "/d").put("visitors", 1).put("sessions", 1).put("pageviews", 1)), pages);
  }
}
