package io.sightline.server;

import io.sightline.lifecycle.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class HttpServerVerticleTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  void letsAnInFlightRequestFinishThenRefusesNewConnections() throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    AtomicInteger port = new AtomicInteger();
    String id = Await.result(vertx.deployVerticle(new HttpServerVerticle("Test", "127.0.0.1", 0, v -> {
      Router router = Router.router(v);
      router.get("/slow").handler(ctx -> {
        inFlight.countDown();
        v.setTimer(700, t -> ctx.response().end("done"));
      });
      return router;
    }, Duration.ofSeconds(5), port), new DeploymentOptions()), Duration.ofSeconds(10));

    HttpClient client = HttpClient.newHttpClient();
    URI slow = URI.create("http://127.0.0.1:" + port.get() + "/slow");
    CompletableFuture<HttpResponse<String>> pending = client.sendAsync(HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(inFlight.await(5, TimeUnit.SECONDS));

    long started = System.nanoTime();
    Await.result(vertx.undeploy(id), Duration.ofSeconds(10));
    HttpResponse<String> response = pending.get(5, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    assertEquals("done", response.body());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "undeploy did not wait the whole grace period");

    HttpClient fresh = HttpClient.newHttpClient();
    IOException refused = assertThrows(IOException.class, () -> fresh.send(HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString()));
    assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException, refused.toString());
  }

  @Test
  void boundsHowLongItWaitsForARequestThatNeverEnds() throws Exception {
    AtomicInteger port = new AtomicInteger();
    CountDownLatch inFlight = new CountDownLatch(1);
    String id = Await.result(vertx.deployVerticle(new HttpServerVerticle("Test", "127.0.0.1", 0, v -> {
      Router router = Router.router(v);
      router.get("/hang").handler(ctx -> inFlight.countDown());
      return router;
    }, Duration.ofMillis(500), port), new DeploymentOptions()), Duration.ofSeconds(10));
    HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/hang")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(inFlight.await(5, TimeUnit.SECONDS));
    long started = System.nanoTime();
    Await.result(vertx.undeploy(id), Duration.ofSeconds(10));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMs >= 400 && tookMs < 5000, "stopped after the grace period, took " + tookMs + " ms");
  }
}
