package io.sightline.imports;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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

  private final Pool pool;

  public ImportStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Starts (or restarts) the import of these files: the row keyed by site, source and content hash, emptied of what an
   * earlier run of the same files stored, so that running it again replaces instead of adding. 409 while that import runs.
   */
  public Future<Integer> begin(int siteId, ImportSource source, String contentHash, List<String> files) {
    return pool.withTransaction(conn -> conn.preparedQuery("insert into imports (site_id, source, content_hash, files) values ($1, $2, $3, $4) "
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
          return removeRows(conn, siteId, id).map(id);
        }));
  }

  private static Future<Void> removeRows(io.vertx.sqlclient.SqlConnection conn, int siteId, int importId) {
    Tuple t = Tuple.of(siteId, importId);
    return conn.preparedQuery("delete from events where site_id = $1 and import_id = $2").execute(t)
        .compose(v -> conn.preparedQuery("delete from sessions where site_id = $1 and import_id = $2").execute(t))
        .mapEmpty();
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
