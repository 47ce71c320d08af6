package io.sightline.imports;

import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The admin API's imports (on the admin router, so behind its key, scope, rate limit and body limit): an upload that runs as
 * a background job, its progress, the site's list, undo.
 * <ul>
 *   <li>{@code POST /sites/{site}/imports?source=umami|ga4|sightline|plausible}: the body is the export, a zip of its files
 *   ({@code Content-Type: application/zip}) or one file; at most {@code http.maxBodyBytes}. 202 with the import's id
 *   once it is recorded; the rest runs in the background.</li>
 *   <li>{@code GET /imports/{id}}: the import's state and counts, and while this server runs it, its progress.</li>
 *   <li>{@code GET /sites/{site}/imports}: the site's imports. {@code DELETE /imports/{id}}: undo.</li>
 * </ul>
 */
public final class ImportRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ImportRoutes.class);

  /** Where a running job is (this process's jobs only). */
  private record Progress(String phase, long done, long total, long startedNanos) {
    JsonObject toJson() {
      double seconds = (System.nanoTime() - startedNanos) / 1e9;
      return new JsonObject().put("phase", phase).put("done", done).put("total", total)
          .put("rows_per_second", seconds > 0 ? Math.round(done / seconds) : 0);
    }
  }

  private final Vertx vertx;
  private final Importer importer;
  private final SiteService sites;
  private final Map<Integer, Progress> running = new ConcurrentHashMap<>();

  public ImportRoutes(Vertx vertx, Importer importer, SiteService sites) {
    this.vertx = vertx;
    this.importer = importer;
    this.sites = sites;
  }

  /** Mounts the routes; imports this server was running when it stopped are marked failed ({@link ImportStore#failInterrupted}). */
  public void mount(Router admin) {
    importer.store().failInterrupted()
        .onSuccess(ids -> {
          if (!ids.isEmpty()) {
            LOG.warn("Imports {} were interrupted by a stop and are marked failed", ids);
          }
        })
        .onFailure(err -> LOG.warn("Could not mark interrupted imports failed: {}", err.getMessage()));
    admin.post("/sites/:site/imports").handler(this::upload);
    admin.get("/sites/:site/imports").handler(this::list);
    admin.get("/imports/:id").handler(this::get);
    admin.delete("/imports/:id").handler(this::undo);
  }

  private Future<Site> site(RoutingContext ctx) {
    String ref = ctx.pathParam("site");
    return sites.resolve(ref).compose(s -> s.<Future<Site>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }

  private static int id(RoutingContext ctx) {
    try {
      return Integer.parseInt(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no import " + ctx.pathParam("id"));
    }
  }

  private void upload(RoutingContext ctx) {
    ImportSource source;
    try {
      source = ImportSource.parse(ctx.request().getParam("source"));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      ctx.fail(ApiException.badRequest("the body must be the export: a zip of its files, or one file"));
      return;
    }
    boolean zip = String.valueOf(ctx.request().getHeader("Content-Type")).startsWith("application/zip");
    String name = ctx.request().getParam("name") == null ? "upload" : Path.of(ctx.request().getParam("name")).getFileName().toString();
    long t0 = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger job = new java.util.concurrent.atomic.AtomicInteger();
    ImportProgress progress = (phase, done, total) -> {
      int id = job.get();
      if (id != 0) {
        running.computeIfPresent(id, (k, old) -> new Progress(phase, done, total, t0));
      }
    };
    site(ctx).compose(site -> vertx.executeBlocking(() -> unpack(body.getBytes(), zip, name), false)
            .compose(dir -> vertx.executeBlocking(() -> files(dir), false).onFailure(err -> delete(dir))
            .compose(files -> importer.start(site, source, files, progress)).map(started -> {
              int id = started.importId();
              running.put(id, new Progress("reading", 0, 0, t0));
              job.set(id);
              started.done().onComplete(r -> {
                running.remove(id);
                delete(dir);
                if (r.failed()) {
                  LOG.warn("Import {} failed: {}", id, r.cause().getMessage());
                }
              });
              return id;
            }).onFailure(err -> delete(dir))))
        .onSuccess(id -> JsonResponses.send(ctx, 202, new JsonObject().put("id", id).put("status", "running")
            .put("progress", "/admin/v1/imports/" + id)))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    int id = id(ctx);
    importer.store().find(id).onFailure(ctx::fail).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(ApiException.notFound("no import " + id));
        return;
      }
      JsonObject json = found.get().toJson();
      Progress p = running.get(id);
      JsonResponses.send(ctx, 200, p == null ? json : json.put("progress", p.toJson()));
    });
  }

  private void list(RoutingContext ctx) {
    site(ctx).compose(site -> importer.store().list(site.id()))
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonObject().put("imports",
            new JsonArray(list.stream().map(ImportStore.ImportInfo::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void undo(RoutingContext ctx) {
    int id = id(ctx);
    if (running.containsKey(id)) {
      ctx.fail(ApiException.conflict("import " + id + " is running: undo it once it has finished"));
      return;
    }
    importer.undo(id).onSuccess(info -> JsonResponses.send(ctx, 200, info.toJson())).onFailure(ctx::fail);
  }

  /** The upload's files in a new temporary directory: a zip's entries (by their base names), or the body as one file. */
  private static Path unpack(byte[] body, boolean zip, String name) {
    try {
      Path dir = Files.createTempDirectory("sightline-import-");
      if (!zip) {
        Files.write(dir.resolve(name), body);
        return dir;
      }
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(body))) {
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          if (!e.isDirectory()) {
            Path target = dir.resolve(Path.of(e.getName()).getFileName().toString()); // base name only: no path leaves the directory
            Files.copy(in, target);
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        delete(dir);
        throw ApiException.badRequest("the body is not a readable zip: " + e.getMessage());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = new ArrayList<>(s.sorted(Comparator.comparing(Path::toString)).toList());
      if (files.isEmpty()) {
        throw ApiException.badRequest("the zip holds no file");
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete the upload directory {}: {}", dir, e.getMessage());
    }
  }
}
