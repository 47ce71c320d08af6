package io.sightline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.auth.ApiKeyAuthenticator;
import io.sightline.auth.RateLimiter;
import io.sightline.config.IngestConfig;
import io.sightline.config.SightlineConfig;
import io.sightline.ingest.enrich.BotDetector;
import io.sightline.ingest.enrich.ChannelClassifier;
import io.sightline.ingest.enrich.GeoLookup;
import io.sightline.ingest.enrich.MmdbGeoLookup;
import io.sightline.ingest.enrich.Referrers;
import io.sightline.ingest.enrich.SpamReferrers;
import io.sightline.ingest.enrich.UrlCleaner;
import io.sightline.ingest.enrich.UserAgentAnalyzerHolder;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.http.IngestRoutes;
import io.sightline.ingest.idempotency.ClientEventIds;
import io.sightline.ingest.pipeline.BotStep;
import io.sightline.ingest.pipeline.ExcludedIpStep;
import io.sightline.ingest.pipeline.GeoStep;
import io.sightline.ingest.pipeline.IngestPipeline.Step;
import io.sightline.ingest.pipeline.IngestPipeline;
import io.sightline.ingest.pipeline.KeylessRateLimitStep;
import io.sightline.ingest.pipeline.PrivacyStep;
import io.sightline.ingest.pipeline.QuotaStep;
import io.sightline.ingest.pipeline.ReferrerStep;
import io.sightline.ingest.pipeline.SessionStep;
import io.sightline.ingest.pipeline.SourceStep;
import io.sightline.ingest.pipeline.ValidateStep;
import io.sightline.ingest.pipeline.VisitorStep;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.ingest.session.ActiveSessions;
import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.IdNodes;
import io.sightline.ingest.session.IdentityLinks;
import io.sightline.ingest.session.SaltStore;
import io.sightline.ingest.session.Salts;
import io.sightline.ingest.session.SessionTracker;
import io.sightline.ingest.user.UserProfiles;
import io.sightline.ops.PeriodicTask;
import io.sightline.site.SiteCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Everything ingestion needs, built once at start (blocking: lists, GeoIP files, the User-Agent
 * analyser), then shared by every event loop: the pipeline and its steps, the salt store, the
 * session tracker, and the routes.
 */
public final class IngestModule {
  private static final Logger LOG = LoggerFactory.getLogger(IngestModule.class);

  private final SightlineConfig config;
  private final Pool pool;
  private final Clock clock;
  private final SaltStore salts;
  private final SessionTracker sessions;
  private final RateLimiter keylessLimiter;
  private final IngestPipeline pipeline;
  private final UserAgents userAgents;
  private final IngestMetrics metrics;
  private final Counter evictedEarly;
  private final MonthlyQuota quota;
  private final IdGenerator ids;
  private final IdGenerator sessionIds;
  private final ClientEventIds eventIds;
  private final IdentityLinks identities = new IdentityLinks();
  private final VisitorStep visitors;
  private IngestService service;
  private EventRouter router;

