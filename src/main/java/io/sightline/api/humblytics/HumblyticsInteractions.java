package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsParams.Granularity;
import io.sightline.api.humblytics.HumblyticsParams.Range;
import io.sightline.api.humblytics.HumblyticsRoutes.Call;
import io.sightline.event.Dimension;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sightline.api.humblytics.HumblyticsQueries.count;
import static io.sightline.api.humblytics.HumblyticsQueries.is;
import static io.sightline.api.humblytics.HumblyticsQueries.orUnknown;
import static io.sightline.api.humblytics.HumblyticsQueries.share;

/**
 * Clicks and forms (api-specs.md §1.7-1.10), one implementation for both: the engine's
 * {@code event_type} filter selects the clicks (form submissions), {@code event_page} groups them by
 * the page they happened on, {@code click_target} / {@code form_target} by target. Counts are the
 * engine's {@code events} (the clicks or submissions), unique counts its {@code sessions} (distinct
 * sessions with such an event).
 */
final class HumblyticsInteractions {
  /** What differs between clicks and forms: the event type, the target dimension and the field names. */
  record Kind(String type, Dimension target, String count, String unique, String targetsList, String detailsList) {
  }

  static final Kind CLICKS = new Kind("click", Dimension.CLICK_TARGET, "clicks", "unique_clicks", "targets", "clicks");
  static final Kind FORMS = new Kind("form", Dimension.FORM_TARGET, "submissions", "unique_submissions", "forms", "forms");
  private static final List<Metric> COUNTS = List.of(Metric.EVENTS, Metric.SESSIONS);

  private final HumblyticsQueries queries;

  HumblyticsInteractions(HumblyticsQueries queries) {
    this.queries = queries;
  }

  Future<JsonObject> clicksBreakdown(Call c) {
    return breakdown(c, CLICKS);
  }

  Future<JsonObject> formsBreakdown(Call c) {
    return breakdown(c, FORMS);
  }

  Future<JsonObject> clicksDetails(Call c) {
    return details(c, CLICKS);
  }

  Future<JsonObject> formsDetails(Call c) {
    return details(c, FORMS);
  }

  private JsonObject counts(Kind k, Map<String, Object> row) {
    return new JsonObject().put(k.count(), count(row, Metric.EVENTS)).put(k.unique(), count(row, Metric.SESSIONS));
  }

