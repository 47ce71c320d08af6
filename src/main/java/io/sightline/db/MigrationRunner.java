package io.sightline.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the versioned SQL scripts in {@code db/migration/} (listed in order in
 * {@code index.txt}) once each, in order, each in its own transaction, recording them in
 * {@code schema_migrations}. An advisory lock keeps concurrent starts from racing; a script
 * changed after it was applied, or a database newer than this build, stops the start.
 */
public final class MigrationRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
  private static final String LOCATION = "db/migration/";

  private final Pool pool;
  private final List<Migration> migrations;

  public MigrationRunner(Pool pool, List<Migration> migrations) {
    this.pool = pool;
    this.migrations = migrations.stream().sorted(Comparator.comparingInt(Migration::version)).toList();
  }

  /** Reads the bundled scripts. Blocking classpath I/O: call at start-up, off the event loop. */
  public static List<Migration> bundled() {
    List<Migration> list = new ArrayList<>();
    for (String name : read(LOCATION + "index.txt").split("\\R")) {
      if (!name.isBlank()) {
        list.add(Migration.of(name.trim(), read(LOCATION + name.trim())));
      }
    }
    return list;
  }

  /** Applies what is pending; the future holds the number of scripts applied. */
  public Future<Integer> migrate() {
    return pool.withConnection(conn -> conn.preparedQuery(MigrationSql.LOCK).execute(Tuple.of(MigrationSql.LOCK_KEY))
        .compose(locked -> conn.query(MigrationSql.CREATE_HISTORY).execute())
        .compose(created -> conn.query(MigrationSql.APPLIED).execute())
        .compose(rows -> {
          Map<Integer, Row> applied = new HashMap<>();
          rows.forEach(row -> applied.put(row.getInteger("version"), row));
          return applyPending(conn, applied);
        })
        .eventually(() -> conn.preparedQuery(MigrationSql.UNLOCK).execute(Tuple.of(MigrationSql.LOCK_KEY))));
  }

  private Future<Integer> applyPending(SqlConnection conn, Map<Integer, Row> applied) {
    int latestKnown = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    for (Map.Entry<Integer, Row> entry : applied.entrySet()) {
      if (entry.getKey() > latestKnown) {
        return Future.failedFuture(new MigrationException("The database schema is at version " + entry.getKey()
            + ", newer than this Sightline build knows (" + latestKnown + "). Run a newer Sightline."));
      }
    }
    List<Migration> pending = new ArrayList<>();
    for (Migration m : migrations) {
      Row row = applied.get(m.version());
      if (row == null) {
        pending.add(m);
      } else if (!row.getString("checksum").equals(m.checksum())) {
        return Future.failedFuture(new MigrationException("Migration V" + m.version() + " (" + m.description()
            + ") was changed after it was applied. Restore the original script and add a new migration instead."));
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (Migration m : pending) {
      chain = chain.compose(v -> apply(conn, m));
    }
    return chain.map(v -> pending.size());
  }

  private Future<Void> apply(SqlConnection conn, Migration m) {
    long started = System.nanoTime();
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
        .compose(done -> conn.preparedQuery(MigrationSql.RECORD).execute(Tuple.of(m.version(), m.description(), m.checksum(),
            (int) ((System.nanoTime() - started) / 1_000_000))))
        .compose(recorded -> tx.commit())
        .onSuccess(v -> LOG.info("Applied migration V{} ({})", m.version(), m.description()))
        .recover(err -> tx.rollback().transform(ignored -> Future.failedFuture(new MigrationException(
            "Migration V" + m.version() + " (" + m.description() + ") failed: " + err.getMessage())))));
  }

  private static String read(String resource) {
    try (InputStream in = MigrationRunner.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
