package io.sightline.ops;

import io.sightline.http.JsonResponses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: it is started, not stopping,
 * and PostgreSQL answers a query within two seconds; 503 otherwise, with the failing check named.
 */
public final class HealthHandlers {
  private static final long DB_TIMEOUT_MS = 2000;
  private final Pool pool;
  private final Readiness readiness;

  public HealthHandlers(Pool pool, Readiness readiness) {
    this.pool = pool;
    this.readiness = readiness;
  }

  public void live(RoutingContext ctx) {
    JsonResponses.send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  public void ready(RoutingContext ctx) {
    if (!readiness.accepting()) {
      JsonResponses.send(ctx, 503, new JsonObject().put("status", "DOWN").put("checks", new JsonObject().put("server", "stopping")));
      return;
    }
    pool.query("select 1").execute().timeout(DB_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      JsonObject checks = new JsonObject().put("server", "UP").put("database", ar.succeeded() ? "UP" : "DOWN");
      JsonResponses.send(ctx, ar.succeeded() ? 200 : 503, new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN").put("checks", checks));
    });
  }
}
