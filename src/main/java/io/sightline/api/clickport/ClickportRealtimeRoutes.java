package io.sightline.api.clickport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.http.JsonResponses;
import io.sightline.http.ReasonPhraseErrorRenderer;
import io.sightline.realtime.ActiveVisitor;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.SiteSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.List;

/**
 * Clickport's {@code GET /api/realtime} (api-specs.md §5.5): visitors active in the last 5
 * minutes, with up to 20 of them, most recent first; and {@code GET /api/realtime/stream}, the
 * same body as server-sent events every 2 seconds for dashboards that would rather not poll (the
 * stream ends after 10 minutes; EventSource reconnects by itself). Both read the in-memory
 * snapshot, never PostgreSQL. Key with the {@code read} scope; the key's site.
 *
 * <p>The body and the event frame are encoded once per snapshot (memoized with it) into buffers
 * that every poll and every stream of the site writes as they are; a site without current
 * visitors answers with one shared empty body.
 */
public final class ClickportRealtimeRoutes {
  static final int MAX_VISITORS = 20;
  static final long STREAM_INTERVAL_MS = 2000;
  static final long STREAM_LIFETIME_MS = 600_000;
  private static final Buffer RETRY = Buffer.buffer("retry: 2000\n\n");
  static final Buffer EMPTY_BODY = encode(SiteSnapshot.empty(0, Instant.EPOCH));
  static final Buffer EMPTY_FRAME = frame(EMPTY_BODY);

  /** What the memoized renderings of a snapshot are kept under. */
  private enum Rendering { BODY, FRAME }

  private final RealtimeSnapshots snapshots;

  public ClickportRealtimeRoutes(RealtimeSnapshots snapshots, MeterRegistry registry) {
    this.snapshots = snapshots;
    Gauge.builder("sightline_realtime_snapshot_age_seconds", snapshots, RealtimeSnapshots::ageSeconds)
        .description("Seconds since the realtime snapshots were last published").register(registry);
  }

  public void mount(Router router, Vertx vertx, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    router.route("/api/realtime*").handler(new ReasonPhraseErrorRenderer().install()); // vertx-web wants auth first on a route
    router.get("/api/realtime").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::realtime);
    router.get("/api/realtime/stream").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ))
        .handler(ctx -> stream(ctx, vertx));
  }

  private void realtime(RoutingContext ctx) {
    JsonResponses.send(ctx, 200, body(snapshots.of(ApiPrincipal.of(ctx).siteId())));
  }

  private void stream(RoutingContext ctx, Vertx vertx) {
    stream(ctx, vertx, ApiPrincipal.of(ctx).siteId());
  }

  /** The site's realtime body as server-sent events (the dashboard's live counter reads the same stream). */
  public void stream(RoutingContext ctx, Vertx vertx, int siteId) {
    HttpServerResponse response = ctx.response().setChunked(true)
        .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
    response.write(RETRY);
    long started = System.currentTimeMillis();
    long timer = vertx.setPeriodic(1, STREAM_INTERVAL_MS, id -> {
      if (response.closed() || response.ended()) {
        vertx.cancelTimer(id);
      } else if (System.currentTimeMillis() - started > STREAM_LIFETIME_MS) {
        vertx.cancelTimer(id);
        response.end();
      } else if (!response.writeQueueFull()) {
        response.write(frame(snapshots.of(siteId)));
      }
    });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  /** The encoded body for this snapshot: rendered once per snapshot, then the same buffer for every poll. */
  static Buffer body(SiteSnapshot snapshot) {
    return snapshot.activeCount(SiteSnapshot.CURRENT) == 0 ? EMPTY_BODY : snapshot.memo(Rendering.BODY, ClickportRealtimeRoutes::encode);
  }

  /** The server-sent event carrying {@link #body}: {@code data: <body>} and a blank line, once per snapshot. */
  static Buffer frame(SiteSnapshot snapshot) {
    return snapshot.activeCount(SiteSnapshot.CURRENT) == 0 ? EMPTY_FRAME : snapshot.memo(Rendering.FRAME, s -> frame(body(s)));
  }

  /** As {@code JsonResponses.send} writes it: the encoded string in UTF-8. */
  private static Buffer encode(SiteSnapshot snapshot) {
    return Buffer.buffer(json(snapshot).encode());
  }

  private static Buffer frame(Buffer body) {
    return Buffer.buffer(body.length() + 8).appendString("data: ").appendBuffer(body).appendString("\n\n");
  }

  static JsonObject json(SiteSnapshot snapshot) {
    List<ActiveVisitor> active = snapshot.activeWithin(SiteSnapshot.CURRENT);
    JsonArray visitors = new JsonArray();
    active.stream().limit(MAX_VISITORS).forEach(v -> visitors.add(new JsonObject()
        .put("session_id", v.sessionId())
        .put("entry_page", v.entryPage())
        .put("exit_page", v.currentPage())
        .put("pageviews", v.pageviews())
        .put("duration", v.durationSeconds())
        .put("source", v.source())
        .put("country", v.country())
        .put("city", v.city())
        .put("device", ClickportDevices.shown(v.device()))
        .put("browser", v.browser())
        .put("os", v.os())
        .put("scroll", v.scroll())));
    return new JsonObject().put("count", active.size()).put("visitors", visitors);
  }
}
