package io.sightline.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** Mounts {@code /metrics}, {@code /health/live} and {@code /health/ready} on a router. */
public final class OpsRoutes {
  private OpsRoutes() {
  }

  public static void mount(Router router, PrometheusMeterRegistry registry, Pool pool, Readiness readiness) {
    HealthHandlers health = new HealthHandlers(pool, readiness);
    router.get("/metrics").handler(new MetricsHandler(registry));
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
  }
}
