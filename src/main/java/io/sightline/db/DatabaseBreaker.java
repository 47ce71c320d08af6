package io.sightline.db;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A circuit breaker over PostgreSQL calls (resilience4j's): once {@value #FAILURES_TO_OPEN} calls
 * in a row fail because the database cannot be reached, it is known down and further calls fail at
 * once, without waiting for {@code database.connectTimeoutSeconds}, for {@link #OPEN}; then one
 * call tries again (others still fail at once): its success closes the breaker, its failure opens
 * it again. Failures of the statement itself (a constraint, a bad value) say the database is up. No
 * connection within the timeout counts as down: with analytics held to half the pool
 * ({@code QueryGate}), a pool that stays exhausted that long is shedding load either way.
 * Lock-free, safe from every event loop.
 */
public final class DatabaseBreaker {
  public static final Duration OPEN = Duration.ofSeconds(5);
  static final int FAILURES_TO_OPEN = 3;
  private static final DatabaseUnavailableException KNOWN_DOWN = new DatabaseUnavailableException(
      "PostgreSQL is unreachable (several calls in a row failed); not trying again for a few seconds", null);

  /** The pool's failure when no connection came within {@code database.connectTimeoutSeconds} (a plain VertxException). */
  private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

  private final CircuitBreaker breaker;

  public DatabaseBreaker(String name, Clock clock) {
    this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .slidingWindow(FAILURES_TO_OPEN, FAILURES_TO_OPEN, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED,
            CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
        .failureRateThreshold(100)
        .recordException(DatabaseBreaker::isUnavailable)
        .waitDurationInOpenState(OPEN)
        .permittedNumberOfCallsInHalfOpenState(1)
        .clock(clock)
        .build());
  }

  /** Runs {@code call} unless the database is known down; then fails at once with a {@link DatabaseUnavailableException}. */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(KNOWN_DOWN);
    }
    long start = System.nanoTime();
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      return Future.failedFuture(e);
    }
    return result.andThen(ar -> {
      if (ar.succeeded()) {
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      } else {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ar.cause());
      }
    });
  }

  /** True while calls fail at once (open), or only a trial call goes through (half open). */
  public boolean knownDown() {
    CircuitBreaker.State state = breaker.getState();
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.HALF_OPEN;
  }

  /**
   * Whether a failure means PostgreSQL cannot be reached or cannot serve at all (connection refused,
   * reset or timed out, the server shutting down or out of connection slots), as opposed to a
   * failure of the statement.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
      }
      if (t instanceof DatabaseUnavailableException || t instanceof IOException || t instanceof ClosedConnectionException
          || t instanceof TimeoutException || t.getClass().getSimpleName().contains("TimeoutException")
          || POOL_WAIT_TIMEOUT.equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
