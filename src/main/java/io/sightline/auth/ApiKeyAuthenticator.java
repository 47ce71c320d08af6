package io.sightline.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sightline.db.DatabaseBreaker;
import io.sightline.http.ApiException;
import io.sightline.ops.LogThrottle;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Resolves an API key to its site and scopes. Lookups are cached per key id for a few seconds
 * (the configured TTL bounds how long a revoked key keeps working), unknown key ids included,
 * so a flood of bad keys does not become a flood of queries. The hash comparison is constant-time.
 * {@code last_used_at} is written at most once a minute per key. While PostgreSQL is known down
 * ({@link DatabaseBreaker}) a lookup fails at once: 503 with {@code Retry-After}, in the route's
 * error shape; the warning is logged once a minute with a count.
 */
public final class ApiKeyAuthenticator implements AuthenticationProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticator.class);
  private static final long TOUCH_INTERVAL_MS = 60_000;

  private static final int RETRY_AFTER_SECONDS = (int) DatabaseBreaker.OPEN.toSeconds();

  private final ApiKeyService keys;
  private final Cache<String, Future<Optional<ApiKeyRecord>>> cache;
  private final Map<Integer, Long> lastTouched = new ConcurrentHashMap<>();
  private final LongSupplier clockMillis;
  private final DatabaseBreaker database = new DatabaseBreaker("api-key-lookups", Clock.systemUTC());
  private final LogThrottle warnings = new LogThrottle(LOG);

  public ApiKeyAuthenticator(ApiKeyService keys, Duration cacheTtl, LongSupplier clockMillis) {
    this.keys = keys;
    this.clockMillis = clockMillis;
    this.cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheTtl).build();
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token)) {
      return Future.failedFuture(ApiException.unauthorized("Invalid API key"));
    }
    return resolve(token.getToken()).map(ApiPrincipal::toUser);
  }

  /** The caller for a raw key; fails with 401 for a missing, malformed, unknown or revoked key. */
  public Future<ApiPrincipal> resolve(String rawKey) {
    Optional<ApiKeyToken> parsed = ApiKeyToken.parse(rawKey);
    if (parsed.isEmpty()) {
      return Future.failedFuture(ApiException.unauthorized("Invalid API key"));
    }
    ApiKeyToken token = parsed.get();
    String keyId = token.keyId();
    Future<Optional<ApiKeyRecord>> lookup = cache.get(keyId, id -> database.call(() -> keys.lookup(id)));
    if (!lookup.succeeded()) {
      // a failed lookup is not kept (outside the cache's compute: the breaker fails at once)
      lookup.onFailure(err -> cache.asMap().remove(keyId, lookup));
    }
    return lookup.transform(ar -> {
      if (ar.failed()) {
        Throwable cause = ar.cause();
        // once per minute and reason, with a count: during an outage every request fails here
        warnings.warn(cause.getClass().getName(), "API key lookups fail: {}", String.valueOf(cause.getMessage()));
        return Future.failedFuture(ApiException.unavailable("Authentication is temporarily unavailable (the database cannot be reached); "
            + "retry in " + RETRY_AFTER_SECONDS + " seconds", RETRY_AFTER_SECONDS));
      }
      Optional<ApiKeyRecord> found = ar.result();
      if (found.isEmpty() || !token.matches(found.get().secretHash())) {
        return Future.failedFuture(ApiException.unauthorized("Invalid API key"));
      }
      ApiKeyRecord key = found.get();
      if (key.revoked()) {
        return Future.failedFuture(ApiException.unauthorized("This API key has been revoked"));
      }
      touch(key.id());
      return Future.succeededFuture(new ApiPrincipal(key.id(), key.keyId(), key.siteId(), key.scopes(), key.rateLimitPerMinute()));
    });
  }

  /** Forgets cached lookups (after a revocation on this node, for instance). */
  public void invalidate(String keyId) {
    cache.invalidate(keyId);
  }

  private void touch(int id) {
    long now = clockMillis.getAsLong();
    Long previous = lastTouched.get(id);
    if (previous != null && now - previous < TOUCH_INTERVAL_MS) {
      return;
    }
    lastTouched.put(id, now);
    keys.touch(id).onFailure(err -> LOG.debug("Could not record key use: {}", err.getMessage()));
  }
}
