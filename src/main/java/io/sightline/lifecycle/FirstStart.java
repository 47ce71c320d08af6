package io.sightline.lifecycle;

import io.sightline.account.Account;
import io.sightline.account.AccountService;
import io.sightline.account.Passwords;
import io.sightline.account.Role;
import io.sightline.auth.ApiKeyService;
import io.sightline.auth.CreatedKey;
import io.sightline.auth.Scope;
import io.sightline.config.SightlineConfig;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.EnumSet;
import java.util.Optional;

/**
 * On the first start (no site at all), creates a site for {@code bootstrap.domain} with an
 * admin key and an ingest+read key, and the dashboard's first account ({@code bootstrap.email},
 * owner of the site) with a generated password ({@link FirstStartBanner} shows them once). The check and
 * the creation run under an advisory lock so that two nodes starting together create one site.
 */
public final class FirstStart {
  private static final long LOCK_KEY = 0x5167_6874_0000_0001L;

  private FirstStart() {
  }

  public record Created(Site site, CreatedKey adminKey, CreatedKey siteKey, Account account, String password) {
  }

  /** Hashes the would-be first password on the calling thread (blocking, tens of ms): call it from {@code main}, not an event loop. */
  public static Future<Optional<Created>> run(Pool pool, SightlineConfig config) {
    SiteService sites = new SiteService(pool);
    ApiKeyService keys = new ApiKeyService(pool);
    AccountService accounts = new AccountService(pool);
    String password = Passwords.generate();
    String passwordHash = Passwords.hash(password);
    return pool.withConnection(conn -> conn.query("select pg_advisory_lock(" + LOCK_KEY + ")").execute()
        .compose(locked -> sites.count())
        .compose(count -> count > 0 ? Future.succeededFuture(Optional.<Created>empty())
            : sites.add(config.bootstrap().domain(), config.bootstrap().domain(), config.bootstrap().timezone())
                .compose(site -> keys.create(site.id(), "admin (first start)", EnumSet.of(Scope.ADMIN, Scope.READ, Scope.INGEST), null)
                    .compose(admin -> keys.create(site.id(), "site key (first start)", EnumSet.of(Scope.INGEST, Scope.READ), null)
                        .compose(siteKey -> accounts.create(config.bootstrap().email(), passwordHash)
                            .compose(account -> accounts.grant(account.id(), site.id(), Role.OWNER)
                                .map(v -> Optional.of(new Created(site, admin, siteKey, account, password))))))))
        .eventually(() -> conn.query("select pg_advisory_unlock(" + LOCK_KEY + ")").execute()));
  }
}
