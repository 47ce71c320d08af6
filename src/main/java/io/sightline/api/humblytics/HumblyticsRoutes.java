package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsParams.Granularity;
import io.sightline.api.humblytics.HumblyticsParams.Range;
import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.event.Dimension;
import io.sightline.goal.GoalService;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.query.Filter;
import io.sightline.query.FunnelQuery;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.realtime.RealtimeSnapshots;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.sightline.api.humblytics.HumblyticsQueries.count;
import static io.sightline.api.humblytics.HumblyticsQueries.fraction;
import static io.sightline.api.humblytics.HumblyticsQueries.is;
import static io.sightline.api.humblytics.HumblyticsQueries.orUnknown;
import static io.sightline.api.humblytics.HumblyticsQueries.sessionShares;

/**
 * The Humblytics External Analytics API v1 (api-specs.md §1) under
 * {@code /api/external/v1/properties/{propertyId}}: a key with the {@code read} scope whose site id
 * is {@code propertyId} (else 403), errors in Humblytics' shape. Each endpoint is a few fixed engine
 * queries, renamed; clicks and forms are in {@link HumblyticsInteractions}, realtime in
 * {@link HumblyticsRealtime}, funnels in {@link FunnelQuery}.
 */
public final class HumblyticsRoutes {
  public static final String PREFIX = "/api/external/v1";
  static final String PROPERTY = PREFIX + "/properties/:propertyId";

  private final HumblyticsQueries queries;
  private final HumblyticsInteractions interactions;
  private final HumblyticsRealtime realtime;
  private final HumblyticsFunnels funnels;

  /** @param engine the server's engine on {@code pool}; {@code goals} likewise */
  public HumblyticsRoutes(Pool pool, QueryEngine engine, GoalService goals, RealtimeSnapshots snapshots) {
    this.queries = new HumblyticsQueries(engine);
    this.interactions = new HumblyticsInteractions(queries);
    this.realtime = new HumblyticsRealtime(snapshots);
    this.funnels = new HumblyticsFunnels(new FunnelQuery(pool), goals);
  }

  /** A request that passed authentication and the property check. */
  record Call(int site, String propertyId, MultiMap params) {
    JsonObject meta() {
      return new JsonObject().put("property_id", propertyId);
    }

    /** The common meta fields of a ranged endpoint (page, when given, right after the property). */
    JsonObject meta(Range r, String page) {
      JsonObject meta = meta();
      if (page != null) {
        meta.put("page", page);
      }
      return meta.put("start", r.metaStart()).put("end", r.metaEndText());
    }
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    router.route(PREFIX + "/*").handler(new HumblyticsErrorRenderer().install()); // before auth: 401s in Humblytics' shape too
    Map<String, Function<Call, Future<JsonObject>>> endpoints = new java.util.LinkedHashMap<>();
    endpoints.put("/traffic/trends", this::trends);
    endpoints.put("/traffic/breakdown", this::breakdown);
    endpoints.put("/traffic/summary", this::summary);
    endpoints.put("/traffic/entry-exit-pages", this::entryExit);
    endpoints.put("/traffic/realtime", realtime::realtime);
    endpoints.put("/clicks/breakdown", interactions::clicksBreakdown);
    endpoints.put("/clicks/details", interactions::clicksDetails);
    endpoints.put("/forms/breakdown", interactions::formsBreakdown);
    endpoints.put("/forms/details", interactions::formsDetails);
    endpoints.put("/pages/breakdown", this::pagesBreakdown);
    endpoints.put("/pages/details", this::pageDetails);
    endpoints.put("/funnels", funnels::funnel);
    endpoints.forEach((path, endpoint) -> router.get(PROPERTY + path).handler(auth).handler(rateLimit)
        .handler(RequireScope.of(Scope.READ)).handler(ctx -> serve(ctx, endpoint)));
  }

