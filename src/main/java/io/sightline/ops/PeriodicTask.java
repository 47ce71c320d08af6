package io.sightline.ops;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Housekeeping run every {@code intervalMillis} by {@link MaintenanceVerticle}; a {@code blocking}
 * task (a scan of a large in-memory structure) runs on a worker thread, not an event loop.
 */
public record PeriodicTask(String name, long intervalMillis, boolean blocking, Supplier<Future<?>> run) {
  public PeriodicTask(String name, long intervalMillis, Supplier<Future<?>> run) {
    this(name, intervalMillis, false, run);
  }
}
