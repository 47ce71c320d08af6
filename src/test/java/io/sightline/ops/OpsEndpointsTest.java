package io.sightline.ops;

import io.sightline.support.RunningServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.sightline.lifecycle.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class OpsEndpointsTest {

  @Test
  void servesMetricsAndHealthOnThePublicPortByDefault() {
    try (RunningServer server = RunningServer.start()) {
      server.get("/admin/v1/sites", "x-api-key", server.adminKey()); // some HTTP and pool traffic to report
      HttpResponse<String> metrics = server.get("/metrics");
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
      String text = metrics.body();
      assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters");
      assertTrue(text.contains("vertx_http_server_requests_total"), "HTTP server meters");
      assertTrue(text.contains("vertx_pool_in_use{") && text.contains("pool_name=\"sightline\""), "PG pool meters");
      assertTrue(text.contains("sightline_api_rate_limited_total"), "Sightline's own meters");

      assertEquals(new JsonObject().put("status", "UP"), new JsonObject(server.get("/health/live").body()));
      HttpResponse<String> ready = server.get("/health/ready");
      assertEquals(200, ready.statusCode());
      assertEquals("UP", new JsonObject(ready.body()).getJsonObject("checks").getString("database"));
    }
  }

  @Test
  void servesOperationalEndpointsOnTheirOwnPortWhenConfigured() throws Exception {
    try (RunningServer server = RunningServer.start("ops.separatePort", "true", "ops.port", "0")) {
      assertTrue(server.server.opsPort() > 0);
      String ops = "http://127.0.0.1:" + server.server.opsPort();
      assertEquals(200, server.sendTo(ops + "/metrics", "GET", null).statusCode());
      assertEquals(200, server.sendTo(ops + "/health/ready", "GET", null).statusCode());
      assertEquals(404, server.get("/metrics").statusCode(), "not on the public port");
      assertEquals(404, server.get("/health/live").statusCode());
    }
  }

  @Test
  void readinessIsDownWhenTheDatabaseDoesNotAnswerOrTheServerIsStopping() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    Pool deadPool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort)
        .setUser("u").setPassword("p").setDatabase("d")).using(vertx).build();
    Readiness readiness = new Readiness();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), deadPool, readiness);
    var http = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), Duration.ofSeconds(10));
    HttpClient client = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + http.actualPort() + "/health/ready");
    try {
      HttpResponse<String> starting = client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, starting.statusCode());
      readiness.started();
      HttpResponse<String> dbDown = client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, dbDown.statusCode());
      assertEquals("DOWN", new JsonObject(dbDown.body()).getJsonObject("checks").getString("database"));
      readiness.stopping();
      HttpResponse<String> stopping = client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("stopping", new JsonObject(stopping.body()).getJsonObject("checks").getString("server"));
      URI live = URI.create("http://127.0.0.1:" + http.actualPort() + "/health/live");
      assertEquals(200, client.send(HttpRequest.newBuilder(live).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
