package io.sightline.api.datalyr;

import io.sightline.ingest.enrich.Referrers;
import io.sightline.realtime.ActiveVisitor;
import io.sightline.realtime.MinuteCounts;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.SiteSnapshot;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code /realtime}: the last {@code time_window} minutes (1-60, default 30) of the in-memory
 * realtime window, never PostgreSQL. {@code active_visitors}: visitors whose last event is within
 * the window; {@code pageviews}; {@code events}: the other counted events (clicks, forms, custom);
 * {@code revenue}: the sum of the window's revenue (a site sends one currency); top pages, sources
 * (named by domain, {@link DatalyrSources}) and countries by pageviews (10 each); up to 100 visitors, most recent first; the timeline counts,
 * for each minute of the window, the active visitors whose last event fell in it.
 *
 * <p>The body depends only on the snapshot and the window, so it is rendered once per snapshot and
 * window (at most 60 per snapshot) and shared by every poll of that snapshot: it must not be
 * modified on its way out.
 */
public final class DatalyrRealtime {
  static final int TOP = 10;
  static final int MAX_VISITORS = 100;

  private final RealtimeSnapshots snapshots;
  private final DatalyrSources sources;

  /** A memoized body's key: the window is all a body depends on besides the snapshot. */
  private record Window(int minutes) {
  }

  /** @param referrers the referrer list ingestion names sources by, for naming them by domain */
  public DatalyrRealtime(RealtimeSnapshots snapshots, Referrers referrers) {
    this.snapshots = snapshots;
    this.sources = new DatalyrSources(referrers);
  }

  Future<JsonObject> realtime(RoutingContext ctx, Site site) {
    return DatalyrRoutes.guarded(() -> {
      int minutes = DatalyrParams.integer(ctx.request().params(), "time_window", 30, 1, 60);
      return Future.succeededFuture(body(snapshots.of(site.id()), minutes));
    });
  }

  /** The body for this snapshot and window, rendered once per snapshot and window. */
  JsonObject body(SiteSnapshot s, int minutes) {
    return s.memo(new Window(minutes), snapshot -> render(snapshot, minutes));
  }

  private JsonObject render(SiteSnapshot s, int minutes) {
    Duration window = Duration.ofMinutes(minutes);
    List<ActiveVisitor> active = s.activeWithin(window);
    BigDecimal revenue = s.revenue(window).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    JsonArray visitors = new JsonArray();
    active.stream().limit(MAX_VISITORS).forEach(v -> visitors.add(new JsonObject()
        .put("visitor_id", Long.toString(v.visitorId())).put("country", v.country()).put("city", v.city())
        .put("current_page", v.currentPage()).put("device", v.device()).put("browser", v.browser())
        .put("referrer", sources.name(v.source()))
        .put("first_seen", v.firstSeen().toString()).put("last_seen", v.lastSeen().toString())
        .put("total_events", v.events()).put("session_duration_seconds", v.durationSeconds())));
    JsonArray timeline = new JsonArray();
    long current = s.takenAt().getEpochSecond() / 60;
    for (long m = current - minutes + 1; m <= current; m++) { // every visitor last seen in one of these minutes is active in the window
      timeline.add(new JsonObject().put("minute", Instant.ofEpochSecond(m * 60).toString()).put("visitors", s.visitorsLastSeenIn(m)));
    }
    JsonArray pages = new JsonArray();
    s.top(window, MinuteCounts::pages, TOP).forEach((k, v) -> pages.add(new JsonObject().put("path", k).put("count", v)));
    JsonArray referrers = new JsonArray();
    s.top(window, MinuteCounts::sources, TOP).forEach((k, v) -> referrers.add(new JsonObject()
        .put("name", sources.name(k)).put("count", v)));
    JsonArray locations = new JsonArray();
    s.top(window, MinuteCounts::countries, TOP).forEach((k, v) -> locations.add(new JsonObject()
        .put("name", k == null || k.length() != 2 ? k : DatalyrReports.countryName(k)).put("count", v)));
    int pageviews = s.pageviews(window);
    return new JsonObject().put("active_visitors", active.size()).put("pageviews", pageviews).put("events", s.events(window) - pageviews)
        .put("revenue", revenue.setScale(2, RoundingMode.HALF_UP).doubleValue()).put("top_pages", pages).put("top_referrers", referrers)
        .put("top_locations", locations).put("visitors", visitors).put("timeline", timeline).put("time_window", minutes)
        .put("timestamp", s.takenAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
  }
}
