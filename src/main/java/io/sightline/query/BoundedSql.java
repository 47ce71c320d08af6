package io.sightline.query;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * The one way analytics reads reach PostgreSQL: through the pool's {@link QueryGate} (never more
 * than its share of the connections), in a transaction with a statement timeout (a query over
 * raw events that runs longer answers 503 instead of holding a connection indefinitely).
 */
public final class BoundedSql {
  /** Raw-event queries are bounded so that one expensive query cannot hold the database indefinitely. */
  public static final int DEFAULT_TIMEOUT_MS = 30_000;

  private BoundedSql() {
  }

  public static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple args) {
    return execute(pool, sql, args, DEFAULT_TIMEOUT_MS);
  }

  public static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple args, int timeoutMs) {
    return execute(pool, sql, args, timeoutMs, null);
  }

  /** @param settings planner settings for this statement only ({@code set local ...}; a constant, never request text) */
  static Future<RowSet<Row>> execute(Pool pool, String sql, Tuple args, int timeoutMs, String settings) {
    String local = "set local statement_timeout = " + timeoutMs + (settings == null ? "" : "; " + settings);
    return QueryGate.of(pool).run(() -> pool.withTransaction(conn -> conn.query(local).execute()
            .compose(v -> conn.preparedQuery(sql).execute(args))))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "57014".equals(pg.getSqlState())
            ? new ApiException(503, "query_timeout", "The query took longer than " + timeoutMs / 1000
                + " s over raw events; narrow the range or the grouping") : err));
  }
}
