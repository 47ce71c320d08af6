package io.sightline.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Applies the per-key limit (the key's own, else the default) and sets
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (Unix
 * seconds) on every authenticated response; over the limit, 429 with {@code Retry-After}.
 * Goes right after {@link ApiKeyAuthHandler}.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  private final RateLimiter limiter;
  private final int defaultLimit;
  private final Counter limited;

  public RateLimitHandler(RateLimiter limiter, int defaultLimit, MeterRegistry registry) {
    this.limiter = limiter;
    this.defaultLimit = defaultLimit;
    this.limited = Counter.builder("sightline_api_rate_limited").description("Requests refused with 429 by the per-key rate limit")
        .register(registry);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ApiPrincipal principal = ApiPrincipal.of(ctx);
    int limit = principal.rateLimitPerMinute() != null ? principal.rateLimitPerMinute() : defaultLimit;
    RateLimiter.Decision d = limiter.acquire(principal.keyId(), limit);
    ctx.response()
        .putHeader("X-RateLimit-Limit", Integer.toString(d.limit()))
        .putHeader("X-RateLimit-Remaining", Integer.toString(d.remaining()))
        .putHeader("X-RateLimit-Reset", Long.toString(d.resetEpochSeconds()));
    if (d.allowed()) {
      ctx.next();
      return;
    }
    limited.increment();
    ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
    ctx.fail(new ApiException(429, "rate_limited", "Rate limit of " + d.limit() + " requests per minute exceeded; retry after "
        + d.retryAfterSeconds() + " s"));
  }
}
