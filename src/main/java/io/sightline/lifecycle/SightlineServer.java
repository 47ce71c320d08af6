package io.sightline.lifecycle;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sightline.auth.RateLimiter;
import io.sightline.cluster.ClusterIngest;
import io.sightline.cluster.ClusterIngestVerticle;
import io.sightline.cluster.ClusterNode;
import io.sightline.cluster.IdentityLinkExchange;
import io.sightline.cluster.PartitionOwnership;
import io.sightline.cluster.RealtimeExchange;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.sightline.config.SightlineConfig;
import io.sightline.event.WriterPartitions;
import io.sightline.ingest.IngestModule;
import io.sightline.mail.MailReportJob;
import io.sightline.ops.MetricsRegistry;
import io.sightline.ops.PeriodicTask;
import io.sightline.ops.Readiness;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.RealtimeVerticle;
import io.sightline.realtime.RealtimeWindow;
import io.sightline.rollup.WeekBlocks;
import io.sightline.server.ClientLimits;
import io.sightline.server.HttpServerVerticle;
import io.sightline.server.MaintenanceVerticle;
import io.sightline.server.PublicRouter;
import io.sightline.server.Services;
import io.sightline.server.StartupException;
import io.sightline.store.CommittedEvents;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.LocalCodec;
import io.sightline.store.WriteRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running server: metrics registry → Vert.x → database session → first-start site →
 * verticles, and the reverse on {@link #stop()}: readiness off, HTTP servers drain (bounded by
 * {@code shutdown.graceSeconds}), pool closed, embedded PostgreSQL stopped.
 */
public final class SightlineServer {
  private static final Logger LOG = LoggerFactory.getLogger(SightlineServer.class);
  private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(1);

  private final SightlineConfig config;
  private final PrometheusMeterRegistry registry;
  private final Vertx vertx;
  private final DatabaseSession database;
  /** Cluster mode: the Hazelcast cluster manager this process joined with; null on a single node. */
  private final HazelcastClusterManager clusterManager;
  private final Readiness readiness = new Readiness();
  private final Deque<String> deployments = new ArrayDeque<>();
  private final AtomicInteger httpPort = new AtomicInteger();
  private final AtomicInteger opsPort = new AtomicInteger();
  private boolean stopped;

  private SightlineServer(SightlineConfig config, PrometheusMeterRegistry registry, Vertx vertx, DatabaseSession database,
                          HazelcastClusterManager clusterManager) {
    this.clusterManager = clusterManager;
    this.config = config;
    this.registry = registry;
    this.vertx = vertx;
    this.database = database;
  }

  /** Starts everything, printing a first start's keys on {@code out} (a terminal, or a test that reads them). */
  public static SightlineServer start(SightlineConfig config, PrintStream out) {
    return start(config, FirstStartBanner.terminal(out));
  }

  /** As {@link #start(SightlineConfig, PrintStream)}, with the clock the e-mail report job reads "now" from. */
  public static SightlineServer start(SightlineConfig config, PrintStream out, Clock reportClock) {
    return start(config, FirstStartBanner.terminal(out), reportClock);
  }

  /** Starts everything; blocks until the server is ready or throws with an operator-readable message. */
  public static SightlineServer start(SightlineConfig config, FirstStartBanner banner) {
    return start(config, banner, Clock.systemUTC());
  }

  private static SightlineServer start(SightlineConfig config, FirstStartBanner banner, Clock reportClock) {
    PrometheusMeterRegistry registry = MetricsRegistry.create();
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions().setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        // the event bus is in-process plumbing (a message per beacon): its meters cost a registry lookup per message
        // and say nothing Sightline's own writer and ingest meters do not
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    HazelcastClusterManager clusterManager = null;
    Vertx vertx;
    if (config.cluster().enabled()) {
      clusterManager = ClusterNode.manager(config.cluster());
      try {
        vertx = Await.result(Vertx.builder()
            .with(ClusterNode.withEventBus(new VertxOptions().setMetricsOptions(metricsOptions), config.cluster()))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .withClusterManager(clusterManager)
            .buildClustered(), DEPLOY_TIMEOUT);
      } catch (RuntimeException e) {
        throw new StartupException("Joining the cluster on " + config.cluster().host() + ":" + config.cluster().port() + " failed: "
            + e.getMessage(), e);
      }
      LOG.info("Joined the cluster as member {} ({} members)", clusterManager.getNodeId(), clusterManager.getNodes().size());
    } else {
      vertx = Vertx.builder()
          .with(new VertxOptions().setMetricsOptions(metricsOptions))
          .withMetrics(new MicrometerMetricsFactory(registry))
          .build();
    }
    DatabaseSession database;
    try {
      database = DatabaseSession.open(config, vertx);
    } catch (RuntimeException e) {
      Await.result(vertx.close(), Duration.ofSeconds(10));
      throw e;
    }
    SightlineServer server = new SightlineServer(config, registry, vertx, database, clusterManager);
    try {
      server.deploy(banner, reportClock);
    } catch (RuntimeException e) {
      server.stop();
      throw e;
    }
    return server;
  }

