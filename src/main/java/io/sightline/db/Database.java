package io.sightline.db;

import io.sightline.config.DatabaseConfig;
import io.sightline.db.embedded.EmbeddedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;

/** Connection settings, the reactive pool, and the start-up check that turns failures into plain words. */
public final class Database {
  public static final String POOL_NAME = "sightline";
  private static final int MIN_SERVER_VERSION = 140000;

  private Database() {
  }

  /** Connection options from {@code database.url} (plus optional user/password), or for the embedded server. */
  public static PgConnectOptions connectOptions(DatabaseConfig config, EmbeddedPostgres embedded) {
    return connectOptions(config, embedded, config.url().orElse(null), "database.url");
  }

  /** Connection options for the replica in {@code database.readUrl} (plus the same optional user/password). */
  public static PgConnectOptions readConnectOptions(DatabaseConfig config) {
    return connectOptions(config, null, config.readUrl().orElseThrow(), "database.readUrl");
  }

  private static PgConnectOptions connectOptions(DatabaseConfig config, EmbeddedPostgres embedded, String url, String key) {
    PgConnectOptions options;
    if (embedded != null) {
      options = new PgConnectOptions().setHost(embedded.host()).setPort(embedded.port())
          .setUser(embedded.user()).setPassword(embedded.password()).setDatabase(embedded.database());
    } else {
      try {
        options = PgConnectOptions.fromUri(url.startsWith("postgres://") ? "postgresql://" + url.substring(11) : url);
      } catch (RuntimeException e) {
        throw new DatabaseUnavailableException(key + " could not be parsed as a PostgreSQL URL", e);
      }
      config.user().ifPresent(options::setUser);
      config.password().ifPresent(options::setPassword);
    }
    options.setCachePreparedStatements(true);
    options.setPipeliningLimit(256);
    options.addProperty("application_name", "sightline");
    options.addProperty("client_min_messages", "warning"); // no NOTICEs ("already exists, skipping") in the logs
    return options;
  }

  /** The pool; {@code connectTimeoutSeconds} bounds how long a query waits for a connection, connecting included. */
  public static Pool pool(Vertx vertx, PgConnectOptions options, int size, int connectTimeoutSeconds) {
    return pool(vertx, options, size, connectTimeoutSeconds, POOL_NAME);
  }

  /** A pool named {@code name} (its meters' {@code pool_name}). */
  public static Pool pool(Vertx vertx, PgConnectOptions options, int size, int connectTimeoutSeconds, String name) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name).setShared(false)
            .setConnectionTimeout(connectTimeoutSeconds).setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * Checks that the server answers and is recent enough. A failure carries a message for the
   * operator: wrong credentials, unknown database, unreachable host, or too old a server.
   */
  public static Future<String> check(Pool pool, PgConnectOptions options) {
    return pool.query("select current_setting('server_version_num')::int as num, current_setting('server_version') as v").execute()
        .recover(err -> Future.failedFuture(new DatabaseUnavailableException(explain(err, options), err)))
        .compose(rows -> {
          var row = rows.iterator().next();
          if (row.getInteger("num") < MIN_SERVER_VERSION) {
            return Future.failedFuture(new DatabaseUnavailableException("PostgreSQL " + row.getString("v") + " at "
                + where(options) + " is too old: Sightline needs PostgreSQL 14 or newer", null));
          }
          return Future.succeededFuture(row.getString("v"));
        });
  }

  static String explain(Throwable err, PgConnectOptions options) {
    if (err instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return switch (state) {
        case "28P01", "28000" -> "PostgreSQL at " + where(options) + " rejected the credentials for user '" + options.getUser()
            + "' (" + pg.getErrorMessage() + "). Check the user and password in database.url.";
        case "3D000" -> "PostgreSQL at " + where(options) + " has no database '" + options.getDatabase()
            + "'. Create it (createdb " + options.getDatabase() + ") or fix database.url.";
        case "53300" -> "PostgreSQL at " + where(options) + " has no free connection slots (" + pg.getErrorMessage() + ").";
        default -> "PostgreSQL at " + where(options) + " refused the connection: " + pg.getErrorMessage() + " (SQLSTATE " + state + ")";
      };
    }
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof ConnectException || err instanceof ConnectException) {
      return "Cannot connect to PostgreSQL at " + where(options) + ": connection refused. Is the server running and is the host/port in database.url right?";
    }
    if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
      return "Cannot resolve the PostgreSQL host '" + options.getHost() + "' from database.url.";
    }
    String message = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    if (message.toLowerCase().contains("timed out") || message.toLowerCase().contains("timeout")) {
      return "Timed out connecting to PostgreSQL at " + where(options) + " (database.connectTimeoutSeconds). Is the host reachable?";
    }
    return "Cannot use PostgreSQL at " + where(options) + ": " + message;
  }

  private static String where(PgConnectOptions options) {
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
