package io.sightline.auth;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Creates, lists and revokes API keys, and looks them up for authentication. */
public final class ApiKeyService {
  private final Pool pool;

  public ApiKeyService(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates a key for a site. The returned value is the only copy of the full key.
   *
   * @param rateLimitPerMinute this key's own limit, or null for the configured default
   */
  public Future<CreatedKey> create(int siteId, String name, Set<Scope> scopes, Integer rateLimitPerMinute) {
    if (name == null || name.isBlank() || name.length() > 200) {
      return Future.failedFuture(ApiException.badRequest("name is required (at most 200 characters)"));
    }
    if (scopes == null || scopes.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("at least one scope is required (ingest, read, admin)"));
    }
    if (rateLimitPerMinute != null && (rateLimitPerMinute < 1 || rateLimitPerMinute > 1_000_000)) {
      return Future.failedFuture(ApiException.badRequest("rate_limit_per_minute must be between 1 and 1000000"));
    }
    ApiKeyToken token = ApiKeyToken.generate();
    Tuple args = Tuple.of(siteId, token.keyId(), Buffer.buffer(token.hash()), name.trim(), Scope.ids(scopes), rateLimitPerMinute);
    return pool.preparedQuery(ApiKeySql.INSERT).execute(args)
        .map(rows -> new CreatedKey(toInfo(rows.iterator().next()), token.value()))
        .recover(err -> {
          if (err instanceof PgException pg && "23503".equals(pg.getSqlState())) {
            return Future.failedFuture(ApiException.notFound("no site with id " + siteId));
          }
          if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return create(siteId, name, scopes, rateLimitPerMinute); // key id collision: draw again
          }
          return Future.failedFuture(err);
        });
  }

  public Future<List<ApiKeyInfo>> list(int siteId, boolean includeRevoked) {
    return pool.preparedQuery(includeRevoked ? ApiKeySql.LIST_ALL : ApiKeySql.LIST_ACTIVE).execute(Tuple.of(siteId))
        .map(ApiKeyService::toInfos);
  }

  /**
   * Revokes a key of a site, named by its prefix ({@code sl_<keyId>}), its key id, its numeric id or its UUID.
   * Empty if the site has no such active key.
   */
  public Future<Optional<ApiKeyInfo>> revoke(int siteId, String ref) {
    String normalized = ref == null ? "" : ref.trim();
    Optional<ApiKeyToken> full = ApiKeyToken.parse(normalized);
    if (full.isPresent()) {
      normalized = full.get().keyId();
    } else if (normalized.startsWith(ApiKeyToken.PREFIX)) {
      normalized = normalized.substring(ApiKeyToken.PREFIX.length());
    }
    return pool.preparedQuery(ApiKeySql.REVOKE).execute(Tuple.of(siteId, normalized))
        .map(rows -> toInfos(rows).stream().findFirst());
  }

  /** The stored key with this key id, revoked or not. */
  public Future<Optional<ApiKeyRecord>> lookup(String keyId) {
    return pool.preparedQuery(ApiKeySql.FOR_AUTH).execute(Tuple.of(keyId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new ApiKeyRecord(row.getInteger("id"), row.getInteger("site_id"), row.getString("key_id"),
          row.getBuffer("secret_hash").getBytes(), Scope.fromIds(row.getArrayOfStrings("scopes")),
          row.getInteger("rate_limit_per_minute"), row.getBoolean("revoked")));
    });
  }

  /** Records that a key was used. */
  public Future<Void> touch(int id) {
    return pool.preparedQuery(ApiKeySql.TOUCH).execute(Tuple.of(id)).mapEmpty();
  }

  private static List<ApiKeyInfo> toInfos(RowSet<Row> rows) {
    List<ApiKeyInfo> list = new ArrayList<>();
    rows.forEach(row -> list.add(toInfo(row)));
    return list;
  }

  private static ApiKeyInfo toInfo(Row row) {
    return new ApiKeyInfo(row.getInteger("id"), row.getInteger("site_id"), ApiKeyToken.PREFIX + row.getString("key_id"),
        row.getUUID("public_id"), row.getString("name"), Scope.fromIds(row.getArrayOfStrings("scopes")), row.getInteger("rate_limit_per_minute"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_used_at"), row.getOffsetDateTime("revoked_at"));
  }
}
