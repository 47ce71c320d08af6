package io.sightline.account;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only links to a site's dashboard: a random token in the URL (only its SHA-256 stored), an
 * optional password (an Argon2id hash, made by the caller off the event loop), revocable.
 */
public final class SharedLinks {
  private final Pool pool;

  public SharedLinks(Pool pool) {
    this.pool = pool;
  }

  /** A link as its owner lists it (never its token, which is shown once). */
  public record Link(int id, int siteId, String name, boolean passwordProtected, String createdAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("site_id", siteId).put("name", name).put("password_protected", passwordProtected)
          .put("created_at", createdAt);
    }
  }

  /** A live link found by its token, with its site. */
  public record Resolved(int id, int siteId, String passwordHash, String domain, String siteName, String timezone) {
  }

  /** Creates a link; the token is returned once. */
  public Future<JsonObject> create(int siteId, String name, String passwordHash, Integer createdBy) {
    String n = name == null || name.isBlank() ? "shared link" : name.trim();
    if (n.length() > 200) {
      return Future.failedFuture(ApiException.badRequest("name must be at most 200 characters"));
    }
    String token = Tokens.random();
    return pool.preparedQuery(AccountSql.LINK_INSERT).execute(Tuple.of(siteId, Tokens.sha256(token), n, passwordHash, createdBy))
        .map(rows -> link(rows.iterator().next()).toJson().put("token", token));
  }

  public Future<List<Link>> list(int siteId) {
    return pool.preparedQuery(AccountSql.LINKS_OF_SITE).execute(Tuple.of(siteId)).map(rows -> {
      List<Link> out = new ArrayList<>();
      rows.forEach(r -> out.add(link(r)));
      return out;
    });
  }

  public Future<Boolean> revoke(int siteId, int linkId) {
    return pool.preparedQuery(AccountSql.LINK_REVOKE).execute(Tuple.of(linkId, siteId)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Optional<Resolved>> find(String token) {
    if (!Tokens.wellFormed(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(AccountSql.LINK_BY_TOKEN).execute(Tuple.of(Tokens.sha256(token))).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Resolved(r.getInteger("id"), r.getInteger("site_id"), r.getString("password_hash"), r.getString("domain"),
          r.getString("site_name"), r.getString("timezone")));
    });
  }

  private static Link link(Row r) {
    return new Link(r.getInteger("id"), r.getInteger("site_id"), r.getString("name"), r.getBoolean("protected"),
        r.getOffsetDateTime("created_at").toInstant().toString());
  }
}