  public IngestModule(SightlineConfig config, Pool pool, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    var in = config.ingest();
    BotDetector bots = BotDetector.load(in.botPatternsFile(), in.botAllowFile());
    this.userAgents = new UserAgents(UserAgentAnalyzerHolder.get(), bots, in.userAgentCacheSize());
    this.metrics = new IngestMetrics(registry, userAgents);
    GeoLookup geo = geo(in, registry, clock);
    this.ids = new IdGenerator(clock::millis);
    this.sessionIds = IdGenerator.sessions(clock::millis);
    this.salts = new SaltStore(pool);
    this.sessions = new SessionTracker(sessionIds);
    this.keylessLimiter = new RateLimiter(clock::millis);
    this.quota = new MonthlyQuota(pool, in.monthlyEventQuota());
    this.eventIds = new ClientEventIds(in.eventIdsInMemory(), in.eventIdWindow());
    this.pipeline = pipeline(in, geo, salts, sessions, ids, keylessLimiter, quota, identities);
    this.visitors = new VisitorStep(salts, identities);
    Gauge.builder("sightline_ingest_sessions_in_memory", sessions, SessionTracker::size)
        .description("Sessions tracked in memory").register(registry);
    Gauge.builder("sightline_ingest_event_ids_in_memory", eventIds, ClientEventIds::size)
        .description("Client event ids remembered or being stored (bounded by ingest.eventIdsInMemory)").register(registry);
    Gauge.builder("sightline_ingest_identity_links", identities, IdentityLinks::size)
        .description("Users linked to a visitor (identity stitching), kept in memory").register(registry);
    this.evictedEarly = Counter.builder("sightline_ingest_sessions_evicted_early")
        .description("Open sessions forgotten because ingest.maxSessionsInMemory was reached").register(registry);
    LOG.info("Ingestion pipeline: {}; bot lists: {}{}{}", String.join(" → ", pipeline.names()), bots.patterns().listVersion(),
        in.botPatternsFile().map(p -> ", operator patterns " + p).orElse(""),
        in.datacenterIps().isEmpty() ? "" : ", " + in.datacenterIps().size() + " data-centre ranges");
  }

  /**
   * The configured GeoIP database; without one, the country database bundled in the jar (unless {@code ingest.geoipBundled} is
   * false). Its build time is logged and reported as {@code sightline_geoip_database_build_timestamp}; older than 3 months, a warning.
   */
  static GeoLookup geo(IngestConfig in, MeterRegistry registry, Clock clock) {
    MmdbGeoLookup db;
    String what;
    if (in.geoipDatabase().isPresent()) {
      db = MmdbGeoLookup.open(in.geoipDatabase().get(), in.geoipDatabaseV6());
      what = in.geoipDatabase().get() + " (" + db.databaseType() + ")";
    } else if (in.geoipBundled()) {
      db = MmdbGeoLookup.openBundled();
      what = "the bundled " + MmdbGeoLookup.BUNDLED + " (countries only; ingest.geoipDatabase sets another)";
    } else {
      LOG.info("GeoIP: none (ingest.geoipBundled is false and no ingest.geoipDatabase): locations unknown");
      return GeoLookup.NONE;
    }
    Instant built = db.buildTime();
    Gauge.builder("sightline_geoip_database_build_timestamp", () -> built.getEpochSecond())
        .description("When the GeoIP database in use was built (Unix seconds, from its metadata)").register(registry);
    LOG.info("GeoIP: {}, built {}", what, built);
    if (built.isBefore(clock.instant().atZone(ZoneOffset.UTC).minusMonths(3).toInstant())) {
      LOG.warn("GeoIP: the database was built {}, more than 3 months ago: addresses move between networks and countries; "
          + "fetch a newer one with `sightline data update` (docs/ingestion.md, \"Bundled data\")", built);
    }
    return db;
  }

  /** The pipeline, in order (see {@link IngestPipeline} for what each step does). */
  public static IngestPipeline pipeline(IngestConfig in, GeoLookup geo, Salts salts, SessionTracker sessions, IdGenerator ids,
                                        RateLimiter keylessLimiter) {
    return pipeline(in, geo, salts, sessions, ids, keylessLimiter, MonthlyQuota.unlimited(), new IdentityLinks());
  }

  /** The pipeline, in order, with the monthly quota. */
  public static IngestPipeline pipeline(IngestConfig in, GeoLookup geo, Salts salts, SessionTracker sessions, IdGenerator ids,
                                        RateLimiter keylessLimiter, MonthlyQuota quota) {
    return pipeline(in, geo, salts, sessions, ids, keylessLimiter, quota, new IdentityLinks());
  }

