package io.sightline.lifecycle;

import io.sightline.config.SightlineConfig;
import io.sightline.db.Database;
import io.sightline.db.MigrationRunner;
import io.sightline.db.PartitionMaintenance;
import io.sightline.db.embedded.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * A ready database: the embedded server started (or the configured URL checked), the reactive
 * pool open, migrations applied and partitions created. Used by the server and by the CLI.
 * Opening and closing block: call them from {@code main}, never from an event loop.
 */
public final class DatabaseSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSession.class);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  private final EmbeddedPostgres embedded;
  private final Pool pool;
  /** The replica's pool ({@code database.readUrl}), or {@link #pool} without one. */
  private final Pool readPool;
  private final PartitionMaintenance partitions;

  private DatabaseSession(EmbeddedPostgres embedded, Pool pool, Pool readPool, PartitionMaintenance partitions) {
    this.embedded = embedded;
    this.pool = pool;
    this.readPool = readPool;
    this.partitions = partitions;
  }

  public static DatabaseSession open(SightlineConfig config, Vertx vertx) {
    EmbeddedPostgres embedded = null;
    if (config.database().embedded()) {
      embedded = EmbeddedPostgres.start(config.database().embeddedDataDir(), config.database().embeddedPort(),
          config.database().binariesCache());
    }
    Pool pool = null;
    try {
      PgConnectOptions options = Database.connectOptions(config.database(), embedded);
      pool = Database.pool(vertx, options, config.database().poolSize(), config.database().connectTimeoutSeconds());
      String version = Await.result(Database.check(pool, options), STEP_TIMEOUT);
      LOG.info("Connected to PostgreSQL {} at {}:{}/{}", version, options.getHost(), options.getPort(), options.getDatabase());
      int applied = Await.result(new MigrationRunner(pool, MigrationRunner.bundled()).migrate(), STEP_TIMEOUT);
      if (applied > 0) {
        LOG.info("Database schema brought up to date ({} migrations applied)", applied);
      }
      PartitionMaintenance partitions = new PartitionMaintenance(pool, config.storage(), Clock.systemUTC());
      Await.result(partitions.ensure(), STEP_TIMEOUT);
      Pool readPool = pool;
      if (config.database().readUrl().isPresent()) {
        PgConnectOptions read = Database.readConnectOptions(config.database());
        readPool = Database.pool(vertx, read, config.database().poolSize(), config.database().connectTimeoutSeconds(), Database.POOL_NAME + "-read");
        try {
          String replica = Await.result(Database.check(readPool, read), STEP_TIMEOUT);
          LOG.info("Analytics queries read from the PostgreSQL {} replica at {}:{}/{}", replica, read.getHost(), read.getPort(), read.getDatabase());
        } catch (RuntimeException e) {
          readPool.close();
          throw e;
        }
      }
      return new DatabaseSession(embedded, pool, readPool, partitions);
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  public Pool pool() {
    return pool;
  }

  /** Where analytics queries read: the replica of {@code database.readUrl}, else the primary's pool. */
  public Pool readPool() {
    return readPool;
  }

  public PartitionMaintenance partitions() {
    return partitions;
  }

  /** Closes the pool, then stops the embedded server if this process started it. */
  @Override
  public void close() {
    if (readPool != pool) {
      try {
        Await.result(readPool.close(), Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("Closing the read pool: {}", e.getMessage());
      }
    }
    try {
      Await.result(pool.close(), Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("Closing the database pool: {}", e.getMessage());
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
