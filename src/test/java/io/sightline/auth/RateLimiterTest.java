package io.sightline.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_699_999_990_000L); // 10 s into a minute
  private final RateLimiter limiter = new RateLimiter(now::get);

  @Test
  void allowsUpToTheLimitThenRefusesUntilTheWindowEnds() {
    for (int i = 1; i <= 3; i++) {
      RateLimiter.Decision d = limiter.acquire("k", 3);
      assertTrue(d.allowed());
      assertEquals(3 - i, d.remaining());
    }
    RateLimiter.Decision refused = limiter.acquire("k", 3);
    assertFalse(refused.allowed());
    assertEquals(0, refused.remaining());
    assertEquals(1_700_000_040L, refused.resetEpochSeconds(), "window ends at the next minute boundary");
    assertEquals(50, refused.retryAfterSeconds());

    now.addAndGet(50_000); // the next minute starts
    RateLimiter.Decision fresh = limiter.acquire("k", 3);
    assertTrue(fresh.allowed());
    assertEquals(2, fresh.remaining());
    assertEquals(1_700_000_100L, fresh.resetEpochSeconds());
  }

  @Test
  void countsEachKeySeparately() {
    assertTrue(limiter.acquire("a", 1).allowed());
    assertFalse(limiter.acquire("a", 1).allowed());
    assertTrue(limiter.acquire("b", 1).allowed());
  }

  @Test
  void evictsWindowsThatHaveEnded() {
    limiter.acquire("a", 5);
    limiter.acquire("b", 5);
    assertEquals(2, limiter.trackedKeys());
    limiter.evictExpired();
    assertEquals(2, limiter.trackedKeys(), "current windows are kept");
    now.addAndGet(60_000);
    limiter.evictExpired();
    assertEquals(0, limiter.trackedKeys());
  }
}