  /** Top pages by count, each with its top targets, and the trend of all of them. */
  private Future<JsonObject> breakdown(Call c, Kind k) {
    Range r = HumblyticsParams.range(c.params());
    Granularity g = Granularity.parse(c.params().get("granularity"));
    List<LocalDateTime> buckets = r.buckets(g);
    int limit = HumblyticsParams.limit(c.params());
    List<Filter> ofType = List.of(is(Dimension.EVENT_TYPE, k.type()));
    Future<JsonArray> trend = queries.trend(c.site(), r, g, buckets, ofType, COUNTS, List.of(k.count(), k.unique()));
    Future<JsonArray> pages = queries.rows(c.site(), r, COUNTS, List.of(Dimension.EVENT_PAGE), ofType, limit).compose(rows -> {
      List<Future<List<Map<String, Object>>>> targets = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        targets.add(queries.rows(c.site(), r, COUNTS, List.of(k.target()),
            List.of(is(Dimension.EVENT_TYPE, k.type()), is(Dimension.EVENT_PAGE, (String) row.get(Dimension.EVENT_PAGE.id()))), limit));
      }
      return Future.all(targets).map(v -> {
        JsonArray out = new JsonArray();
        for (int i = 0; i < rows.size(); i++) {
          JsonArray list = new JsonArray();
          targets.get(i).result().forEach(t -> list.add(new JsonObject().put("target", orUnknown(t.get(k.target().id()))).mergeIn(counts(k, t))));
          out.add(new JsonObject().put("page", orUnknown(rows.get(i).get(Dimension.EVENT_PAGE.id()))).mergeIn(counts(k, rows.get(i)))
              .put(k.targetsList(), list));
        }
        return out;
      });
    });
    return Future.all(trend, pages).map(v -> new JsonObject()
        .put("meta", c.meta(r, null).put("granularity", g.id()).put("timezone", r.timezone()).put("bucket_count", buckets.size())
            .put("limit", limit))
        .put("data", new JsonObject().put("pages", pages.result()).put("trend", trend.result())));
  }

  /** One page: its targets with their share of the page's count (clicks with a UTM breakdown), and its trend. */
  private Future<JsonObject> details(Call c, Kind k) {
    Range r = HumblyticsParams.range(c.params());
    String page = HumblyticsParams.page(c.params());
    Granularity g = Granularity.parse(c.params().get("granularity"));
    List<LocalDateTime> buckets = r.buckets(g);
    int limit = HumblyticsParams.limit(c.params());
    List<Filter> onPage = List.of(is(Dimension.EVENT_TYPE, k.type()), is(Dimension.EVENT_PAGE, page));
    Future<JsonArray> trend = queries.trend(c.site(), r, g, buckets, onPage, COUNTS, List.of(k.count(), k.unique()));
    Future<Map<String, Object>> total = queries.totals(c.site(), r, List.of(Metric.EVENTS), onPage);
    Future<List<Map<String, Object>>> targets = queries.rows(c.site(), r, COUNTS, List.of(k.target()), onPage, limit);
    Future<List<JsonArray>> utm = k == CLICKS ? targets.compose(rows -> {
      List<Future<JsonArray>> each = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        List<Filter> filters = new ArrayList<>(onPage);
        filters.add(is(k.target(), (String) row.get(k.target().id())));
        each.add(queries.rows(c.site(), r, List.of(Metric.EVENTS), List.of(Dimension.UTM_SOURCE, Dimension.UTM_MEDIUM,
            Dimension.UTM_CAMPAIGN), filters, limit).map(HumblyticsInteractions::utmClicks));
      }
      return Future.all(each).map(v -> each.stream().map(Future::result).toList());
    }) : Future.succeededFuture(null);
    // each target's secondary label (href, element id, form action): its most frequent one on the page
    Future<List<Object>> secondaries = targets.compose(rows -> {
      List<Future<Object>> each = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        List<Filter> filters = new ArrayList<>(onPage);
        filters.add(is(k.target(), (String) row.get(k.target().id())));
        each.add(queries.rows(c.site(), r, List.of(Metric.EVENTS), List.of(Dimension.TARGET_SECONDARY), filters, 1)
            .map(top -> top.isEmpty() ? null : top.get(0).get(Dimension.TARGET_SECONDARY.id())));
      }
      return Future.all(each).map(v -> each.stream().map(Future::result).toList());
    });
    return Future.all(List.of(trend, total, targets, utm, secondaries)).map(v -> {
      long all = count(total.result(), Metric.EVENTS);
      JsonArray list = new JsonArray();
      List<Map<String, Object>> rows = targets.result();
      for (int i = 0; i < rows.size(); i++) {
        Map<String, Object> row = rows.get(i);
        JsonObject item = new JsonObject().put("target", orUnknown(row.get(k.target().id()))).put("secondary", orUnknown(secondaries.result().get(i)))
            .mergeIn(counts(k, row));
        if (k == CLICKS) {
          item.put("unique_sessions", count(row, Metric.SESSIONS));
        }
        item.put("share", share(count(row, Metric.EVENTS), all));
        if (k == CLICKS) {
          item.put("utm_breakdown", utm.result().get(i));
        }
        list.add(item);
      }
      return new JsonObject()
          .put("meta", c.meta(r, page).put("granularity", g.id()).put("timezone", r.timezone()).put("bucket_count", buckets.size())
              .put("limit", limit))
          .put("data", new JsonObject().put(k.detailsList(), list).put("trend", trend.result()));
    });
  }

  private static JsonArray utmClicks(List<Map<String, Object>> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(row -> out.add(new JsonObject().put("utm_source", orUnknown(row.get(Dimension.UTM_SOURCE.id())))
        .put("utm_medium", orUnknown(row.get(Dimension.UTM_MEDIUM.id())))
        .put("utm_campaign", orUnknown(row.get(Dimension.UTM_CAMPAIGN.id())))
        .put("clicks", count(row, Metric.EVENTS))));
    return out;
  }
}
