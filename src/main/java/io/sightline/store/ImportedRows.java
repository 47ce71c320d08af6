package io.sightline.store;

import io.sightline.event.SessionRow;

import io.sightline.event.EventRecord;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes events and sessions replayed from another tool's export, with the same columns the writer writes plus the
 * import's id ({@code import_id}, V22), so that the import can be replaced or undone exactly. Plain inserts: their
 * rollups are rebuilt from the raw rows afterwards ({@code io.sightline.rollup.RollupRebuild}), as for any backfill.
 */
public final class ImportedRows {
  private static final String INSERT_EVENTS = Column.insertSql("events", withImport(EventSql.EVENT_COLUMNS));
  private static final String INSERT_SESSIONS = Column.insertSql("sessions", withImport(EventSql.SESSION_COLUMNS));

  private ImportedRows() {
  }

  public static Future<Void> insertEvents(SqlClient client, int importId, List<EventRecord> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(INSERT_EVENTS).execute(args(EventSql.EVENT_COLUMNS, events, importId)).mapEmpty();
  }

  public static Future<Void> insertSessions(SqlClient client, int importId, List<SessionRow> sessions) {
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(INSERT_SESSIONS).execute(args(EventSql.SESSION_COLUMNS, sessions, importId)).mapEmpty();
  }

  private static <R> List<Column<R>> withImport(List<Column<R>> columns) {
    List<Column<R>> all = new ArrayList<>(columns);
    all.add(Column.of("import_id", "int4[]", Integer.class, r -> null)); // the value comes from args()
    return all;
  }

  private static <R> Tuple args(List<Column<R>> columns, List<R> rows, int importId) {
    List<Object> args = new ArrayList<>(List.of(Column.arrays(columns, rows)));
    Integer[] ids = new Integer[rows.size()];
    java.util.Arrays.fill(ids, importId);
    args.add(ids);
    return Tuple.wrap(args);
  }

}