  private static void serve(RoutingContext ctx, Function<Call, Future<JsonObject>> endpoint) {
    Future<JsonObject> answer;
    try {
      String propertyId = ctx.pathParam("propertyId");
      int site = ApiPrincipal.of(ctx).siteId();
      if (!Integer.toString(site).equals(propertyId)) {
        throw ApiException.forbidden("The property id does not match this API key's property");
      }
      answer = endpoint.apply(new Call(site, propertyId, ctx.request().params()));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    answer.onSuccess(body -> JsonResponses.send(ctx, 200, body)).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- traffic

  private Future<JsonObject> trends(Call c) {
    Range r = HumblyticsParams.range(c.params());
    Granularity g = Granularity.parse(c.params().get("granularity"));
    List<LocalDateTime> buckets = r.buckets(g);
    List<Metric> metrics = List.of(Metric.PAGEVIEWS, Metric.VISITORS);
    Future<JsonArray> trend = queries.trend(c.site(), r, g, buckets, List.of(), metrics, List.of("page_views", "unique_visitors"));
    Future<Map<String, Object>> totals = queries.totals(c.site(), r, metrics, List.of());
    return Future.all(trend, totals).map(v -> new JsonObject()
        .put("meta", c.meta(r, null).put("granularity", g.id()).put("timezone", r.timezone()).put("bucket_count", buckets.size()))
        .put("data", new JsonObject().put("buckets", trend.result()).put("totals", new JsonObject()
            .put("page_views", count(totals.result(), Metric.PAGEVIEWS)).put("unique_visitors", count(totals.result(), Metric.VISITORS)))));
  }

  private Future<JsonObject> breakdown(Call c) {
    Range r = HumblyticsParams.range(c.params());
    int limit = HumblyticsParams.limit(c.params());
    int site = c.site();
    List<Metric> sessions = List.of(Metric.SESSIONS);
    Future<Map<String, Object>> total = queries.totals(site, r, sessions, List.of());
    Future<List<Map<String, Object>>> utm = queries.rows(site, r, List.of(Metric.SESSIONS, Metric.PAGEVIEWS),
        List.of(Dimension.UTM_SOURCE, Dimension.UTM_MEDIUM, Dimension.UTM_CAMPAIGN), List.of(), limit);
    Future<List<Map<String, Object>>> countries = queries.rows(site, r, sessions, List.of(Dimension.COUNTRY), List.of(), limit);
    Future<List<Map<String, Object>>> devices = queries.rows(site, r, sessions, List.of(Dimension.DEVICE), List.of(), Integer.MAX_VALUE);
    Future<List<Map<String, Object>>> landing = queries.rows(site, r, sessions, List.of(Dimension.ENTRY_PAGE), List.of(), limit);
    Future<List<Map<String, Object>>> referrers = queries.rows(site, r, sessions, List.of(Dimension.REFERRER_URL), List.of(), limit);
    return Future.all(List.of(total, utm, countries, devices, landing, referrers)).map(v -> {
      long all = count(total.result(), Metric.SESSIONS);
      return new JsonObject()
          .put("meta", c.meta(r, null).put("timezone", r.timezone()).put("limit", limit))
          .put("data", new JsonObject()
              .put("utm", HumblyticsQueries.utm(utm.result(), all))
              .put("countries", sessionShares(countries.result(), Dimension.COUNTRY, "country", all))
              .put("devices", HumblyticsQueries.devices(devices.result(), all, limit))
              .put("landing_pages", sessionShares(landing.result(), Dimension.ENTRY_PAGE, "page", all))
              .put("referrers", sessionShares(referrers.result(), Dimension.REFERRER_URL, "referrer", all)));
    });
  }

  private Future<JsonObject> summary(Call c) {
    Range r = HumblyticsParams.range(c.params());
    return queries.totals(c.site(), r, List.of(Metric.PAGEVIEWS, Metric.VISITORS, Metric.SESSIONS, Metric.VIEWS_PER_VISIT,
        Metric.BOUNCE_RATE, Metric.AVG_DURATION), List.of()).map(t -> new JsonObject()
        .put("meta", c.meta(r, null).put("timezone", r.timezone()))
        .put("data", new JsonObject()
            .put("page_views", count(t, Metric.PAGEVIEWS))
            .put("unique_visitors", count(t, Metric.VISITORS))
            .put("sessions", count(t, Metric.SESSIONS))
            .put("views_per_session", ((Number) t.get(Metric.VIEWS_PER_VISIT.id())).doubleValue())
            .put("bounce_rate", fraction(t.get(Metric.BOUNCE_RATE.id())))
            .put("avg_session_duration", count(t, Metric.AVG_DURATION))));
  }

  private Future<JsonObject> entryExit(Call c) {
    Range r = HumblyticsParams.range(c.params());
    int limit = HumblyticsParams.limit(c.params());
    List<Metric> sessions = List.of(Metric.SESSIONS);
    Future<Map<String, Object>> total = queries.totals(c.site(), r, sessions, List.of());
    Future<List<Map<String, Object>>> entry = queries.rows(c.site(), r, sessions, List.of(Dimension.ENTRY_PAGE), List.of(), limit);
    Future<List<Map<String, Object>>> exit = queries.rows(c.site(), r, sessions, List.of(Dimension.EXIT_PAGE), List.of(), limit);
    return Future.all(total, entry, exit).map(v -> {
      long all = count(total.result(), Metric.SESSIONS);
      return new JsonObject().put("meta", c.meta(r, null).put("timezone", r.timezone()).put("limit", limit))
          .put("data", new JsonObject()
              .put("entry_pages", sessionShares(entry.result(), Dimension.ENTRY_PAGE, "page", all))
              .put("exit_pages", sessionShares(exit.result(), Dimension.EXIT_PAGE, "page", all)));
    });
  }

  // ---------------------------------------------------------------- pages

  private static final List<Metric> PAGE_METRICS = List.of(Metric.PAGEVIEWS, Metric.VISITORS, Metric.AVG_SCROLL, Metric.BOUNCE_RATE,
      Metric.TIME_ON_PAGE);

  private static JsonObject pageRow(Map<String, Object> row) {
    return new JsonObject()
        .put("page_views", count(row, Metric.PAGEVIEWS))
        .put("unique_visitors", count(row, Metric.VISITORS))
        .put("avg_scroll_depth", row.get(Metric.AVG_SCROLL.id()))
        .put("bounce_rate", fraction(row.get(Metric.BOUNCE_RATE.id())))
        .put("avg_time_on_page", row.get(Metric.TIME_ON_PAGE.id()));
  }

  private Future<JsonObject> pagesBreakdown(Call c) {
    Range r = HumblyticsParams.range(c.params());
    int limit = HumblyticsParams.limit(c.params());
    return queries.rows(c.site(), r, PAGE_METRICS, List.of(Dimension.PAGE), List.of(), limit).map(rows -> {
      JsonArray pages = new JsonArray();
      rows.forEach(row -> pages.add(new JsonObject().put("page", orUnknown(row.get(Dimension.PAGE.id()))).mergeIn(pageRow(row))));
      return new JsonObject().put("meta", c.meta(r, null).put("timezone", r.timezone()).put("limit", limit))
          .put("data", new JsonObject().put("pages", pages));
    });
  }

  private Future<JsonObject> pageDetails(Call c) {
    Range r = HumblyticsParams.range(c.params());
    String page = HumblyticsParams.page(c.params());
    int limit = HumblyticsParams.limit(c.params());
    int site = c.site();
    List<Filter> onPage = List.of(is(Dimension.PAGE, page));
    List<Metric> sessions = List.of(Metric.SESSIONS);
    Future<Map<String, Object>> totals = queries.totals(site, r, concat(PAGE_METRICS, Metric.SESSIONS), onPage);
    Future<List<Map<String, Object>>> utm = queries.rows(site, r, List.of(Metric.SESSIONS, Metric.PAGEVIEWS),
        List.of(Dimension.UTM_SOURCE, Dimension.UTM_MEDIUM, Dimension.UTM_CAMPAIGN), onPage, limit);
    Future<List<Map<String, Object>>> devices = queries.rows(site, r, sessions, List.of(Dimension.DEVICE), onPage, Integer.MAX_VALUE);
    Future<List<Map<String, Object>>> countries = queries.rows(site, r, sessions, List.of(Dimension.COUNTRY), onPage, limit);
    return Future.all(totals, utm, devices, countries).map(v -> {
      long all = count(totals.result(), Metric.SESSIONS);
      JsonObject data = new JsonObject().put("page", page).mergeIn(pageRow(totals.result())).put("sessions", all)
          .put("utm", HumblyticsQueries.utm(utm.result(), all))
          .put("devices", HumblyticsQueries.devices(devices.result(), all, limit))
          .put("countries", sessionShares(countries.result(), Dimension.COUNTRY, "country", all));
      return new JsonObject().put("meta", c.meta(r, page).put("timezone", r.timezone()).put("limit", limit)).put("data", data);
    });
  }

  static <T> List<T> concat(List<T> list, T extra) {
    List<T> out = new java.util.ArrayList<>(list);
    out.add(extra);
    return List.copyOf(out);
  }
}
