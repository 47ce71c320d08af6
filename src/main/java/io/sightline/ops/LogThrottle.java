package io.sightline.ops;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Warnings that repeat once per request (during a database outage, thousands a second) logged at
 * most once per interval for each reason: the first at once, later ones with how many more of that
 * reason there were since the previous line. Counted lazily: the count of a reason that stops
 * recurring is told only if it comes back. Safe from every event loop; no lock.
 */
public final class LogThrottle {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();

  private static final class Slot {
    final AtomicLong nextLineAt;
    final AtomicLong held = new AtomicLong();

    Slot(long now) {
      nextLineAt = new AtomicLong(now);
    }
  }

  public LogThrottle(Logger log, Duration interval, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  public LogThrottle(Logger log) {
    this(log, DEFAULT_INTERVAL, System::nanoTime);
  }

  /**
   * Logs {@code format} (SLF4J placeholders) at WARN unless a line of this {@code reason} was logged
   * within the interval; then only counts it. Reasons should be few (a fixed name, an exception class).
   *
   * @return whether a line was written
   */
  public boolean warn(String reason, String format, Object... args) {
    long now = nanoClock.getAsLong();
    Slot slot = slots.computeIfAbsent(reason, r -> new Slot(now));
    long due = slot.nextLineAt.get();
    if (now - due < 0 || !slot.nextLineAt.compareAndSet(due, now + intervalNanos)) {
      slot.held.incrementAndGet();
      return false;
    }
    long held = slot.held.getAndSet(0);
    if (held == 0) {
      log.warn(format, args);
    } else {
      Object[] withCount = Arrays.copyOf(args, args.length + 1);
      withCount[args.length] = held;
      log.warn(format + " ({} more like it since the previous line)", withCount);
    }
    return true;
  }
}
