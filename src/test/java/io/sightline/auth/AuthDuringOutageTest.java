package io.sightline.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sightline.lifecycle.SightlineServer;
import io.sightline.support.TcpProxy;
import io.sightline.support.TestConfig;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL becomes unreachable under a running server (a real PostgreSQL behind a proxy that cuts
 * the network: connection attempts hang until database.connectTimeoutSeconds). Authentication
 * answers 503 with Retry-After in each dialect's shape, fails fast once the database is known down,
 * logs the failures once, and works again by itself when the database is back.
 */
@Tag("integration")
class AuthDuringOutageTest {
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private record Call(String dialect, String method, String path, String body) {
  }

  @Test
  void answers503WithRetryAfterAtOnceWhileTheDatabaseIsKnownDownAndRecovers() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    try (TcpProxy proxy = TcpProxy.to(db.options().getHost(), db.options().getPort())) {
      String url = "postgresql://" + db.options().getUser() + ":" + db.options().getPassword() + "@127.0.0.1:" + proxy.port() + "/"
          + db.options().getDatabase();
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db, "database.url", url, "database.connectTimeoutSeconds", "2",
          "auth.cacheSeconds", "0"), new PrintStream(banner, true, StandardCharsets.UTF_8));
      Logger authLog = (Logger) LoggerFactory.getLogger(ApiKeyAuthenticator.class);
      ListAppender<ILoggingEvent> logs = new ListAppender<>();
      logs.start();
      authLog.addAppender(logs);
      try {
        Matcher m = Pattern.compile("site key\\s+\\([^)]*\\):\\s+(sl_\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
        assertTrue(m.find());
        String key = m.group(1);
        String base = "http://127.0.0.1:" + server.httpPort();
        List<Call> calls = List.of(new Call("clickport", "GET", "/api/goals", null), new Call("datalyr", "GET", "/api/v1/workspace", null),
            new Call("clickport", "POST", "/api/event", "{\"url\":\"https://localhost/during\"}"));
        for (Call c : calls) {
          assertEquals(200, send(base, key, c).statusCode(), c + " before the outage");
        }

        proxy.cut();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          Call c = calls.get(i % calls.size());
          long t0 = System.nanoTime();
          HttpResponse<String> r = send(base, key, c);
          millis.add((System.nanoTime() - t0) / 1_000_000);
          assertEquals(503, r.statusCode(), c + " → " + r.body());
          assertEquals("5", r.headers().firstValue("Retry-After").orElse(null), c + ": Retry-After");
          JsonObject body = new JsonObject(r.body());
          if (c.dialect().equals("datalyr")) {
            assertEquals("unavailable", body.getString("code"), r.body());
            assertTrue(body.getString("error").contains("temporarily unavailable"), r.body());
          } else {
            assertEquals("Service Unavailable", body.getString("error"), r.body());
            assertTrue(body.getString("message").contains("temporarily unavailable"), r.body());
          }
        }
        // the first failures wait for the connection timeout (2 s); once three in a row failed, the database is known down
        long slow = millis.stream().filter(ms -> ms >= 1500).count();
        assertTrue(slow <= 3, "at most three requests waited for the database: " + millis);
        assertTrue(millis.subList(3, millis.size()).stream().allMatch(ms -> ms < 1000), "then each failed at once: " + millis);

        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(!warnings.isEmpty() && warnings.size() <= 3, "one warning per reason, not one per request: " + warnings);
        assertFalse(warnings.stream().anyMatch(w -> w.contains(key.substring(0, 12))), "no key in the logs: " + warnings);

        proxy.restore();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
          status = send(base, key, calls.get(0)).statusCode();
          if (status != 200) {
            Thread.sleep(250);
          }
        }
        assertEquals(200, status, "authentication works again once the database is back");
        for (Call c : calls) {
          assertEquals(200, send(base, key, c).statusCode(), c + " after the outage");
        }
      } finally {
        authLog.detachAppender(logs);
        server.stop();
      }
    }
  }

  private HttpResponse<String> send(String base, String key, Call c) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path())).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key).header("User-Agent", UA);
    if (c.body() != null) {
      b.header("Content-Type", "application/json").method(c.method(), HttpRequest.BodyPublishers.ofString(c.body()));
    } else {
      b.method(c.method(), HttpRequest.BodyPublishers.noBody());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
