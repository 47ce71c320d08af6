package io.sightline.server;

import io.sightline.auth.RateLimiter;
import io.sightline.db.PartitionMaintenance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodic housekeeping: daily partitions ahead of time, and expired rate-limit windows. */
public final class MaintenanceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceVerticle.class);
  private static final long PARTITION_INTERVAL_MS = 3_600_000;
  private static final long RATE_LIMIT_INTERVAL_MS = 60_000;

  private final PartitionMaintenance partitions;
  private final RateLimiter rateLimiter;

  public MaintenanceVerticle(PartitionMaintenance partitions, RateLimiter rateLimiter) {
    this.partitions = partitions;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(PARTITION_INTERVAL_MS, id -> partitions.ensure()
        .onFailure(err -> LOG.warn("Partition maintenance failed: {}", err.getMessage())));
    vertx.setPeriodic(RATE_LIMIT_INTERVAL_MS, id -> rateLimiter.evictExpired());
    return Future.succeededFuture();
  }
}
