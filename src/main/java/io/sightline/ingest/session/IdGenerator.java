package io.sightline.ingest.session;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Time-ordered 63-bit ids for events and sessions, made without a database round trip:
 * 41 bits of milliseconds since 2025-01-01, 10 random bits per process (so nodes rarely collide),
 * 12 bits of sequence (4096 ids per millisecond; beyond that the clock is borrowed ahead).
 */
public final class IdGenerator {
  private static final long EPOCH = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
  private final long node;
  private final LongSupplier clock;
  private final AtomicLong last = new AtomicLong();

  public IdGenerator(LongSupplier clockMillis) {
    this.clock = clockMillis;
    this.node = new SecureRandom().nextInt(1024);
  }

  public long next() {
    while (true) {
      long previous = last.get();
      long millis = Math.max(clock.getAsLong() - EPOCH, 0);
      long prevMillis = previous >>> 22;
      long seq = 0;
      if (millis <= prevMillis) {
        millis = prevMillis;
        seq = (previous & 0xFFF) + 1;
        if (seq > 0xFFF) {
          millis++;
          seq = 0;
        }
      }
      long id = (millis << 22) | (node << 12) | seq;
      if (last.compareAndSet(previous, id)) {
        return id;
      }
    }
  }
}
