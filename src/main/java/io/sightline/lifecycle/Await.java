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

  /** The result; a failure is rethrown as is when unchecked, wrapped when checked (so callers' cleanup runs). */
  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e.getMessage(), e); // Future.await rethrows checked causes unchecked-ly
    }
  }
}
