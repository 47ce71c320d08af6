package io.sightline.tracker;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the tracker: {@code /js/sightline.js} (the stable path for the snippet, cached for an
 * hour and revalidated by ETag) and {@code /js/sightline.<hash>.js} (cached for a year, for sites
 * that pin a version). Compressed when the browser accepts it.
 */
public final class TrackerRoutes {
  public static final String PATH = "/js/sightline.js";
  private final TrackerScript script;
  private final String etag;

  public TrackerRoutes(TrackerScript script) {
    this.script = script;
    this.etag = "\"" + script.hash() + "\"";
  }

  public String versionedPath() {
    return "/js/sightline." + script.hash() + ".js";
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> serve(ctx, "public, max-age=3600"));
    router.get(versionedPath()).handler(ctx -> serve(ctx, "public, max-age=31536000, immutable"));
  }

  private void serve(RoutingContext ctx, String cacheControl) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, cacheControl).putHeader(HttpHeaders.ETAG, etag)
        .putHeader("X-Content-Type-Options", "nosniff");
    if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/javascript; charset=utf-8").end(script.body());
  }
}
