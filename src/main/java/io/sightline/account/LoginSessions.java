package io.sightline.account;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Dashboard login sessions: a random token in the cookie, its SHA-256 in {@code account_sessions},
 * a fixed lifetime from the login, and a CSRF token per session for the dashboard's own writes.
 */
public final class LoginSessions {
  private final Pool pool;
  private final Duration lifetime;
  private final Clock clock;

  public LoginSessions(Pool pool, Duration lifetime, Clock clock) {
    this.pool = pool;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A live session: whose, its CSRF token, until when. */
  public record Session(Account account, String csrfToken, Instant expiresAt) {
  }

  /** A new session's cookie token and the session. */
  public record Started(String token, Session session) {
  }

  public Duration lifetime() {
    return lifetime;
  }

  public Future<Started> start(Account account) {
    String token = Tokens.random();
    String csrf = Tokens.random();
    Instant expires = clock.instant().plus(lifetime);
    return pool.preparedQuery(AccountSql.SESSION_INSERT)
        .execute(Tuple.of(Tokens.sha256(token), account.id(), csrf, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC)))
        .map(r -> new Started(token, new Session(account, csrf, expires)));
  }

  /** The live session of a cookie token; empty for a malformed, unknown or expired one. */
  public Future<Optional<Session>> find(String token) {
    if (!Tokens.wellFormed(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(AccountSql.SESSION_GET).execute(Tuple.of(Tokens.sha256(token))).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Session(new Account(r.getInteger("account_id"), r.getString("email")), r.getString("csrf_token"),
          r.getOffsetDateTime("expires_at").toInstant()));
    });
  }

  public Future<Void> end(String token) {
    if (!Tokens.wellFormed(token)) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(AccountSql.SESSION_DELETE).execute(Tuple.of(Tokens.sha256(token))).mapEmpty();
  }

  /** Deletes expired sessions (a periodic task). */
  public Future<Void> purgeExpired() {
    return pool.query(AccountSql.SESSIONS_PURGE).execute().mapEmpty();
  }
}
