package io.sightline.rollup;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds the batches' pending deltas ({@code rollup_pending}, V15) into the rollup tables: one statement
 * deletes the pending rows and upserts their sum, so each batch's counts are either still pending or
 * folded, never both nor neither. Folding every few seconds instead of once per batch is what keeps the
 * rollups cheap at ingest: the pages, sources and countries of the moment repeat across hundreds of
 * batches, and each summed row is upserted once (docs/ingestion.md, "Rollups").
 */
public final class RollupFold {
  private static final Logger LOG = LoggerFactory.getLogger(RollupFold.class);
  private static final String GUARD = "(select rollup_fold_check(c, cardinality($1::int8[])) from gone_count)";

  /**
   * $1 the pending ids summed, then the totals', dimension rows' and drill-down rows' arrays
   * ({@link RollupSql}). Returns the number of pending rows deleted: all of them (folded now) or 0
   * (folded before, by a fold whose reply was lost); anything else fails the statement.
   */
  static final String FOLD = "with gone as (delete from rollup_pending where id = any($1::int8[]) returning 1), "
      + "gone_count as (select count(*) as c from gone), "
      + "totals as (" + RollupSql.upsertTotals(2, GUARD) + "), "
      + "dims as (" + RollupSql.upsertDims(2 + RollupSql.TOTAL_PARAMS, GUARD) + "), "
      + "drills as (" + RollupSql.upsertDrills(2 + RollupSql.TOTAL_PARAMS + RollupSql.DIM_PARAMS, GUARD) + ") "
      + "select c from gone_count";

  /** The statement that stores a batch's delta and its writer partition (appended to the batch's own statement); returns its id. */
  public static String insertPending(int partitionParam, int deltaParam) {
    return "insert into rollup_pending (part, delta) values ($" + partitionParam + "::int2, $" + deltaParam + ") returning id";
  }

  public static Buffer pendingValue(RollupDelta delta) {
    return Buffer.buffer(DeltaCodec.encode(delta));
  }

  private RollupFold() {
  }

  /**
   * Upserts {@code sum}, the sum of the pending rows {@code ids}, and deletes those rows. True when
   * this call folded them, false when they had already been folded.
   */
  public static Future<Boolean> fold(SqlClient client, long[] ids, RollupDelta sum) {
    return client.preparedQuery(FOLD).execute(Tuple.wrap(arguments(ids, sum))).map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  /**
   * The same, with the statement's arguments (the sum's rows sorted, in arrays) built on one of {@code workers}: the
   * writer's event loop goes on preparing batches meanwhile. Nothing may change {@code sum} until this completes.
   */
  public static Future<Boolean> fold(WorkerExecutor workers, SqlClient client, long[] ids, RollupDelta sum) {
    return workers.executeBlocking(() -> arguments(ids, sum), false)
        .compose(args -> client.preparedQuery(FOLD).execute(Tuple.wrap(args)))
        .map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  private static List<Object> arguments(long[] ids, RollupDelta sum) {
    List<Object> args = new ArrayList<>();
    Long[] boxed = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      boxed[i] = ids[i];
    }
    args.add(boxed);
    args.addAll(List.of(RollupSql.totalArrays(sum.totalRows())));
    args.addAll(List.of(RollupSql.dimArrays(sum.dimRows())));
    args.addAll(List.of(RollupSql.drillArrays(sum.drillRows())));
    return args;
  }

  /**
   * Folds whatever a writer left pending (it crashed or could not fold on its way down), before a new
   * writer takes events. Returns the number of batches folded.
   */
  public static Future<Integer> recover(Pool pool) {
    return recover(pool, null);
  }

  /**
   * The same for one writer partition's pending rows only ({@code partition} null: every row): in cluster mode, what the previous
   * owner of a partition this member takes left pending, while the other members fold their own (docs/cluster.md, "Rollups").
   * The taker holds the partition's lock and has moved its epoch on, so no batch of the previous owner adds to them any more.
   */
  public static Future<Integer> recover(Pool pool, Integer partition) {
    return pool.withTransaction(conn -> (partition == null
        ? conn.query("select id, delta from rollup_pending order by id for update").execute()
        : conn.preparedQuery("select id, delta from rollup_pending where part = $1 order by id for update")
            .execute(Tuple.of(partition.shortValue())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(0);
          }
          RollupDelta sum = new RollupDelta();
          long[] ids = new long[rows.size()];
          int i = 0;
          for (Row r : rows) {
            ids[i++] = r.getLong("id");
            DeltaCodec.addInto(r.getBuffer("delta").getBytes(), sum, 1, null);
          }
          return fold(conn, ids, sum).map(folded -> {
            LOG.info("Folded {} rollup deltas left pending by the previous writer{}", ids.length,
                partition == null ? "" : " of partition " + partition);
            return ids.length;
          });
        }));
  }

  /**
   * Subtracts one site's pending deltas from {@code into}: a rebuild writes the truth of the events
   * stored so far, and the next fold adds these deltas (of events already stored) on top. The caller
   * holds {@code rollup_pending} locked, so nothing is added or folded meanwhile.
   */
  static Future<Integer> subtractPending(SqlClient conn, int siteId, RollupDelta into) {
    return conn.query("select delta from rollup_pending").execute().map(rows -> {
      for (Row r : rows) {
        DeltaCodec.addInto(r.getBuffer("delta").getBytes(), into, -1, siteId);
      }
      return rows.size();
    });
  }
}
