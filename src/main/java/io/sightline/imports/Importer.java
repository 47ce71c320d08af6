package io.sightline.imports;

import io.sightline.config.IngestConfig;
import io.sightline.http.ApiException;
import io.sightline.rollup.RollupRebuild;
import io.sightline.site.Site;
import io.sightline.event.EventRecord;
import io.sightline.store.ImportedRows;
import io.sightline.event.SessionRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs one import: reads the vendor's files (on a worker thread), records the import (replacing an earlier run of the same
 * files), replays the raw events in time order and writes them with their sessions in chunks, then rebuilds the site's
 * rollups from the raw rows ({@link RollupRebuild}, the backfill path), so that the rollups equal the raw events again.
 * The vendor's rows are held in memory to be put in time order (a few hundred bytes a row).
 */
public final class Importer {
  private static final Logger LOG = LoggerFactory.getLogger(Importer.class);
  private static final int CHUNK = 2_000;

  /** What an import did. */
  public record Result(int importId, ImportReport report, double seconds) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final IngestConfig ingest;
  private final ImportStore store;

  public Importer(Vertx vertx, Pool pool, IngestConfig ingest) {
    this.vertx = vertx;
    this.pool = pool;
    this.ingest = ingest;
    this.store = new ImportStore(pool);
  }

  public ImportStore store() {
    return store;
  }

  /** An import under way: its id, known once it is recorded, and its outcome. */
  public record Started(int importId, Future<Result> done) {
  }

  public Future<Result> run(Site site, ImportSource source, List<Path> files, ImportProgress progress) {
    return start(site, source, files, progress).compose(Started::done);
  }

  /**
   * Records the import (hashing the files on a worker thread) and goes on in the background: reading, writing, rebuilding the
   * rollups. The returned future completes as soon as the import has its id.
   */
  public Future<Started> start(Site site, ImportSource source, List<Path> files, ImportProgress progress) {
    long started = System.nanoTime();
    ImportReport report = new ImportReport();
    progress.update("reading", 0, 0);
    return vertx.executeBlocking(() -> contentHash(source, files), false)
        .compose(hash -> store.begin(site.id(), source, hash, files.stream().map(f -> f.getFileName().toString()).toList()))
        .map(begun -> new Started(begun.id(), (source == ImportSource.PLAUSIBLE ? daily(site, begun.id(), files, report, progress, started)
            : events(site, source, begun.id(), files, report, progress, started))
            .transform(r -> store.release(begun).transform(x -> r.succeeded() ? Future.succeededFuture(r.result())
                : Future.<Result>failedFuture(r.cause())))));
  }

