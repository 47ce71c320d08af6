package io.sightline.lifecycle;

import io.sightline.support.RunningServer;
import io.sightline.support.TestConfig;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code database.readUrl} (docs/cluster.md, "Reads from a replica"): the analytics queries read the second database, while
 * ingestion, authentication and the admin API use the first. Told apart here by pointing the read URL at another database with
 * the same schema and no events.
 */
@Tag("integration")
class ReadReplicaTest {
  @Test
  void analyticsQueriesReadTheReplicaAndEverythingElseThePrimary() {
    TestDatabase replica = TestPostgres.newDatabase();
    Vertx vertx = Vertx.vertx();
    try {
      DatabaseSession.open(TestConfig.forDatabase(replica), vertx).close(); // the schema, as a replica would have it
    } finally {
      vertx.close();
    }
    try (RunningServer server = RunningServer.start("database.readUrl", replica.url(), "writer.rollups", "false")) {
      String key = server.siteKey(); // authenticated against the primary: the replica has no keys
      HttpResponse<String> event = server.send("POST", "/api/event", "{\"url\":\"https://localhost/\",\"visitor_id\":\"r1\"}",
          "x-api-key", key, "Content-Type", "application/json", "User-Agent",
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36");
      assertEquals(200, event.statusCode(), event.body());
      assertEquals(1L, server.sql("select count(*) as n from events").iterator().next().getLong("n"), "stored on the primary");

      JsonObject query = new JsonObject().put("period", "today").put("metrics", new JsonArray().add("pageviews"));
      HttpResponse<String> answer = server.send("POST", "/api/query", query.encode(), "x-api-key", key, "Content-Type", "application/json");
      assertEquals(200, answer.statusCode(), answer.body());
      assertEquals(0, new JsonObject(answer.body()).getJsonObject("results").getInteger("pageviews"),
          "read from the replica, which has not seen the event: " + answer.body());

      HttpResponse<String> sites = server.get("/admin/v1/sites", "Authorization", "Bearer " + server.adminKey());
      assertEquals(200, sites.statusCode(), "the admin API on the primary: " + sites.body());
    }
  }
}
