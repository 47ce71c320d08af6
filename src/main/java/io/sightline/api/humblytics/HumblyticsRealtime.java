package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsRoutes.Call;
import io.sightline.http.ApiException;
import io.sightline.realtime.MinuteCounts;
import io.sightline.realtime.RealtimeSnapshots;
import io.sightline.realtime.SiteSnapshot;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code traffic/realtime}: the in-memory realtime window (never PostgreSQL). {@code minutes} (1-60,
 * default 30) sets the window; {@code timezone} how minute starts are written; {@code limit} (1-50,
 * default 10) the length of the top lists. {@code active_visitors} are the visitors active in the
 * last 5 minutes (Sightline's "current visitors"), {@code visitors} those active in the window.
 *
 * <p>The {@code data} part depends only on the snapshot, the window, the limit and the zone, so it
 * is rendered once per snapshot and such triple (the snapshot bounds how many it keeps) and shared
 * by every poll of that snapshot; {@code meta} is written per request around it.
 */
final class HumblyticsRealtime {
  static final int DEFAULT_MINUTES = 30;
  private final RealtimeSnapshots snapshots;

  /** A memoized data part's key: what it depends on besides the snapshot. */
  private record Data(int minutes, int limit, ZoneId zone) {
  }

  HumblyticsRealtime(RealtimeSnapshots snapshots) {
    this.snapshots = snapshots;
  }

  Future<JsonObject> realtime(Call c) {
    int minutes = minutes(c.params().get("minutes"));
    ZoneId zone = HumblyticsParams.zone(c.params().get("timezone"));
    String timezone = c.params().get("timezone") == null ? "UTC" : c.params().get("timezone");
    int limit = HumblyticsParams.limit(c.params());
    SiteSnapshot s = snapshots.of(c.site());
    return Future.succeededFuture(new JsonObject()
        .put("meta", c.meta().put("generated_at", HumblyticsParams.META_INSTANT.format(s.takenAt())).put("minutes", minutes)
            .put("timezone", timezone).put("limit", limit))
        .put("data", s.memo(new Data(minutes, limit, zone), snapshot -> data(snapshot, minutes, limit, zone))));
  }

  static JsonObject data(SiteSnapshot s, int minutes, int limit, ZoneId zone) {
    Duration window = Duration.ofMinutes(minutes);
    Map<Long, Integer> byMinute = new HashMap<>();
    s.minutesWithin(window).forEach(m -> byMinute.put(m.minute(), m.pageviews()));
    long current = s.takenAt().getEpochSecond() / 60;
    JsonArray trend = new JsonArray();
    for (long m = current - minutes + 1; m <= current; m++) {
      trend.add(new JsonObject().put("bucket_start", Instant.ofEpochSecond(m * 60).atZone(zone).toOffsetDateTime()
          .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).put("page_views", byMinute.getOrDefault(m, 0)));
    }
    return new JsonObject()
        .put("active_visitors", s.activeCount(SiteSnapshot.CURRENT))
        .put("visitors", s.activeCount(window))
        .put("page_views", s.pageviews(window))
        .put("events", s.events(window))
        .put("pages", top(s, window, MinuteCounts::pages, "page", limit))
        .put("sources", top(s, window, MinuteCounts::sources, "source", limit))
        .put("countries", top(s, window, MinuteCounts::countries, "country", limit))
        .put("trend", trend);
  }

  private static JsonArray top(SiteSnapshot s, Duration window, Function<MinuteCounts, Map<String, Integer>> dimension, String name,
                               int limit) {
    JsonArray out = new JsonArray();
    s.top(window, dimension, limit).forEach((k, v) -> out.add(new JsonObject()
        .put(name, "(none)".equals(k) || "Direct / None".equals(k) ? HumblyticsQueries.UNKNOWN : k).put("page_views", v)));
    return out;
  }

  static int minutes(String raw) {
    if (raw == null) {
      return DEFAULT_MINUTES;
    }
    try {
      int m = Integer.parseInt(raw.trim());
      if (m >= 1 && m <= 60) {
        return m;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("minutes must be a whole number from 1 to 60");
  }
}
