package io.sightline.store;

import io.sightline.config.ConfigLoader;
import io.sightline.db.embedded.EmbeddedPostgres;
import io.sightline.lifecycle.SightlineServer;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonArray;
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

/** PostgreSQL goes away under load: senders get 503, and every event answered 200 is stored exactly once. */
@Tag("integration")
class WriterDurabilityTest {
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void keyedSendersGet503WhileThePostgresIsDownAndNothingAcknowledgedIsLost() throws Exception {
    Path dir = TestPostgres.tempDir("sightline-durability-");
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port, cache);
    String url = "postgresql://" + pg.user() + ":" + pg.password() + "@127.0.0.1:" + port + "/" + pg.database();
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    SightlineServer server = SightlineServer.start(new ConfigLoader().load(null, false, Map.of(), Map.of(
        "database.url", url, "http.port", "0", "http.host", "127.0.0.1", "http.instances", "1", "shutdown.graceSeconds", "2",
        "writer.ackTimeoutSeconds", "2", "writer.queueEvents", "20", "database.connectTimeoutSeconds", "2")),
        new PrintStream(banner, true, StandardCharsets.UTF_8));
    try {
      Matcher m = Pattern.compile("site key\\s+\\([^)]*\\):\\s+(sl_\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
      assertTrue(m.find());
      String key = m.group(1);
      String base = "http://127.0.0.1:" + server.httpPort();
      List<String> acknowledged = new ArrayList<>();

      for (int i = 0; i < 5; i++) {
        String path = "/before-" + i;
        assertEquals(200, send(base, key, path).statusCode());
        acknowledged.add(path);
      }

      pg.close(); // PostgreSQL stops
      HttpResponse<String> waited = send(base, key, "/during-0");
      assertEquals(503, waited.statusCode(), "not confirmed within writer.ackTimeoutSeconds");
      assertTrue(waited.headers().firstValue("Retry-After").isPresent());
      assertEquals("Service Unavailable", new JsonObject(waited.body()).getString("error"));
      JsonArray tooMany = new JsonArray();
      for (int i = 0; i < 25; i++) {
        tooMany.add(new JsonObject().put("url", "https://localhost/during-batch-" + i));
      }
      HttpResponse<String> refused = post(base + "/api/event/batch", key, tooMany.encode());
      assertEquals(503, refused.statusCode(), "queue (writer.queueEvents = 20) cannot take 25 more");
      assertEquals(503, http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "readiness reports the database down");

      pg = EmbeddedPostgres.start(dir, port, cache); // back on the same port
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int status = 0;
      while (status != 200 && System.nanoTime() < deadline) {
        status = send(base, key, "/after-0").statusCode();
      }
      assertEquals(200, status, "the server recovers by itself");
      acknowledged.add("/after-0");
      for (int i = 1; i < 5; i++) {
        String path = "/after-" + i;
        assertEquals(200, send(base, key, path).statusCode());
        acknowledged.add(path);
      }

      var pool = server.database().pool();
      for (String path : acknowledged) {
        long n = RunningServer.await(pool.preparedQuery("select count(*) as n from events where pathname = $1").execute(Tuple.of(path)))
            .iterator().next().getLong("n");
        assertEquals(1, n, path + " was acknowledged, so it is stored exactly once");
      }
      long batch = RunningServer.await(pool.query("select count(*) as n from events where pathname like '/during-batch-%'").execute())
          .iterator().next().getLong("n");
      assertEquals(0, batch, "the refused batch was not stored");
    } finally {
      server.stop();
      pg.close();
      TestPostgres.deleteRecursively(dir);
    }
  }

  private HttpResponse<String> send(String base, String key, String path) throws Exception {
    return post(base + "/api/event", key, "{\"url\":\"https://localhost" + path + "\"}");
  }

  private HttpResponse<String> post(String url, String key, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("x-api-key", key).header("User-Agent", UA).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
