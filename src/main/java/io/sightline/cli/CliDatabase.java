package io.sightline.cli;

import io.sightline.config.SightlineConfig;
import io.sightline.lifecycle.Await;
import io.sightline.lifecycle.DatabaseSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.function.Function;

/** Runs one database operation for a CLI command: open (embedded or URL, migrated), run, close. */
final class CliDatabase {
  private CliDatabase() {
  }

  static <T> T run(SightlineConfig config, Function<Pool, Future<T>> operation) {
    return runWithVertx(config, (vertx, pool) -> operation.apply(pool));
  }

  /** The same, for operations that need the Vert.x instance too (worker threads for file work). */
  static <T> T runWithVertx(SightlineConfig config, java.util.function.BiFunction<Vertx, Pool, Future<T>> operation) {
    Vertx vertx = Vertx.vertx();
    try (DatabaseSession db = DatabaseSession.open(config, vertx)) {
      return Await.result(operation.apply(vertx, db.pool()), Duration.ofHours(6)); // a rollup rebuild of a big site takes minutes
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
