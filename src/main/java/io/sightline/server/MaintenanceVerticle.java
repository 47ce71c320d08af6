package io.sightline.server;

import io.sightline.ops.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Runs the periodic housekeeping tasks (partitions, salts, idle sessions, expired rate-limit windows). */
public final class MaintenanceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceVerticle.class);

  private final List<PeriodicTask> tasks;

  public MaintenanceVerticle(List<PeriodicTask> tasks) {
    this.tasks = List.copyOf(tasks);
  }

  @Override
  public Future<?> start() {
    for (PeriodicTask task : tasks) {
      vertx.setPeriodic(task.intervalMillis(), id -> {
        Future<?> done = task.blocking() ? vertx.executeBlocking(() -> task.run().get(), false).compose(f -> f) : task.run().get();
        done.onFailure(err -> LOG.warn("{} failed: {}", task.name(), err.getMessage()));
      });
    }
    return Future.succeededFuture();
  }
}