  /** The pipeline, in order, with the monthly quota and the identity links. */
  public static IngestPipeline pipeline(IngestConfig in, GeoLookup geo, Salts salts, SessionTracker sessions, IdGenerator ids,
                                        RateLimiter keylessLimiter, MonthlyQuota quota, IdentityLinks identities) {
    return new IngestPipeline(List.of(
        new Step("validate", new ValidateStep(new UrlCleaner(in.extraClickIdParams()), in.backfillDays())),
        new Step("privacy", new PrivacyStep(in.respectGpc())),
        new Step("excluded_ip", new ExcludedIpStep(in.excludedIps())),
        new Step("rate_limit", new KeylessRateLimitStep(keylessLimiter, in.keylessRateLimitPerMinute())),
        new Step("bot", new BotStep(in.datacenterIps())),
        new Step("referrer", new ReferrerStep(SpamReferrers.load(in.spamReferrersFile()))),
        new Step("source", new SourceStep(Referrers.load(in.referrersFile()), new ChannelClassifier())),
        new Step("geo", new GeoStep(geo)),
        new Step("visitor", new VisitorStep(salts, identities)),
        new Step("quota", new QuotaStep(quota)),
        new Step("session", new SessionStep(sessions, ids))));
  }

  /**
   * Claims this process's id node, loads the salts, the active sessions, the newest client event ids and the identity links; the
   * server accepts events only after this.
   */
  public Future<Void> prepare() {
    return IdNodes.claim(pool)
        .compose(node -> {
          ids.useNode(node);
          sessionIds.useNode(node);
          return salts.refresh(today());
        })
        .compose(v -> ActiveSessions.restore(pool, sessions, clock.instant()))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Restored {} active sessions", n);
          }
        })
        .compose(v -> eventIds.restore(pool, clock.instant()))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Restored {} recent client event ids", n);
          }
        })
        .compose(v -> identities.restore(pool))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Restored {} identity links", n);
          }
        })
        .mapEmpty();
  }

  public IngestRoutes routes(Vertx vertx, ApiKeyAuthenticator authenticator, SiteCache sites) {
    return new IngestRoutes(service(vertx), authenticator, sites, config.ingest(), config.http().maxBodyBytes(), router);
  }

  /** The service that runs the pipeline and hands events to this process's writer partitions (one, shared by the routes). */
  public synchronized IngestService service(Vertx vertx) {
    if (service == null) {
      int partitions = config.cluster().enabled() ? config.cluster().partitions() : config.writer().partitionCount();
      service = new IngestService(vertx, pipeline, userAgents, metrics, config.writer().ackTimeout(), quota,
          new UserProfiles(pool), partitions, eventIds);
    }
    return service;
  }

  /** Cluster mode: the routes send each event to its visitor's owner through {@code router} (set before {@link #routes}). */
  public void routeThrough(EventRouter router) {
    this.router = router;
  }

  /** Resolves an event's visitor id before the pipeline (for routing it to its owner). */
  public VisitorStep visitors() {
    return visitors;
  }

  /** The sessions in memory (a cluster member restores and forgets those of the visitor partitions it takes and gives up). */
  public SessionTracker sessions() {
    return sessions;
  }

  /** The user-visitor links in memory. */
  public IdentityLinks identities() {
    return identities;
  }

  public List<PeriodicTask> tasks() {
    return List.of(
        new PeriodicTask("salt refresh", Duration.ofMinutes(5).toMillis(), () -> salts.refresh(today())),
        new PeriodicTask("idle session eviction", Duration.ofMinutes(1).toMillis(), true, () -> {
          sessions.evictIdle(clock.instant());
          int forgotten = sessions.enforceCap(config.ingest().maxSessionsInMemory());
          if (forgotten > 0) {
            evictedEarly.increment(forgotten);
            LOG.warn("{} sessions forgotten early: more than ingest.maxSessionsInMemory are open", forgotten);
          }
          return Future.succeededFuture();
        }),
        new PeriodicTask("keyless rate-limit eviction", Duration.ofMinutes(1).toMillis(), () -> {
          keylessLimiter.evictExpired();
          return Future.succeededFuture();
        }),
        new PeriodicTask("client event id expiry", Duration.ofHours(1).toMillis(), () -> eventIds.expire(pool, clock.instant())));
  }

  /** The monthly event counters (also read by the DATALYR usage endpoint). */
  public MonthlyQuota quota() {
    return quota;
  }

  public IngestPipeline pipeline() {
    return pipeline;
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }
}
