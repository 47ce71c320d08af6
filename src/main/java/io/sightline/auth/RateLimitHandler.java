package io.sightline.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * Applies one API's per-key limit (the key's own, else the API's) and sets
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (Unix
 * seconds) on every authenticated response; over the limit, 429 with {@code Retry-After}. Each API
 * (a dialect, or the admin API) counts its own window per key, so a key used with two dialects is
 * held to each one's limit separately. Goes right after {@link ApiKeyAuthHandler}.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  static final String LIMIT = "X-RateLimit-Limit";
  static final String REMAINING = "X-RateLimit-Remaining";
  static final String RESET = "X-RateLimit-Reset";

  private final RateLimiter limiter;
  private final String windowPrefix;
  private final int defaultLimit;
  private final Counter limited;

  /**
   * @param api          the API this limit belongs to ({@code datalyr}, {@code clickport}, {@code admin}...): its windows and its
   *                     {@code sightline_api_rate_limited} series
   * @param defaultLimit requests per key and minute for keys without their own limit
   */
  public RateLimitHandler(RateLimiter limiter, String api, int defaultLimit, MeterRegistry registry) {
    this.limiter = limiter;
    this.windowPrefix = api + ":";
    this.defaultLimit = defaultLimit;
    this.limited = Counter.builder("sightline_api_rate_limited").description("Requests refused with 429 by the per-key rate limit")
        .tag("api", api).register(registry);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ApiPrincipal principal = ApiPrincipal.of(ctx);
    int limit = principal.rateLimitPerMinute() != null ? principal.rateLimitPerMinute() : defaultLimit;
    RateLimiter.Decision d = count(ctx, windowPrefix + principal.keyId(), limit);
    if (d.allowed()) {
      ctx.next();
    } else {
      ctx.fail(refusal(ctx, d));
    }
  }

  /**
   * A failure handler for an API whose every answer carries the headers (DATALYR): an error answered
   * before any key was counted (no key, an unknown key, a request refused before authentication) is
   * counted in this API's window of the client's address, under the API's limit, and carries that
   * window's headers; beyond the limit it becomes a 429 (so guessing keys is limited too). Answers
   * already counted against a key pass through unchanged. Mount it on the API's whole path, before
   * the one failure handler that writes the body.
   *
   * @param clientAddress the client's address as the server resolves it (trusted proxies honoured)
   */
  public Handler<RoutingContext> unkeyedAnswers(Function<HttpServerRequest, String> clientAddress) {
    return ctx -> {
      if (ctx.response().headWritten() || ctx.response().headers().contains(LIMIT)) {
        ctx.next();
        return;
      }
      RateLimiter.Decision d = count(ctx, windowPrefix + "address:" + clientAddress.apply(ctx.request()), defaultLimit);
      if (d.allowed()) {
        ctx.next();
      } else {
        ctx.fail(refusal(ctx, d)); // routed again through the failure handlers: the headers are set now, so this one passes
      }
    };
  }

  private RateLimiter.Decision count(RoutingContext ctx, String window, int limit) {
    RateLimiter.Decision d = limiter.acquire(window, limit);
    ctx.response()
        .putHeader(LIMIT, Integer.toString(d.limit()))
        .putHeader(REMAINING, Integer.toString(d.remaining()))
        .putHeader(RESET, Long.toString(d.resetEpochSeconds()));
    return d;
  }

  private ApiException refusal(RoutingContext ctx, RateLimiter.Decision d) {
    limited.increment();
    ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
    return new ApiException(429, "rate_limited", "Rate limit of " + d.limit() + " requests per minute exceeded; retry after "
        + d.retryAfterSeconds() + " s");
  }
}
