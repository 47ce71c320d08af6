package io.sightline.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sightline.admin.AdminRoutes;
import io.sightline.apidocs.ApiDocsRoutes;
import io.sightline.api.clickport.ClickportBreakdownRoutes;
import io.sightline.api.clickport.ClickportGoalsRoutes;
import io.sightline.api.clickport.ClickportQueryRoutes;
import io.sightline.api.clickport.ClickportRealtimeRoutes;
import io.sightline.api.datalyr.DatalyrAccount;
import io.sightline.api.datalyr.DatalyrAds;
import io.sightline.api.datalyr.DatalyrAttribution;
import io.sightline.api.datalyr.DatalyrEvents;
import io.sightline.api.datalyr.DatalyrRealtime;
import io.sightline.api.datalyr.DatalyrReports;
import io.sightline.api.datalyr.DatalyrRoutes;
import io.sightline.api.datalyr.DatalyrUsers;
import io.sightline.api.hubspot.HubSpotAdminRoutes;
import io.sightline.api.hubspot.HubSpotRoutes;
import io.sightline.api.hum.HumMappingService;
import io.sightline.api.hum.HumSessionsRoutes;
import io.sightline.api.humblytics.HumblyticsRoutes;
import io.sightline.mail.MailAdminRoutes;
import io.sightline.mail.UnsubscribeRoutes;
import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiKeyAuthenticator;
import io.sightline.auth.ApiKeyService;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RateLimiter;
import io.sightline.config.DialectRateLimits;
import io.sightline.config.SightlineConfig;
import io.sightline.dashboard.Dashboard;
import io.sightline.goal.GoalService;
import io.sightline.http.FailureHandler;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.sightline.ingest.IngestModule;
import io.sightline.ingest.enrich.Referrers;
import io.sightline.ingest.http.IngestRoutes;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.net.ClientIpResolver;
import io.sightline.net.IpAddresses;
import io.sightline.ops.OpsRoutes;
import io.sightline.ops.Readiness;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryGate;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.site.SiteService;
import io.sightline.tracker.TrackerRoutes;
import io.sightline.tracker.TrackerScript;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;

import java.util.function.Function;

/**
 * Builds the routers: the public one (ingestion, the five dialects, the admin API, the dashboard) and
 * the operational one ({@code /metrics}, {@code /health/*}), which is mounted on the public router
 * unless {@code ops.separatePort} is set. The routes are built once, from the server's {@link Services}, and mounted on every
 * event loop's router.
 */
public final class PublicRouter {
  private final SightlineConfig config;
  private final PrometheusMeterRegistry registry;
  private final Pool pool;
  private final Pool readPool;
  private final Readiness readiness;
  private final SiteService sites;
  private final ApiKeyService keys;
  private final ApiKeyAuthenticator authenticator;
  private final RateLimiter rateLimiter;
  private final IngestRoutes ingestRoutes;
  private final ClickportRealtimeRoutes realtimeRoutes;
  private final ClickportQueryRoutes queryRoutes;
  private final HumblyticsRoutes humblyticsRoutes;
  private final DatalyrRoutes datalyrRoutes;
  private final Dashboard dashboard;
  private final UnsubscribeRoutes unsubscribeRoutes;
  private final ClickportBreakdownRoutes breakdownRoutes;
  private final ClickportGoalsRoutes goalsRoutes;
  private final HumSessionsRoutes humRoutes;
  private final HubSpotRoutes hubSpotRoutes;
  private final io.sightline.export.ExportRoutes exportRoutes;
  private final AdminRoutes adminRoutes;
  private final HubSpotAdminRoutes hubSpotAdminRoutes;
  private final io.sightline.imports.ImportRoutes importRoutes;
  private final MailAdminRoutes mailAdminRoutes;
  private final io.sightline.admin.AccountAdminRoutes accountAdminRoutes;
  private final TrackerRoutes trackerRoutes = new TrackerRoutes(TrackerScript.load());
  private final ApiDocsRoutes apiDocs = new ApiDocsRoutes();
  private final FailureHandler failureHandler = new FailureHandler();

