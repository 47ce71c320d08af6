package io.sightline.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * A key as listed: never the secret, only its public prefix and its public UUID (an id for clients whose
 * vendor schema wants a UUID, such as Hum's {@code token_ids[]}).
 */
public record ApiKeyInfo(int id, int siteId, String prefix, UUID uuid, String name, Set<Scope> scopes, Integer rateLimitPerMinute,
                         OffsetDateTime createdAt, OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("site_id", siteId)
        .put("prefix", prefix)
        .put("uuid", uuid.toString())
        .put("name", name)
        .put("scopes", new JsonArray(java.util.List.of(Scope.ids(scopes))))
        .put("rate_limit_per_minute", rateLimitPerMinute)
        .put("created_at", createdAt == null ? null : createdAt.toInstant().toString())
        .put("last_used_at", lastUsedAt == null ? null : lastUsedAt.toInstant().toString())
        .put("revoked_at", revokedAt == null ? null : revokedAt.toInstant().toString());
  }
}
