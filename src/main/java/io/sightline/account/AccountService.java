package io.sightline.account;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Accounts and their access to sites. Takes password hashes, never passwords: hashing is blocking
 * ({@link Passwords}), so callers hash off the event loop and pass the PHC string.
 */
public final class AccountService {
  private final Pool pool;

  public AccountService(Pool pool) {
    this.pool = pool;
  }

  /** The account with its stored password hash, for a login. */
  public record Credentials(Account account, String passwordHash) {
  }

  /** A listed account with its sites as {@code domain:role}. */
  public record Listed(Account account, List<String> sites) {
  }

  /** Lower-cased and checked: 400 unless it looks like an address. */
  public static String email(String raw) {
    String e = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
    int at = e.indexOf('@');
    if (e.length() < 3 || e.length() > 254 || at < 1 || at != e.lastIndexOf('@') || at == e.length() - 1
        || e.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw ApiException.badRequest("email must be an address such as ana@example.com");
    }
    return e;
  }

  /** Creates an account; 409 when the address has one. */
  public Future<Account> create(String email, String passwordHash) {
    String e;
    try {
      e = email(email);
    } catch (ApiException ex) {
      return Future.failedFuture(ex);
    }
    return pool.preparedQuery(AccountSql.INSERT).execute(Tuple.of(e, passwordHash))
        .map(rows -> account(rows.iterator().next()))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("an account for " + e + " already exists") : err));
  }

  public Future<Optional<Credentials>> credentials(String email) {
    String e;
    try {
      e = email(email);
    } catch (ApiException ex) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(AccountSql.BY_EMAIL).execute(Tuple.of(e)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Credentials(account(r), r.getString("password_hash")));
    });
  }

  public Future<Optional<Account>> find(String email) {
    return credentials(email).map(c -> c.map(Credentials::account));
  }

  public Future<List<Listed>> list() {
    return pool.query(AccountSql.LIST).execute().map(rows -> {
      List<Listed> out = new ArrayList<>();
      for (Row r : rows) {
        String sites = r.getString("sites");
        out.add(new Listed(account(r), sites.isEmpty() ? List.of() : List.of(sites.split(","))));
      }
      return out;
    });
  }

  /** Replaces the password and ends the account's sessions. */
  public Future<Void> setPassword(int accountId, String passwordHash) {
    return pool.withTransaction(conn -> conn.preparedQuery(AccountSql.SET_PASSWORD).execute(Tuple.of(accountId, passwordHash))
        .compose(r -> conn.preparedQuery(AccountSql.SESSIONS_OF).execute(Tuple.of(accountId)))).mapEmpty();
  }

  public Future<Boolean> remove(int accountId) {
    return pool.preparedQuery(AccountSql.DELETE).execute(Tuple.of(accountId)).map(rows -> rows.rowCount() > 0);
  }

  /** Gives (or changes) the account's role on a site. */
  public Future<Void> grant(int accountId, int siteId, Role role) {
    return pool.preparedQuery(AccountSql.GRANT).execute(Tuple.of(accountId, siteId, role.id())).mapEmpty();
  }

  public Future<Boolean> revoke(int accountId, int siteId) {
    return pool.preparedQuery(AccountSql.REVOKE).execute(Tuple.of(accountId, siteId)).map(rows -> rows.rowCount() > 0);
  }

  /** The sites the account may see, by domain. */
  public Future<List<SiteAccess>> sites(int accountId) {
    return pool.preparedQuery(AccountSql.SITES).execute(Tuple.of(accountId)).map(rows -> {
      List<SiteAccess> out = new ArrayList<>();
      rows.forEach(r -> out.add(access(r)));
      return out;
    });
  }

  /** The account's access to the site (with the site's time zone), empty when it may not see it. */
  public Future<Optional<SiteAccess>> access(int accountId, int siteId) {
    return pool.preparedQuery(AccountSql.ACCESS).execute(Tuple.of(accountId, siteId)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(access(it.next())) : Optional.empty();
    });
  }

  private static SiteAccess access(Row r) {
    return new SiteAccess(r.getInteger("id"), r.getString("domain"), r.getString("name"), r.getString("timezone"), Role.parse(r.getString("role")));
  }

  private static Account account(Row r) {
    return new Account(r.getInteger("id"), r.getString("email"));
  }
}
