package io.sightline.query;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Bounds the raw-event queries running at once on a pool, so that slow analytics queries (up to
 * the engine's statement timeout each) can never take every connection: ingestion, authentication
 * and health checks keep the rest. Queries beyond the bound wait in a FIFO queue (without blocking
 * a thread); beyond {@link #MAX_WAITING} waiting, a query is refused with 503.
 */
public final class QueryGate {
  public static final int MAX_WAITING = 256;
  private static final Map<Pool, QueryGate> GATES = new WeakHashMap<>();

  private final int permits;
  private final Queue<Promise<Void>> waiting = new ArrayDeque<>();
  private int running;

  private QueryGate(int permits) {
    this.permits = permits;
  }

  /** A gate not tied to a pool (tests). */
  static QueryGate withPermits(int permits) {
    return new QueryGate(permits);
  }

  /** Sets how many engine queries may run at once on this pool (the server uses half the pool). */
  public static synchronized void limit(Pool pool, int permits) {
    GATES.put(pool, new QueryGate(Math.max(1, permits)));
  }

  /** The pool's gate (8 at once unless {@link #limit} said otherwise). */
  static synchronized QueryGate of(Pool pool) {
    return GATES.computeIfAbsent(pool, p -> new QueryGate(8));
  }

  /** Runs the query when a permit is free, and frees it when the query ends. */
  <T> Future<T> run(Supplier<Future<T>> query) {
    Future<Void> permit;
    synchronized (this) {
      if (running < permits) {
        running++;
        permit = Future.succeededFuture();
      } else if (waiting.size() >= MAX_WAITING) {
        return Future.failedFuture(new ApiException(503, "unavailable", "Too many analytics queries are running; retry shortly"));
      } else {
        Promise<Void> p = Promise.promise();
        waiting.add(p);
        permit = p.future();
      }
    }
    return permit.compose(v -> {
      Future<T> f;
      try {
        f = query.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.andThen(done -> release());
    });
  }

  private void release() {
    Promise<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
        return;
      }
    }
    next.complete(); // the permit passes to the next query
  }

  synchronized int running() {
    return running;
  }
}
