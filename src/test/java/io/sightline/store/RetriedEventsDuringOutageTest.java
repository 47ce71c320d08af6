package io.sightline.store;

import io.sightline.config.ConfigLoader;
import io.sightline.db.embedded.EmbeddedPostgres;
import io.sightline.event.Addresses;
import io.sightline.lifecycle.SightlineServer;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stops while a sender's event waits for its commit: the sender gets 503 after {@code writer.ackTimeoutSeconds}, told
 * the event may still be stored; the writer commits it once PostgreSQL is back. A retry with the same {@code event_id}, while the
 * first is still waiting, after it committed, or after the server restarted, stores nothing more and is answered with the stored
 * event's ids; the rollups count the event once. An event sent without an id and retried is stored twice, as the 503 warns.
 */
@Tag("integration")
class RetriedEventsDuringOutageTest {
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aRetryOfAnEventWhose503dBatchCommittedLaterIsStoredOnce() throws Exception {
    Path dir = TestPostgres.tempDir("sightline-retry-");
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port, cache);
    String url = "postgresql://" + pg.user() + ":" + pg.password() + "@127.0.0.1:" + port + "/" + pg.database();
    Map<String, String> settings = Map.of("database.url", url, "http.port", "0", "http.host", "127.0.0.1", "http.instances", "1",
        "shutdown.graceSeconds", "2", "writer.ackTimeoutSeconds", "2", "database.connectTimeoutSeconds", "2", "writer.partitions", "2",
        "auth.cacheSeconds", "300"); // keys and sites stay cached through the outage: the 503s below are the writer's
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    SightlineServer server = SightlineServer.start(new ConfigLoader().load(null, false, Map.of(), settings),
        new PrintStream(banner, true, StandardCharsets.UTF_8));
    try {
      Matcher m = Pattern.compile("site key\\s+\\([^)]*\\):\\s+(sl_\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
      assertTrue(m.find());
      String key = m.group(1);
      String before = body("/before", "before-1");
      HttpResponse<String> beforeAnswer = post(server, key, before);
      assertEquals(200, beforeAnswer.statusCode(), beforeAnswer.body());

      pg.close(); // PostgreSQL stops
      String during = body("/during", "during-1");
      HttpResponse<String> unconfirmed = post(server, key, during);
      assertEquals(503, unconfirmed.statusCode(), "not confirmed within writer.ackTimeoutSeconds");
      assertTrue(unconfirmed.headers().firstValue("Retry-After").isPresent());
      String message = new JsonObject(unconfirmed.body()).getString("message");
      assertTrue(message.contains("may still be stored") && message.contains("same event_id"), message);
      HttpResponse<String> stillWaiting = post(server, key, during);
      assertEquals(503, stillWaiting.statusCode(), "the retry waits for the first copy, which is not confirmed either");
      assertTrue(new JsonObject(stillWaiting.body()).getString("message").contains("same event_id"), stillWaiting.body());
      String withoutId = "{\"url\":\"https://localhost/during-without-id\"}";
      HttpResponse<String> withoutIdAnswer = post(server, key, withoutId);
      assertEquals(503, withoutIdAnswer.statusCode());
      assertTrue(new JsonObject(withoutIdAnswer.body()).getString("message").contains("may still be stored"), withoutIdAnswer.body());

      pg = EmbeddedPostgres.start(dir, port, cache); // back on the same port: the queued events commit
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      HttpResponse<String> retried = post(server, key, during);
      while (retried.statusCode() != 200 && System.nanoTime() < deadline) {
        retried = post(server, key, during);
      }
      assertEquals(200, retried.statusCode(), retried.body());
      JsonObject answer = new JsonObject(retried.body());
      assertEquals(1, count(server, "/during"), "stored once");
      long pageVisit = Long.parseLong(answer.getString("page_visit_id"), 16);
      assertEquals(answer.getLong("session_id"), RunningServer.await(server.database().pool().preparedQuery(
          "select session_id from events where event_id = $1").execute(Tuple.of(pageVisit))).iterator().next().getLong("session_id"),
          "answered with the ids of the event the writer committed after the 503");
      assertEquals(200, post(server, key, withoutId).statusCode());
      assertEquals(2, count(server, "/during-without-id"), "without an event_id, the retry is a second event");
      List<String> rollups = rollups(server);
      assertEquals(1, pageviews(server, "/during"), "the rollups count it once");

      server.stop(); // a restart: the ids are loaded from event_keys
      server = SightlineServer.start(new ConfigLoader().load(null, false, Map.of(), settings),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      HttpResponse<String> afterRestart = post(server, key, during);
      assertEquals(200, afterRestart.statusCode(), afterRestart.body());
      assertEquals(answer, new JsonObject(afterRestart.body()));
      HttpResponse<String> beforeAgain = post(server, key, before);
      assertEquals(new JsonObject(beforeAnswer.body()), new JsonObject(beforeAgain.body()));
      assertEquals(1, count(server, "/during"));
      assertEquals(1, count(server, "/before"));
      assertEquals(rollups, rollups(server), "no rollup row changed");
    } finally {
      server.stop();
      pg.close();
      TestPostgres.deleteRecursively(dir);
    }
  }

  private static String body(String path, String eventId) {
    return new JsonObject().put("url", "https://localhost" + path).put("event_id", eventId).encode();
  }

  private static long count(SightlineServer server, String path) {
    return RunningServer.await(server.database().pool().preparedQuery("select count(*) as n from events where pathname = $1")
        .execute(Tuple.of(path))).iterator().next().getLong("n");
  }

  private static void fold(SightlineServer server) {
    RunningServer.await(server.vertx().eventBus().request(Addresses.FOLD_ROLLUPS, null, new DeliveryOptions().setSendTimeout(20_000)));
  }

  private static long pageviews(SightlineServer server, String page) {
    fold(server);
    return RunningServer.await(server.database().pool().preparedQuery("select coalesce(sum(pageviews), 0) as n from rollup_dim "
        + "where dim = $1 and value = $2").execute(Tuple.of(io.sightline.rollup.RollupDim.PAGE.id(), page))).iterator().next().getLong("n");
  }

  private static List<String> rollups(SightlineServer server) {
    fold(server);
    List<String> rows = new ArrayList<>();
    for (String table : List.of("rollup_total", "rollup_dim", "rollup_drill", "rollup_sketch")) {
      RunningServer.await(server.database().pool().query("select t::text as r from " + table + " t order by 1").execute())
          .forEach(r -> rows.add(table + " " + r.getString("r")));
    }
    return rows;
  }

  private HttpResponse<String> post(SightlineServer server, String key, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/event")).timeout(Duration.ofSeconds(30))
        .header("x-api-key", key).header("User-Agent", UA).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
