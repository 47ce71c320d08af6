package io.sightline.lifecycle;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a future from a plain thread ({@code main}, the CLI, a shutdown hook). Never call it
 * from an event loop: Vert.x refuses, and it would block the loop.
 */
public final class Await {
  private Await() {
  }

  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s", e);
    }
  }
}
