package io.sightline.server;

import io.vertx.core.Future;

import java.util.function.Supplier;

/** Housekeeping run every {@code intervalMillis} by {@link MaintenanceVerticle}. */
public record PeriodicTask(String name, long intervalMillis, Supplier<Future<?>> run) {
}
