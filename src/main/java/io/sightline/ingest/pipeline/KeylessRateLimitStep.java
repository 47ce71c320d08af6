package io.sightline.ingest.pipeline;

import io.sightline.auth.RateLimiter;
import io.sightline.net.IpAddresses;

/**
 * Limits keyless (tracker) beacons per client address and minute; the excess is dropped and
 * still answered with success, as Clickport does. Keyed senders are not limited here.
 */
public final class KeylessRateLimitStep implements PipelineStep {
  private final RateLimiter limiter;
  private final int perMinute;

  public KeylessRateLimitStep(RateLimiter limiter, int perMinute) {
    this.limiter = limiter;
    this.perMinute = perMinute;
  }

  @Override
  public void apply(EventDraft d) {
    if (d.facts.keyless() && !limiter.acquire(IpAddresses.toInet(d.facts.clientIp()).getHostAddress(), perMinute).allowed()) {
      throw new Dropped(DropReason.RATE_LIMITED, "more than " + perMinute + " events per minute from this address");
    }
  }
}
