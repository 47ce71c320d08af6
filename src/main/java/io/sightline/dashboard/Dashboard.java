package io.sightline.dashboard;

import io.sightline.account.AccountService;
import io.sightline.account.LoginSessions;
import io.sightline.account.SharedLinks;
import io.sightline.api.clickport.ClickportQueryRoutes;
import io.sightline.api.clickport.ClickportRealtimeRoutes;
import io.sightline.auth.RateLimiter;
import io.sightline.config.SightlineConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.function.Function;

/**
 * The dashboard at {@code /} (docs/dashboard.md): its assets, the login, the page's data and shared
 * links, built once over the server's query routes (the one engine) and realtime snapshots, and
 * mounted on every HTTP instance's router.
 */
public final class Dashboard {
  private final DashboardAssets assets;
  private final LoginRoutes login;
  private final DashboardApi api;
  private final ShareRoutes shares;

  public Dashboard(Vertx vertx, SightlineConfig config, Pool pool, RateLimiter limiter, ClickportQueryRoutes queryRoutes,
                   ClickportRealtimeRoutes realtime, Function<HttpServerRequest, String> clientAddress) {
    this.assets = DashboardAssets.load();
    Pages pages = new Pages(assets);
    AccountService accounts = new AccountService(pool);
    SharedLinks links = new SharedLinks(pool);
    DashboardAuth auth = new DashboardAuth(new LoginSessions(pool, config.dashboard().sessionLifetime(), Clock.systemUTC()), accounts,
        config.http().publicUrl());
    DashboardQueries queries = new DashboardQueries(queryRoutes, Clock.systemUTC());
    this.login = new LoginRoutes(vertx, auth, accounts, pages, limiter, config.dashboard(), clientAddress);
    DashboardFunnels funnels = new DashboardFunnels(new io.sightline.api.hum.HumMappingService(pool), new io.sightline.query.FunnelQuery(pool),
        Clock.systemUTC());
    this.api = new DashboardApi(vertx, auth, accounts, queries, realtime, links, funnels);
    this.shares = new ShareRoutes(vertx, auth, links, pages, queries, realtime, limiter, config.dashboard(), clientAddress);
  }

  public void mount(Router router) {
    assets.mount(router);
    login.mount(router);
    api.mount(router);
    shares.mount(router);
  }
}
