package io.sightline.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.function.Function;

/**
 * Streams a site's raw events of a range, every stored column, in time order, to a sink that takes text chunks:
 * a PostgreSQL cursor reads a page of rows, they are formatted into one chunk, and the next page is read only once the
 * sink has taken the chunk (an HTTP response's write queue drained, a file written). Memory holds one page, whatever
 * the range's size.
 */
public final class EventExport {
  static final String EVENTS = "select * from events where site_id = $1 and ts >= $2 and ts < $3 order by ts, event_id";
  private static final int PAGE = 500; // rows a chunk: about 0.5 MB of NDJSON, formatted in one event-loop turn

  private EventExport() {
  }

  /**
   * Writes the events; {@code sink} returns a future completed when it can take the next chunk (failed: stop).
   * Returns the number of events written.
   */
  public static Future<Long> run(Pool pool, int siteId, ExportRange range, ExportFormat format, Function<String, Future<Void>> sink) {
    return pool.withTransaction(conn -> run(conn, siteId, range, format, sink)); // a cursor lives in a transaction
  }

  static Future<Long> run(SqlConnection conn, int siteId, ExportRange range, ExportFormat format, Function<String, Future<Void>> sink) {
    Tuple args = Tuple.of(siteId, range.start().atOffset(java.time.ZoneOffset.UTC), range.end().atOffset(java.time.ZoneOffset.UTC));
    return conn.prepare(EVENTS).compose(ps -> {
      Cursor cursor = ps.cursor(args);
      Promise<Long> done = Promise.promise();
      page(cursor, format, sink, null, 0, done);
      return done.future().eventually(cursor::close);
    });
  }

  private static void page(Cursor cursor, ExportFormat format, Function<String, Future<Void>> sink, List<String> columns, long count,
                           Promise<Long> done) {
    cursor.read(PAGE).onFailure(done::fail).onSuccess((RowSet<Row> rows) -> {
      List<String> cols = columns == null ? rows.columnsNames() : columns;
      StringBuilder chunk = new StringBuilder(PAGE * 400);
      if (columns == null) {
        format.header(cols, chunk);
      }
      long n = count;
      for (Row row : rows) {
        format.row(row, cols, chunk);
        n++;
      }
      long written = n;
      Future<Void> taken = chunk.isEmpty() ? Future.succeededFuture() : sink.apply(chunk.toString());
      taken.onFailure(done::fail).onSuccess(v -> {
        if (cursor.hasMore()) {
          page(cursor, format, sink, cols, written, done);
        } else {
          done.complete(written);
        }
      });
    });
  }
}