  private void deploy(FirstStartBanner banner, Clock reportClock) {
    Optional<FirstStart.Created> created = Await.result(FirstStart.run(database.pool(), config), DEPLOY_TIMEOUT);
    vertx.eventBus().registerDefaultCodec(WriteRequest.class, new LocalCodec<>(WriteRequest.class));
    vertx.eventBus().registerDefaultCodec(CommittedEvents.class, new LocalCodec<>(CommittedEvents.class));
    Services services = Services.build(database.pool(), database.readPool()); // built once, shared by every route, verticle and job
    IngestModule ingest = new IngestModule(config, database.pool(), registry, Clock.systemUTC());
    Await.result(ingest.prepare(), DEPLOY_TIMEOUT);
    // cluster mode: each member enforces its share of a key's limit (docs/cluster.md)
    RateLimiter rateLimiter = new RateLimiter(System::currentTimeMillis, clusterManager == null ? 1 : config.cluster().members().size());
    PartitionOwnership ownership = null;
    ClusterIngest clusterIngest = null;
    if (clusterManager != null) {
      ownership = new PartitionOwnership(config, database.pool(), registry, clusterManager, ingest.sessions());
      clusterIngest = new ClusterIngest(vertx, ingest.service(vertx), ingest.visitors(),
          services.siteCache(), ownership, config.writer().ackTimeout(), registry);
      ingest.routeThrough(clusterIngest);
      Await.result(IdentityLinkExchange.start(vertx, ingest.identities(), clusterManager.getNodeId()), DEPLOY_TIMEOUT);
    }
    RealtimeSnapshots realtime = new RealtimeSnapshots(Clock.systemUTC());
    PublicRouter routers = new PublicRouter(vertx, config, registry, database.pool(), database.readPool(), readiness, rateLimiter, ingest, realtime,
        services);
    List<PeriodicTask> tasks = new ArrayList<>(ingest.tasks());
    tasks.add(new PeriodicTask("partition maintenance", Duration.ofHours(1).toMillis(), () -> database.partitions().ensure()));
    if (config.writer().rollups()) {
      // a week's rollup rows are final once it is older than the backfill window and the spill day
      tasks.add(new PeriodicTask("rollup week blocks", Duration.ofHours(1).toMillis(), () -> WeekBlocks.compact(database.pool(),
          LocalDate.now(ZoneOffset.UTC).minusDays(config.ingest().backfillDays() + 2L)).mapEmpty()));
    }
    io.sightline.account.LoginSessions logins = new io.sightline.account.LoginSessions(database.pool(), config.dashboard().sessionLifetime(), Clock.systemUTC());
    tasks.add(new PeriodicTask("expired dashboard sessions", Duration.ofHours(1).toMillis(), logins::purgeExpired));
    tasks.add(new PeriodicTask("API rate-limit eviction", Duration.ofMinutes(1).toMillis(), () -> {
      rateLimiter.evictExpired();
      return Future.succeededFuture();
    }));
    if (config.mail().enabled()) {
      MailReportJob reports = new MailReportJob(vertx, database.pool(), services.engine(), config.mail(), reportClock, this::publicUrl, registry);
      tasks.add(new PeriodicTask("e-mail reports", config.mail().checkInterval().toMillis(), reports::run));
    }
    deploy(new MaintenanceVerticle(tasks), new DeploymentOptions());
    deploy(new RealtimeVerticle(new RealtimeWindow(Clock.systemUTC()), realtime,
        clusterManager == null ? null : new RealtimeExchange(clusterManager.getNodeId())),
        new DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER));
    // deployed before the HTTP servers, so undeployed after them: in-flight requests can still commit
    // restoring the rollup state reads the open salt days' events: allow it longer than other deployments
    // one writer per partition, each on its own event loop; what a crash left pending is folded once, before any of them starts
    int partitions = clusterManager != null ? 0 : config.writer().partitionCount(); // cluster mode: the partitions' owners start them
    Await.result(EventWriterVerticle.prepareStore(database.pool(), config.writer(), clusterManager != null), Duration.ofMinutes(15));
    if (ownership != null) {
      deploy(ownership, new DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER));
    }
    List<Future<String>> writers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      writers.add(vertx.deployVerticle(new EventWriterVerticle(database.pool(), config.writer(), config.shutdownGrace().toMillis(), registry,
          config.ingest().backfillDays() + 2, p, partitions), new DeploymentOptions()));
    }
    Await.result(Future.join(writers).transform(ar -> Future.succeededFuture()), Duration.ofMinutes(15)); // each one looked at below
    for (Future<String> w : writers) {
      if (w.failed()) {
        writers.stream().filter(Future::succeeded).forEach(ok -> deployments.push(ok.result()));
        throw new StartupException("Starting the event writer failed: " + w.cause().getMessage(), w.cause());
      }
      deployments.push(w.result());
    }
    if (config.writer().rollups() && partitions > 0) {
      Await.result(WriterPartitions.answerFoldRequests(vertx, partitions), DEPLOY_TIMEOUT);
    }
    ClientLimits clientLimits = ClientLimits.of(config.http(), config.ingest().trustedProxies(), registry);
    if (config.ops().separatePort()) {
      deploy(new HttpServerVerticle("Operations", config.ops().host(), config.ops().port(), routers::opsRouter,
          config.shutdownGrace(), opsPort, clientLimits), new DeploymentOptions());
    }
    int instances = config.http().instances() == 0 ? Runtime.getRuntime().availableProcessors() : config.http().instances();
    if (clusterIngest != null) {
      ClusterIngest routed = clusterIngest;
      String me = ownership.me();
      deployments.push(Await.result(vertx.deployVerticle(() -> new ClusterIngestVerticle(routed, me), new DeploymentOptions().setInstances(instances)),
          DEPLOY_TIMEOUT));
    }
    String id = Await.result(vertx.deployVerticle(() -> new HttpServerVerticle("Public", config.http().host(), config.http().port(),
        routers::publicRouter, config.shutdownGrace(), httpPort, clientLimits), new DeploymentOptions().setInstances(instances)), DEPLOY_TIMEOUT);
    deployments.push(id);
    readiness.started();
    created.ifPresent(c -> banner.announce(c, publicUrl()));
    LOG.info("Sightline is ready on port {}{}", httpPort.get(),
        config.ops().separatePort() ? " (operations on port " + opsPort.get() + ")" : "");
  }

  private void deploy(io.vertx.core.Deployable verticle, DeploymentOptions options) {
    deployments.push(Await.result(vertx.deployVerticle(verticle, options), DEPLOY_TIMEOUT));
  }

  /** Stops in order; safe to call twice. Blocks for at most the grace period plus a few seconds. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.info("Stopping: refusing new requests, letting in-flight ones finish (up to {} s)", config.shutdownGrace().toSeconds());
    readiness.stopping();
    Duration timeout = config.shutdownGrace().plusSeconds(10);
    while (!deployments.isEmpty()) {
      String id = deployments.pop();
      try {
        Await.result(vertx.undeploy(id), timeout);
      } catch (RuntimeException e) {
        LOG.warn("Undeploying {}: {}", id, e.getMessage());
      }
    }
    database.close();
    try {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("Closing Vert.x: {}", e.getMessage());
    }
    LOG.info("Sightline stopped");
  }

  public int httpPort() {
    return httpPort.get();
  }

  public int opsPort() {
    return opsPort.get();
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public DatabaseSession database() {
    return database;
  }

  /** The configured public URL, or {@code http://localhost:<bound port>}. */
  /** The configured public URL, else the local one; null while no port is configured and the server is not listening yet. */
  public String publicUrl() {
    if (!config.http().publicUrl().isBlank()) {
      return config.http().publicUrl().replaceAll("/+$", "");
    }
    int port = httpPort.get();
    return port == 0 ? null : "http://localhost:" + port;
  }
}
