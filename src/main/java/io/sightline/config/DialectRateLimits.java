package io.sightline.config;

/**
 * Per-key request limits of the query dialects, each in requests per 60 s window (a key's own
 * {@code rate_limit_per_minute} still wins). DATALYR documents 100 a minute; Clickport documents no
 * per-request limit on its query endpoints, and Humblytics, HubSpot and Hum publish no figure, so
 * their defaults are only a generous guard against abuse (docs/api.md, "Rate limits").
 */
public record DialectRateLimits(int clickport, int datalyr, int humblytics, int hubspot, int hum) {
}
