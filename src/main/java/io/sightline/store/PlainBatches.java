package io.sightline.store;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** Batches without rollups: the events inserted and their sessions upserted, nothing else kept. */
final class PlainBatches implements BatchStatements {
  private final Pool pool;
  private final int partition;
  /** Cluster mode: the epoch the partition was taken with, checked by every batch; 0 on a single node (no fence). */
  private final long epoch;

  PlainBatches(Pool pool, int partition, long epoch) {
    this.pool = pool;
    this.partition = partition;
    this.epoch = epoch;
  }

  @Override
  public Future<?> start(Vertx vertx, Runnable wake) {
    return Future.succeededFuture();
  }

  @Override
  public int commitSlots(int configured) {
    return configured;
  }

  @Override
  public boolean mayStartBatch() {
    return true;
  }

  @Override
  public Future<Void> write(BatchRows rows) {
    List<Object> args = columns(rows.events(), rows.sessions());
    int parts = 0;
    if (!rows.keys().isEmpty()) {
      parts |= EventSql.WITH_KEYS;
      args.addAll(List.of(Column.arrays(EventSql.KEY_COLUMNS, rows.keys())));
    }
    if (!rows.links().isEmpty()) {
      parts |= EventSql.WITH_LINKS;
      args.addAll(List.of(Column.arrays(EventSql.LINK_COLUMNS, rows.links())));
    }
    if (epoch > 0) {
      parts |= EventSql.WITH_FENCE;
      args.add((short) partition);
      args.add(epoch);
    }
    return pool.preparedQuery(EventSql.WRITE_BATCH[parts]).execute(Tuple.wrap(args)).mapEmpty();
  }

  /** The events' and the sessions' column arrays, in the batch statements' parameter order. */
  static List<Object> columns(List<EventRecord> events, List<SessionRow> sessions) {
    List<Object> args = new ArrayList<>(EventSql.EVENT_COLUMNS.size() + EventSql.SESSION_COLUMNS.size() + 8);
    args.addAll(List.of(Column.arrays(EventSql.EVENT_COLUMNS, events)));
    args.addAll(List.of(Column.arrays(EventSql.SESSION_COLUMNS, sessions)));
    return args;
  }

  @Override
  public void afterCommit() {
  }

  @Override
  public boolean settled() {
    return true;
  }

  @Override
  public Future<?> stop() {
    return Future.succeededFuture();
  }
}