  /** Plausible's daily aggregates: read, stored as the import's rows of {@code imported_daily}; no rollup holds them. */
  private Future<Result> daily(Site site, int importId, List<Path> files, ImportReport report, ImportProgress progress, long started) {
    java.time.ZoneId zone = java.time.ZoneId.of(site.timezone());
    return vertx.executeBlocking(() -> PlausibleReader.read(files, report), false)
        .compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (int i = 0; i < rows.size(); i += CHUNK) {
            List<PlausibleReader.DailyRow> part = rows.subList(i, Math.min(rows.size(), i + CHUNK));
            int done = i;
            f = f.compose(v -> {
              progress.update("importing", done, rows.size());
              return store.insertDaily(site.id(), importId, part);
            }).map(v -> {
              part.forEach(r -> report.stored(r.day().atStartOfDay(zone).toInstant()));
              return null;
            });
          }
          return f.map(v -> {
            progress.update("importing", rows.size(), rows.size());
            return null;
          });
        })
        .compose(v -> store.finish(importId, report))
        .map(v -> {
          LOG.info("Import {} (plausible) into site {}: {} daily rows read, {} stored, {} skipped", importId, site.id(), report.rowsRead(),
              report.rowsStored(), report.rowsSkipped());
          return new Result(importId, report, (System.nanoTime() - started) / 1e9);
        })
        .recover(err -> store.fail(importId, err.getMessage()).transform(x -> Future.failedFuture(err)));
  }

  /** Raw events: read, replayed, written with their sessions, then the site's rollups rebuilt. */
  private Future<Result> events(Site site, ImportSource source, int importId, List<Path> files, ImportReport report,
                                ImportProgress progress, long started) {
    return vertx.executeBlocking(() -> {
              List<VendorEvent> events = switch (source) {
                case UMAMI -> UmamiReader.read(files, report);
                case GA4 -> Ga4Reader.read(files, report);
                case SIGHTLINE -> SightlineReader.read(files, report);
                case PLAUSIBLE -> throw new IllegalStateException();
              };
              events.sort(Comparator.comparing(VendorEvent::ts).thenComparing(VendorEvent::eventKey));
              return events;
            }, false)
            .compose(events -> write(site, source, importId, events, report, progress))
            .compose(v -> {
              progress.update("rebuilding rollups", report.rowsStored(), report.rowsStored());
              return RollupRebuild.site(pool, site.id());
            })
            .compose(rebuilt -> store.finish(importId, report))
            .map(v -> {
              LOG.info("Import {} ({}) into site {}: {} rows read, {} stored, {} skipped", importId, source.id(), site.id(),
                  report.rowsRead(), report.rowsStored(), report.rowsSkipped());
              return new Result(importId, report, (System.nanoTime() - started) / 1e9);
            })
            .recover(err -> store.fail(importId, err.getMessage()).transform(x -> Future.failedFuture(err)));
  }

  /** Undoes an import: its rows removed, the site's rollups rebuilt (when it stored raw events). */
  public Future<ImportStore.ImportInfo> undo(int importId) {
    return store.undo(importId).compose(info -> ImportSource.PLAUSIBLE.id().equals(info.source()) ? Future.succeededFuture(info)
        : RollupRebuild.site(pool, info.siteId()).map(info));
  }

  private Future<Void> write(Site site, ImportSource source, int importId, List<VendorEvent> events, ImportReport report,
                             ImportProgress progress) {
    EventReplay replay = new EventReplay(site, source, ingest, report);
    Future<Void> partitions = events.isEmpty() ? Future.succeededFuture()
        : store.ensurePartitions(events.get(0).ts(), events.get(events.size() - 1).ts());
    return partitions.compose(v -> chunk(replay, importId, events, 0, progress))
        .compose(v -> {
          List<SessionRow> sessions = replay.sessions();
          Future<Void> f = Future.succeededFuture();
          for (int i = 0; i < sessions.size(); i += CHUNK) {
            List<SessionRow> part = sessions.subList(i, Math.min(sessions.size(), i + CHUNK));
            f = f.compose(x -> ImportedRows.insertSessions(pool, importId, part));
          }
          return f;
        })
        .compose(v -> store.progress(importId, report));
  }

  /** Replays and writes the events from {@code from} on, a chunk at a time (replay on a worker thread). */
  private Future<Void> chunk(EventReplay replay, int importId, List<VendorEvent> events, int from, ImportProgress progress) {
    progress.update("importing", from, events.size());
    if (from >= events.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(events.size(), from + CHUNK);
    return vertx.executeBlocking(() -> {
      List<EventRecord> records = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        EventRecord r = replay.replay(events.get(i));
        if (r != null) {
          records.add(r);
        }
      }
      return records;
    }, true).compose(records -> ImportedRows.insertEvents(pool, importId, records))
        .compose(v -> (to / CHUNK) % 25 == 0 ? store.progress(importId, replay.report()) : Future.succeededFuture())
        .compose(v -> chunk(replay, importId, events, to, progress));
  }

  /** SHA-256 over the source and the files' bytes, in the order given: the same files give the same import. */
  static String contentHash(ImportSource source, List<Path> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(source.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] buffer = new byte[1 << 16];
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
          }
        } catch (java.nio.file.NoSuchFileException e) {
          throw ApiException.badRequest("no file " + f);
        }
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