  /**
   * @param readPool where analytics queries read ({@code database.readUrl}'s replica, or {@code pool}); the rest uses {@code pool}
   * @param services the server's shared services, built once
   */
  public PublicRouter(Vertx vertx, SightlineConfig config, PrometheusMeterRegistry registry, Pool pool, Pool readPool, Readiness readiness,
                      RateLimiter rateLimiter, IngestModule ingest, RealtimeSnapshots realtime, Services services) {
    this.config = config;
    this.registry = registry;
    for (QueryEngine.Plan plan : QueryEngine.Plan.values()) {
      io.micrometer.core.instrument.FunctionCounter.builder("sightline_query_plans", plan, QueryEngine::answered)
          .description("Analytics queries answered from the rollup tables or from raw events").tag("plan", plan.name().toLowerCase())
          .register(registry);
    }
    this.pool = pool;
    this.readiness = readiness;
    this.sites = services.sites();
    this.keys = services.keys();
    this.authenticator = new ApiKeyAuthenticator(keys, config.auth().cacheTtl(), System::currentTimeMillis);
    this.rateLimiter = rateLimiter;
    QueryGate.limit(pool, config.database().poolSize() / 2); // the other half for ingestion, auth and health
    if (readPool != pool) {
      QueryGate.limit(readPool, config.database().poolSize()); // a replica only answers queries
    }
    this.readPool = readPool;
    this.ingestRoutes = ingest.routes(vertx, authenticator, services.siteCache());
    this.realtimeRoutes = new ClickportRealtimeRoutes(realtime, registry);
    this.queryRoutes = new ClickportQueryRoutes(readPool, services.readEngine(), services.readGoals(), java.time.Clock.systemUTC());
    this.humblyticsRoutes = new HumblyticsRoutes(readPool, services.readEngine(), services.readGoals(), realtime);
    this.datalyrRoutes = datalyr(pool, readPool, realtime, ingest.quota(), services, Referrers.load(config.ingest().referrersFile()));
    this.dashboard = new Dashboard(vertx, config, pool, rateLimiter, queryRoutes, realtimeRoutes, clientAddress());
    this.unsubscribeRoutes = new UnsubscribeRoutes(pool);
    this.breakdownRoutes = new ClickportBreakdownRoutes(queryRoutes);
    this.goalsRoutes = new ClickportGoalsRoutes(queryRoutes, services.goals());
    this.humRoutes = new HumSessionsRoutes(readPool, java.time.Clock.systemUTC());
    this.hubSpotRoutes = new HubSpotRoutes(readPool, services.readEngine(), services.readGoals());
    this.exportRoutes = new io.sightline.export.ExportRoutes(pool, new io.sightline.export.AggregateExport(vertx, services.engine()));
    this.adminRoutes = new AdminRoutes(sites, keys, services.goals(), new HumMappingService(pool), new io.sightline.ads.AdService(pool));
    this.hubSpotAdminRoutes = new HubSpotAdminRoutes(pool);
    this.importRoutes = new io.sightline.imports.ImportRoutes(vertx, new io.sightline.imports.Importer(vertx, pool, config.ingest()), sites);
    this.mailAdminRoutes = new MailAdminRoutes(pool);
    this.accountAdminRoutes = new io.sightline.admin.AccountAdminRoutes(vertx, new io.sightline.account.AccountService(pool), sites);
  }

  /**
   * Refuses paths with "." or ".." segments, encoded or not. Vert.x routes the normalised path, so
   * {@code DELETE /admin/v1/sites/x/goals/%2e%2e} would otherwise reach {@code DELETE /admin/v1/sites/x}.
   */
  static void refuseDotSegments(io.vertx.ext.web.RoutingContext ctx) {
    String path = ctx.request().path();
    if (path != null) {
      for (String segment : path.split("/", -1)) {
        String s = segment.replace("%2e", ".").replace("%2E", ".");
        if (s.equals(".") || s.equals("..")) {
          ctx.fail(io.sightline.http.ApiException.badRequest("The path must not contain . or .. segments"));
          return;
        }
      }
    }
    ctx.next();
  }

