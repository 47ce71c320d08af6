package io.sightline.api.hum;

import java.util.Optional;
import java.util.UUID;

/**
 * The UUID Hum's API shows for a Sightline session: stable, and decodable back to the site and
 * session, so that {@code GET /analytics/sessions/{id}} is a primary-key lookup (a name-based hash
 * would need an extra index on the sessions table, paid by every ingested batch).
 *
 * <p>Layout (RFC 9562 version 8, "custom"): the first 32 bits are the site id; the session id's 63
 * bits fill the other payload bits (16 + 12 + 36); the last 26 bits are a check over both, so a
 * mistyped or invented id is rejected without a query.
 */
public final class HumSessionId {
  private static final long MASK_36 = (1L << 36) - 1;
  private static final long MASK_26 = (1L << 26) - 1;

  /** A decoded id. */
  public record Key(int siteId, long sessionId) {
  }

  private HumSessionId() {
  }

  public static UUID encode(int siteId, long sessionId) {
    long msb = ((long) siteId << 32) | (((sessionId >>> 48) & 0xFFFFL) << 16) | 0x8000L | ((sessionId >>> 36) & 0xFFFL);
    long lsb = Long.MIN_VALUE | ((sessionId & MASK_36) << 26) | check(siteId, sessionId);
    return new UUID(msb, lsb);
  }

  /** The site and session of an id this class made; empty for any other text. */
  public static Optional<Key> decode(String text) {
    if (text == null || text.length() != 36) {
      return Optional.empty();
    }
    UUID id;
    try {
      id = UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    if (((msb >>> 12) & 0xF) != 8 || (lsb >>> 62) != 2) {
      return Optional.empty();
    }
    int siteId = (int) (msb >>> 32);
    long sessionId = (((msb >>> 16) & 0xFFFFL) << 48) | ((msb & 0xFFFL) << 36) | ((lsb >>> 26) & MASK_36);
    if (siteId <= 0 || sessionId < 0 || (lsb & MASK_26) != check(siteId, sessionId)) {
      return Optional.empty();
    }
    return Optional.of(new Key(siteId, sessionId));
  }

  /** 26 bits of a SplitMix64 finaliser over site and session. */
  private static long check(int siteId, long sessionId) {
    long z = sessionId * 0x9E3779B97F4A7C15L + siteId;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return z & MASK_26;
  }
}
