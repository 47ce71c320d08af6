package io.sightline.config;

import java.time.Duration;

/**
 * API-key authentication.
 *
 * @param cacheTtl                 how long a resolved key is trusted before it is read again (so revocation takes at most this long)
 * @param defaultRateLimitPerMinute requests per key per 60 s window on the admin API, unless the key has its own limit
 * @param dialectRateLimits         the same, per query dialect (each dialect counts its own window)
 */
public record AuthConfig(Duration cacheTtl, int defaultRateLimitPerMinute, DialectRateLimits dialectRateLimits) {
}