  public Router publicRouter(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(PublicRouter::refuseDotSegments);
    // Clickport owns /api/: its error shape for everything under it (DATALYR's /api/v1 and Humblytics'
    // /api/external install their own after it), including 404s and 413s of unknown or oversized requests
    router.route("/api/*").handler(new ReasonPhraseErrorRenderer().install());
    if (!config.ops().separatePort()) {
      OpsRoutes.mount(router, registry, pool, readiness);
    }
    trackerRoutes.mount(router);
    apiDocs.mount(router);
    unsubscribeRoutes.mount(router);
    ingestRoutes.mount(router);
    ApiKeyAuthHandler auth = ApiKeyAuthHandler.create(authenticator);
    // one limiter, a window per API and key: each dialect holds keys to its vendor's documented limit
    DialectRateLimits limits = config.auth().dialectRateLimits();
    RateLimitHandler clickport = new RateLimitHandler(rateLimiter, "clickport", limits.clickport(), registry);
    realtimeRoutes.mount(router, vertx, auth, clickport);
    queryRoutes.mount(router, auth, clickport, config.http().maxBodyBytes());
    breakdownRoutes.mount(router, auth, clickport);
    goalsRoutes.mount(router, auth, clickport);
    humRoutes.mount(router, auth, new RateLimitHandler(rateLimiter, "hum", limits.hum(), registry));
    humblyticsRoutes.mount(router, auth, new RateLimitHandler(rateLimiter, "humblytics", limits.humblytics(), registry));
    hubSpotRoutes.mount(router, auth, new RateLimitHandler(rateLimiter, "hubspot", limits.hubspot(), registry));
    datalyrRoutes.mount(router, auth, new RateLimitHandler(rateLimiter, "datalyr", limits.datalyr(), registry), clientAddress());
    RateLimitHandler adminLimit = new RateLimitHandler(rateLimiter, "admin", config.auth().defaultRateLimitPerMinute(), registry);
    exportRoutes.mount(router, auth,
        new RateLimitHandler(rateLimiter, "export", config.auth().defaultRateLimitPerMinute(), registry));
    Router admin = adminRoutes.router(vertx, auth, adminLimit);
    hubSpotAdminRoutes.mount(admin);
    importRoutes.mount(admin);
    mailAdminRoutes.mount(admin);
    accountAdminRoutes.mount(admin);
    router.route(AdminRoutes.PREFIX + "/*")
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .subRouter(admin);
    dashboard.mount(router);
    return withErrors(router);
  }

  /** The client's address as ingestion resolves it (a trusted proxy's forwarding headers honoured), for limits per address. */
  private Function<HttpServerRequest, String> clientAddress() {
    ClientIpResolver resolver = new ClientIpResolver(config.ingest().trustedProxies());
    return request -> {
      byte[] ip = resolver.resolve(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
          request.getHeader("X-Forwarded-For"), request.getHeader("Forwarded"));
      return ip == null ? "unknown" : IpAddresses.toInet(ip).getHostAddress();
    };
  }

  private static DatalyrRoutes datalyr(Pool pool, Pool readPool, RealtimeSnapshots realtime, MonthlyQuota quota, Services services,
                                       Referrers referrers) {
    java.time.Clock clock = java.time.Clock.systemUTC();
    QueryEngine engine = services.readEngine();
    GoalService goals = services.goals();
    return new DatalyrRoutes(services.siteCache(), new DatalyrReports(engine, referrers), new DatalyrEvents(readPool, goals, clock),
        new DatalyrRealtime(realtime, referrers),
        new DatalyrAccount(pool, quota, clock), new DatalyrUsers(pool, goals),
        new DatalyrAttribution(engine, new io.sightline.query.Attribution(readPool), goals),
        new DatalyrAds(new io.sightline.ads.AdService(pool), engine, goals));
  }

  public Router opsRouter(Vertx vertx) {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, registry, pool, readiness);
    return withErrors(router);
  }

  private Router withErrors(Router router) {
    router.route().failureHandler(failureHandler);
    router.errorHandler(404, failureHandler);
    router.errorHandler(405, failureHandler);
    router.errorHandler(500, failureHandler);
    return router;
  }
}
