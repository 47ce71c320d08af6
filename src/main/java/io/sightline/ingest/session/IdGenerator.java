package io.sightline.ingest.session;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Time-ordered ids made without a database round trip: milliseconds since 2025-01-01 (41 bits, enough
 * until 2094), the process's node number, and a sequence within the millisecond (beyond it, the clock
 * is borrowed ahead). Two layouts:
 * <ul>
 *   <li>events ({@link #IdGenerator(LongSupplier)}): 63 bits, 41 of time, 10 of node, 12 of sequence
 *   (4,096 ids a millisecond);</li>
 *   <li>sessions ({@link #sessions}): 53 bits, 41 of time, 8 of node, 4 of sequence (16 new sessions a
 *   millisecond), so that a session id is at most 2^53 - 1 ({@link #MAX_SAFE_INTEGER}, JavaScript's
 *   {@code Number.MAX_SAFE_INTEGER}) and reads exactly when a client parses it from a JSON number.
 *   Session ids made before this layout are above 2^53 (any 63-bit id made after 2025-01-25 is), so
 *   the two never meet.</li>
 * </ul>
 * The node is random until {@link #useNode} sets the one the process claimed at start ({@link IdNodes}):
 * claims cycle through 1,024 numbers, so processes started fewer than 256 starts apart (sessions) or
 * 1,024 (events) never share a node, and a restarted process does not reuse the ids its predecessor
 * borrowed ahead.
 */
public final class IdGenerator {
  /** The largest integer a JSON number keeps exactly in JavaScript (2^53 - 1). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final long EPOCH = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
  private final int nodeBits;
  private final int sequenceBits;
  private final long sequenceMask;
  private final LongSupplier clock;
  private final AtomicLong last = new AtomicLong();
  private volatile long node;

  /** Event ids: 63 bits. */
  public IdGenerator(LongSupplier clockMillis) {
    this(clockMillis, 10, 12);
  }

  private IdGenerator(LongSupplier clockMillis, int nodeBits, int sequenceBits) {
    this.clock = clockMillis;
    this.nodeBits = nodeBits;
    this.sequenceBits = sequenceBits;
    this.sequenceMask = (1L << sequenceBits) - 1;
    this.node = new SecureRandom().nextInt(1 << nodeBits);
  }

  /** Session ids: 53 bits, exact as JSON numbers in JavaScript. */
  public static IdGenerator sessions(LongSupplier clockMillis) {
    return new IdGenerator(clockMillis, 8, 4);
  }

  /** Uses the node number this process claimed (its low bits, as many as the layout has). */
  public void useNode(int claimed) {
    this.node = claimed & ((1L << nodeBits) - 1);
  }

  public long next() {
    int shift = nodeBits + sequenceBits;
    while (true) {
      long previous = last.get();
      long millis = Math.max(clock.getAsLong() - EPOCH, 0);
      long prevMillis = previous >>> shift;
      long seq = 0;
      if (millis <= prevMillis) {
        millis = prevMillis;
        seq = (previous & sequenceMask) + 1;
        if (seq > sequenceMask) {
          millis++;
          seq = 0;
        }
      }
      long id = (millis << shift) | (node << sequenceBits) | seq;
      if (last.compareAndSet(previous, id)) {
        return id;
      }
    }
  }
}
