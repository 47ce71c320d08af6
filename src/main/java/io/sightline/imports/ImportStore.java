package io.sightline.imports;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code imports} table (V22) and the rows an import owns. */
public final class ImportStore {
  /** An import as listed: its id, site, source, files, state and counts. */
  public record ImportInfo(int id, int siteId, String source, List<String> files, String status, long rowsRead, long rowsStored,
                           long rowsSkipped, JsonObject skipped, OffsetDateTime firstTs, OffsetDateTime lastTs, String error,
                           OffsetDateTime createdAt, OffsetDateTime finishedAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("site_id", siteId).put("source", source).put("files", files).put("status", status)
          .put("rows_read", rowsRead).put("rows_stored", rowsStored).put("rows_skipped", rowsSkipped).put("skipped", skipped)
          .put("first_event", text(firstTs)).put("last_event", text(lastTs)).put("error", error)
          .put("created_at", text(createdAt)).put("finished_at", text(finishedAt));
    }

    private static String text(OffsetDateTime t) {
      return t == null ? null : t.toInstant().toString();
    }
  }

  /**
   * The advisory locks' first key ('SLIM'); the second is the import's id. The process running an import holds its lock, on a
   * connection of its own, from the moment the import is recorded as running until it has ended, so that a running import
   * nobody holds was interrupted (its process stopped): {@link #failInterrupted}.
   */
  static final int LOCK_CLASS = 0x534c494d;

  /** An import recorded as running, and the connection that holds its lock until {@link #release}. */
  public record Begun(int id, SqlConnection lock) {
  }

  private final Pool pool;

  public ImportStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Starts (or restarts) the import of these files: the row keyed by site, source and content hash, emptied of what an
   * earlier run of the same files stored, so that running it again replaces instead of adding. 409 while that import runs.
   */
  public Future<Begun> begin(int siteId, ImportSource source, String contentHash, List<String> files) {
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> record(conn, siteId, source, contentHash, files)
            .compose(id -> tx.commit().map(id))
            .recover(err -> tx.rollback().transform(x -> Future.<Integer>failedFuture(err))))
        .map(id -> new Begun(id, conn))
        .recover(err -> conn.query("select pg_advisory_unlock_all()").execute().eventually(conn::close)
            .transform(x -> Future.failedFuture(err))));
  }

  /** Ends an import's hold on its lock (whatever its outcome), giving its connection back. */
  public Future<Void> release(Begun begun) {
    return begun.lock().preparedQuery("select pg_advisory_unlock($1, $2)").execute(Tuple.of(LOCK_CLASS, begun.id()))
        .eventually(() -> begun.lock().close()).mapEmpty();
  }

  /**
   * Marks {@code failed} the imports recorded as running that no process runs any longer (their lock is free: the process that
   * ran them stopped), with the reason; at a server's start. Returns their ids.
   */
  public Future<List<Integer>> failInterrupted() {
    return pool.preparedQuery("update imports set status = 'failed', error = $2, finished_at = now() "
            + "where status = 'running' and pg_try_advisory_xact_lock($1, id) returning id")
        .execute(Tuple.of(LOCK_CLASS, "interrupted: the process running the import stopped before it ended (run it again, or undo it "
            + "to remove what it stored)"))
        .map(rows -> {
          List<Integer> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getInteger("id")));
          return ids;
        });
  }

  private static Future<Integer> record(SqlConnection conn, int siteId, ImportSource source, String contentHash, List<String> files) {
    return conn.preparedQuery("insert into imports (site_id, source, content_hash, files) values ($1, $2, $3, $4) "
            + "on conflict (site_id, source, content_hash) do update set status = 'running', files = excluded.files, rows_read = 0, "
            + "rows_stored = 0, rows_skipped = 0, skipped = '{}', first_ts = null, last_ts = null, error = null, created_at = now(), "
            + "finished_at = null where imports.status <> 'running' returning id")
        .execute(Tuple.of(siteId, source.id(), contentHash, files.toArray(String[]::new)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.conflict("these files are being imported into this site already (see `sightline import list`; "
                + "`sightline import undo ID` clears an import that was interrupted)"));
          }
          int id = rows.iterator().next().getInteger("id");
          return conn.preparedQuery("select pg_advisory_lock($1, $2)").execute(Tuple.of(LOCK_CLASS, id))
              .compose(v -> removeRows(conn, siteId, id)).map(id);
        });
  }

  private static Future<Void> removeRows(SqlConnection conn, int siteId, int importId) {
    Tuple t = Tuple.of(siteId, importId);
    return conn.preparedQuery("delete from events where site_id = $1 and import_id = $2").execute(t)
        .compose(v -> conn.preparedQuery("delete from sessions where site_id = $1 and import_id = $2").execute(t))
        .compose(v -> conn.preparedQuery("delete from imported_daily where site_id = $1 and import_id = $2").execute(t))
        .mapEmpty();
  }

  private static final String INSERT_DAILY = "insert into imported_daily (site_id, import_id, tbl, day, "
      + String.join(", ", PlausibleReader.DIMENSIONS) + ", " + String.join(", ", PlausibleReader.COUNTS) + ") values ("
      + java.util.stream.IntStream.rangeClosed(1, 4 + PlausibleReader.DIMENSIONS.size() + PlausibleReader.COUNTS.size())
      .mapToObj(i -> "$" + i).collect(java.util.stream.Collectors.joining(", ")) + ")";

  /** Stores daily aggregate rows (Plausible's) as the import's. */
  Future<Void> insertDaily(int siteId, int importId, List<PlausibleReader.DailyRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(rows.size());
    for (PlausibleReader.DailyRow r : rows) {
      Tuple t = Tuple.of(siteId, importId, r.table(), r.day());
      for (String d : r.dimensions()) {
        t.addString(d);
      }
      for (long c : r.counts()) {
        t.addLong(c);
      }
      batch.add(t);
    }
    return pool.preparedQuery(INSERT_DAILY).executeBatch(batch).mapEmpty();
  }

  /** Daily partitions for the days the events fall on. */
  public Future<Void> ensurePartitions(Instant first, Instant last) {
    if (first == null) {
      return Future.succeededFuture();
    }
    LocalDate from = LocalDate.ofInstant(first, ZoneOffset.UTC);
    LocalDate to = LocalDate.ofInstant(last, ZoneOffset.UTC).plusDays(1);
    return pool.preparedQuery("select sightline_ensure_partitions($1, $2)").execute(Tuple.of(from, to)).mapEmpty();
  }

  public Future<Void> progress(int importId, ImportReport report) {
    return pool.preparedQuery("update imports set rows_read = $2, rows_stored = $3, rows_skipped = $4, skipped = $5 where id = $1")
        .execute(Tuple.of(importId, report.rowsRead(), report.rowsStored(), report.rowsSkipped(), report.skippedJson())).mapEmpty();
  }

  public Future<Void> finish(int importId, ImportReport report) {
    return pool.preparedQuery("update imports set status = 'done', rows_read = $2, rows_stored = $3, rows_skipped = $4, skipped = $5, "
            + "first_ts = $6, last_ts = $7, finished_at = now() where id = $1")
        .execute(Tuple.of(importId, report.rowsRead(), report.rowsStored(), report.rowsSkipped(), report.skippedJson(),
            odt(report.first()), odt(report.last()))).mapEmpty();
  }

  public Future<Void> fail(int importId, String error) {
    return pool.preparedQuery("update imports set status = 'failed', error = $2, finished_at = now() where id = $1")
        .execute(Tuple.of(importId, error == null ? "failed" : error)).mapEmpty();
  }

  /** Removes what the import stored and marks it undone; the caller rebuilds the site's rollups. 404 for no such import. */
  public Future<ImportInfo> undo(int importId) {
    return pool.withTransaction(conn -> conn.preparedQuery("update imports set status = 'undone', finished_at = now() where id = $1 "
            + "returning *").execute(Tuple.of(importId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("no import " + importId));
          }
          ImportInfo info = info(rows.iterator().next());
          return removeRows(conn, info.siteId(), importId).map(info);
        }));
  }

  public Future<Optional<ImportInfo>> find(int importId) {
    return pool.preparedQuery("select * from imports where id = $1").execute(Tuple.of(importId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(info(rows.iterator().next())));
  }

  public Future<List<ImportInfo>> list(int siteId) {
    return pool.preparedQuery("select * from imports where site_id = $1 order by id").execute(Tuple.of(siteId)).map(rows -> {
      List<ImportInfo> list = new ArrayList<>();
      rows.forEach(r -> list.add(info(r)));
      return list;
    });
  }

  private static ImportInfo info(Row r) {
    Object skipped = r.getValue("skipped");
    return new ImportInfo(r.getInteger("id"), r.getInteger("site_id"), r.getString("source"), List.of(r.getArrayOfStrings("files")),
        r.getString("status"), r.getLong("rows_read"), r.getLong("rows_stored"), r.getLong("rows_skipped"),
        skipped instanceof JsonObject o ? o : new JsonObject(), r.getOffsetDateTime("first_ts"), r.getOffsetDateTime("last_ts"),
        r.getString("error"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("finished_at"));
  }

  private static OffsetDateTime odt(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
