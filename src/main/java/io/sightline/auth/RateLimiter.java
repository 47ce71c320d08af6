package io.sightline.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Fixed 60-second windows per key, aligned to the minute (so {@code X-RateLimit-Reset} is the
 * same for every node and easy to read). Counts are kept in this process: with several nodes,
 * each enforces the limit on its own share of the traffic. A cluster member is built with the
 * member count as {@code shares}: each enforces {@code limit / shares} (at least 1), so a key spread
 * evenly over the members gets about its limit in all (docs/cluster.md, "Per node and cluster-wide").
 */
public final class RateLimiter {
  static final long WINDOW_MS = 60_000;

  private final LongSupplier clockMillis;
  private final int shares;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimiter(LongSupplier clockMillis) {
    this(clockMillis, 1);
  }

  public RateLimiter(LongSupplier clockMillis, int shares) {
    this.clockMillis = clockMillis;
    this.shares = Math.max(1, shares);
  }

  /**
   * Counts one request for {@code key} against {@code limit}.
   *
   * @param resetEpochSeconds when the current window ends (Unix seconds)
   */
  public record Decision(boolean allowed, int limit, int remaining, long resetEpochSeconds, long retryAfterSeconds) {
  }

  public Decision acquire(String key, int fullLimit) {
    int limit = shares == 1 ? fullLimit : Math.max(1, fullLimit / shares);
    long now = clockMillis.getAsLong();
    long windowStart = now - Math.floorMod(now, WINDOW_MS);
    Window w = windows.compute(key, (k, old) -> {
      Window current = old == null || old.start != windowStart ? new Window(windowStart) : old;
      current.count++;
      return current;
    });
    long reset = (windowStart + WINDOW_MS) / 1000;
    int used = w.count;
    boolean allowed = used <= limit;
    long retryAfter = Math.max(1, (windowStart + WINDOW_MS - now + 999) / 1000);
    return new Decision(allowed, limit, Math.max(0, limit - used), reset, retryAfter);
  }

  /** Drops windows that have ended; call now and then to bound memory. */
  public void evictExpired() {
    long now = clockMillis.getAsLong();
    long windowStart = now - Math.floorMod(now, WINDOW_MS);
    windows.values().removeIf(w -> w.start < windowStart);
  }

  int trackedKeys() {
    return windows.size();
  }

  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }
}
