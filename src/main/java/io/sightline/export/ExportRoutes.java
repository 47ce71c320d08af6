package io.sightline.export;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.Scope;
import io.sightline.http.ApiException;
import io.sightline.http.ErrorRenderer;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/export} (raw events, NDJSON or CSV) and {@code GET /api/export/plausible} (daily aggregates as a zip of
 * Plausible CE's {@code imported_*} CSV files). An admin key exports any site ({@code site} names it); a read key its own
 * site only. Errors are in Sightline's own shape, as the admin API's. The body is streamed: the next page of rows is read
 * only when the response's write queue has room, and the server compresses it when the client accepts gzip.
 */
public final class ExportRoutes {
  public static final String PATH = "/api/export";
  private static final Logger LOG = LoggerFactory.getLogger(ExportRoutes.class);

  private final Pool pool;
  private final SiteService sites;

  private final AggregateExport aggregates;

  public ExportRoutes(Pool pool, AggregateExport aggregates) {
    this.pool = pool;
    this.sites = new SiteService(pool);
    this.aggregates = aggregates;
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    router.route(PATH).handler(ErrorRenderer.DEFAULT.install());
    router.route(PATH + "/*").handler(ErrorRenderer.DEFAULT.install());
    router.get(PATH).handler(auth).handler(rateLimit).handler(this::events);
    router.get(PATH + "/plausible").handler(auth).handler(rateLimit).handler(this::plausible);
  }

  /** The site the request may export: an admin key's {@code site} parameter, a read key's own site. */
  private Future<Site> site(RoutingContext ctx) {
    ApiPrincipal caller = ApiPrincipal.of(ctx);
    String ref = ctx.request().getParam("site");
    if (!caller.has(Scope.ADMIN) && !caller.has(Scope.READ)) {
      return Future.failedFuture(ApiException.forbidden("Exports need a key with the 'admin' or 'read' scope"));
    }
    Future<java.util.Optional<Site>> found = ref == null || ref.isBlank()
        ? sites.find(caller.siteId()) : sites.resolve(ref.trim());
    return found.compose(s -> {
      if (s.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("no site " + ref));
      }
      if (!caller.has(Scope.ADMIN) && s.get().id() != caller.siteId()) {
        return Future.failedFuture(ApiException.forbidden("This API key belongs to another site"));
      }
      return Future.succeededFuture(s.get());
    });
  }

  private void events(RoutingContext ctx) {
    ExportFormat format;
    try {
      format = ExportFormat.parse(ctx.request().getParam("format"));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    site(ctx).onFailure(ctx::fail).onSuccess(site -> {
      ExportRange range;
      try {
        range = ExportRange.parse(ctx.request().getParam("from"), ctx.request().getParam("to"), site);
      } catch (ApiException e) {
        ctx.fail(e);
        return;
      }
      HttpServerResponse response = ctx.response();
      response.setChunked(true)
          .putHeader("Content-Type", format.contentType())
          .putHeader("Content-Disposition", "attachment; filename=\"" + site.domain() + "-events-" + range.from() + "-" + range.to()
              + "." + format.extension() + "\"");
      (format == ExportFormat.PARQUET ? ParquetExport.run(ctx.vertx(), pool, site.id(), range, bytes -> write(response, bytes))
          : EventExport.run(pool, site.id(), range, format, chunk -> write(response, Buffer.buffer(chunk))))
          .onSuccess(n -> response.end())
          .onFailure(err -> abort(ctx, err));
    });
  }

  private void plausible(RoutingContext ctx) {
    site(ctx).onFailure(ctx::fail).onSuccess(site -> {
      ExportRange range;
      try {
        range = ExportRange.parse(ctx.request().getParam("from"), ctx.request().getParam("to"), site);
      } catch (ApiException e) {
        ctx.fail(e);
        return;
      }
      aggregates.zip(site, range).onFailure(ctx::fail).onSuccess(zip -> ctx.response()
          .putHeader("Content-Type", "application/zip")
          .putHeader("Content-Disposition", "attachment; filename=\"" + site.domain() + "-plausible-" + range.from() + "-" + range.to()
              + ".zip\"")
          .end(Buffer.buffer(zip)));
    });
  }

  /** Writes a chunk; completes once the response can take more (its write queue drained), fails if the client went away. */
  static Future<Void> write(HttpServerResponse response, Buffer chunk) {
    if (response.closed()) {
      return Future.failedFuture("the client closed the connection");
    }
    response.write(chunk);
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    response.drainHandler(v -> drained.tryComplete());
    response.closeHandler(v -> drained.tryFail("the client closed the connection"));
    return drained.future();
  }

  /** A failure before the first byte is an error answer; after it, the only honest signal left is a cut connection. */
  private static void abort(RoutingContext ctx, Throwable err) {
    if (!ctx.response().headWritten()) {
      ctx.fail(err);
      return;
    }
    if (!ctx.response().closed()) {
      LOG.warn("Export stopped after its first bytes: {}", err.getMessage());
      ctx.response().reset();
    }
  }
}
