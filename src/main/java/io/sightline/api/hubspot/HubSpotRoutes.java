package io.sightline.api.hubspot;

import io.sightline.auth.ApiKeyAuthHandler;
import io.sightline.auth.ApiPrincipal;
import io.sightline.auth.RateLimitHandler;
import io.sightline.auth.RequireScope;
import io.sightline.auth.Scope;
import io.sightline.event.Dimension;
import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalService;
import io.sightline.http.ApiException;
import io.sightline.http.JsonResponses;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * HubSpot Analytics API v2 (api-specs.md §2) under {@code /analytics/v2}: reports by breakdown
 * ({@code totals}, {@code sessions}, {@code sources}, {@code geolocation}, {@code utm-*}), by object
 * ({@code event-completions}, {@code forms}, {@code pages}, {@code social-assists}) and by content type,
 * the per-page and per-blog {@code sources} reports, {@code {type}/exists} and {@code views}. Key with
 * the {@code read} scope; the key's site, in the site's time zone. Every number comes from the query
 * engine (one query per time point and level); the adapter names, groups, filters ({@code f}/{@code e}),
 * sorts and pages the rows. See docs/api.md, "HubSpot Analytics v2".
 */
public final class HubSpotRoutes {
  public static final String PREFIX = "/analytics/v2";
  static final List<String> BREAKDOWNS = List.of("totals", "sessions", "sources", "geolocation", "utm-campaigns", "utm-contents",
      "utm-mediums", "utm-sources", "utm-terms");
  static final List<String> OBJECTS = List.of("event-completions", "forms", "pages", "social-assists");
  private static final int PARALLEL = 4;

  private final QueryEngine engine;
  private final Pool pool;
  private final SiteService sites;
  private final GoalService goals;
  private final AnalyticsViewService views;
  private final ContentRuleService rules;

  /** @param engine the server's engine on {@code pool}; {@code goals} likewise */
  public HubSpotRoutes(Pool pool, QueryEngine engine, GoalService goals) {
    this.pool = pool;
    this.engine = engine;
    this.sites = new SiteService(pool);
    this.goals = goals;
    this.views = new AnalyticsViewService(pool);
    this.rules = new ContentRuleService(pool);
  }

  public void mount(Router router, ApiKeyAuthHandler auth, RateLimitHandler rateLimit) {
    router.route(PREFIX + "/*").handler(new HubSpotErrorRenderer().install());
    router.get(PREFIX + "/views").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::listViews);
    router.get(PREFIX + "/reports/*").handler(auth).handler(rateLimit).handler(RequireScope.of(Scope.READ)).handler(this::route);
  }

  private void listViews(RoutingContext ctx) {
    views.list(ApiPrincipal.of(ctx).siteId())
        .onSuccess(list -> JsonResponses.send(ctx, 200, new JsonArray(list.stream().map(v -> (Object) v.toHubSpotJson()).toList())))
        .onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- the path

  /** What a report path names: the report, an optional page or blog (content sources), and the time period. */
  record Target(String report, String pageId, String blogId, HubSpotParams.Unit unit, boolean summarize) {
    boolean content() {
      return ContentRule.TYPES.contains(report);
    }
  }

  static List<String> segments(String path) {
    String tail = path.substring(path.indexOf("/reports/") + "/reports/".length());
    List<String> out = new ArrayList<>();
    for (String s : tail.split("/", -1)) {
      try {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("the path is not validly percent-encoded");
      }
    }
    return out;
  }

  static boolean known(String report) {
    return BREAKDOWNS.contains(report) || OBJECTS.contains(report) || ContentRule.TYPES.contains(report);
  }

  /** Parses {@code {type}/{time_period}}, {@code {content_type}/{page_id}/sources/{time_period}} and {@code {content_type}/content-group/{blog_id}/sources/{time_period}}. */
  static Target target(List<String> s) {
    String report = s.get(0);
    if (!known(report)) {
      throw ApiException.notFound("unknown report type '" + shorten(report) + "'; known: " + String.join(", ", BREAKDOWNS) + ", "
          + String.join(", ", OBJECTS) + ", " + String.join(", ", ContentRule.CONTENT_TYPES));
    }
    String page = null;
    String blog = null;
    List<String> period = s.subList(1, s.size());
    if (ContentRule.TYPES.contains(report) && s.size() >= 4 && s.get(1).equals("content-group") && s.get(3).equals("sources")) {
      blog = s.get(2);
      period = s.subList(4, s.size());
    } else if (ContentRule.TYPES.contains(report) && s.size() >= 3 && s.get(2).equals("sources")) {
      page = s.get(1);
      period = s.subList(3, s.size());
    }
    if (page != null && !page.matches("\\d{1,19}") || blog != null && !blog.matches("\\d{1,9}")) {
      throw ApiException.notFound("page and blog ids are numbers (the breakdown ids of content reports, and the content rules' ids)");
    }
    boolean summarize = !period.isEmpty() && period.get(0).equals("summarize");
    List<String> unit = summarize ? period.subList(1, period.size()) : period;
    HubSpotParams.Unit u = unit.size() != 1 ? null : switch (unit.get(0)) {
      case "total" -> summarize ? null : HubSpotParams.Unit.TOTAL;
      case "daily" -> HubSpotParams.Unit.DAILY;
      case "weekly" -> HubSpotParams.Unit.WEEKLY;
      case "monthly" -> HubSpotParams.Unit.MONTHLY;
      default -> null;
    };
    if (u == null) {
      throw ApiException.notFound("unknown time period '" + shorten(String.join("/", period))
          + "'; known: total, daily, weekly, monthly, summarize/daily, summarize/weekly, summarize/monthly");
    }
    return new Target(report, page, blog, u, summarize);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  // ---------------------------------------------------------------- one request

  /** One report request with what it needs loaded: the site's zone, goals, content rules and the view's filters. */
  private final class Run {
    final int site;
    final ZoneId zone;
    final Target target;
    final HubSpotParams params;
    final List<Goal> goalList;
    final List<GoalMatch> goalMatches;
    final List<ContentRule> ruleList;
    final List<Filter> scope = new ArrayList<>();

    Run(int site, ZoneId zone, Target target, HubSpotParams params, List<Goal> goalList, List<ContentRule> ruleList, List<Filter> view) {
      this.site = site;
      this.zone = zone;
      this.target = target;
      this.params = params;
      this.goalList = goalList;
      this.goalMatches = goalList.stream().map(Goal::toMatch).toList();
      this.ruleList = ruleList;
      this.scope.addAll(view);
    }

    Future<List<Map<String, Object>>> query(Range r, List<Metric> metrics, Dimension dimension, List<Filter> filters) {
      QuerySpec q = new QuerySpec(site, r.start(), r.end(), zone, metrics, dimension == null ? List.of() : List.of(dimension), filters,
          null, true, Integer.MAX_VALUE, 0, null, goalMatches);
      return engine.run(q).map(QueryEngine.Result::rows);
    }

    Range range(LocalDate from, LocalDate toExclusive) {
      return new Range(from.atStartOfDay(zone).toInstant(), toExclusive.atStartOfDay(zone).toInstant());
    }
  }

  record Range(Instant start, Instant end) {
  }

  /**
   * A breakdown row: its id, the engine selection it stands for (for the totals), its HubSpot metrics and meta; a page
   * row also its engine counts (for the totals, which sum them), null on other rows.
   */
  record Row(String id, Map<Dimension, List<String>> selection, Map<String, Object> metrics, String meta, HubSpotRows.PageCounts page) {
    Row(String id, Map<Dimension, List<String>> selection, Map<String, Object> metrics, String meta) {
      this(id, selection, metrics, meta, null);
    }
  }

  /** The rows of one time point, after f/e, and (when asked) the rolled-up totals. */
  record Computed(List<Row> rows, Map<String, Object> totals) {
  }

  private void report(RoutingContext ctx) {
    int site = ApiPrincipal.of(ctx).siteId();
    Target target = target(segments(ctx.request().path()));
    HubSpotParams params = HubSpotParams.parse(ctx.request().params());
    List<HubSpotParams.Period> periods = HubSpotParams.periods(params.start(), params.end(), target.unit());
    if (periods.size() > HubSpotParams.MAX_TIME_POINTS) {
      throw new ApiException(413, HubSpotErrorRenderer.RESULT_POINT_LIMIT_EXCEEDED, "The request covers more than "
          + HubSpotParams.MAX_TIME_POINTS + " time points; narrow the range between start and end or use a wider time period");
    }
    checkDrilldown(target, params);
    Future<Site> siteFuture = sites.find(site).map(Optional::orElseThrow);
    Future<List<Goal>> goalFuture = target.report().equals("event-completions") ? goals.list(site) : Future.succeededFuture(List.of());
    Future<List<ContentRule>> ruleFuture = target.content() ? rules.list(site) : Future.succeededFuture(List.of());
    Future<List<Filter>> viewFuture = params.filterId() == null ? Future.succeededFuture(List.of())
        : views.find(site, params.filterId()).map(v -> v.orElseThrow(() -> ApiException.notFound("no analytics view " + params.filterId()
            + " (see /analytics/v2/views)")).engineFilters());
    Future.all(siteFuture, goalFuture, ruleFuture, viewFuture).compose(all -> {
      Run run = new Run(site, ZoneId.of(siteFuture.result().timezone()), target, params, goalFuture.result(), ruleFuture.result(),
          viewFuture.result());
      return resolveContentScope(run).compose(v -> {
        addDrilldown(run);
        if (target.unit() == HubSpotParams.Unit.TOTAL) {
          return compute(run, run.range(params.start(), params.end().plusDays(1)), true).map(c -> (Object) totalShape(run, c));
        }
        List<Function<Void, Future<Computed>>> work = new ArrayList<>();
        for (HubSpotParams.Period p : periods) {
          work.add(x -> compute(run, run.range(p.from(), p.toExclusive()), target.summarize()));
        }
        return inBatches(work).map(results -> {
          JsonObject out = new JsonObject();
          for (int i = 0; i < periods.size(); i++) {
            out.put(periods.get(i).key().toString(), target.summarize() ? summarized(results.get(i)) : rowsJson(run, results.get(i).rows()));
          }
          return (Object) out;
        });
      });
    }).onSuccess(body -> JsonResponses.send(ctx, 200, body)).onFailure(ctx::fail);
  }

  /** At most {@link #PARALLEL} engine queries of one request at a time. */
  private static <T> Future<List<T>> inBatches(List<Function<Void, Future<T>>> work) {
    List<T> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < work.size(); i += PARALLEL) {
      List<Function<Void, Future<T>>> batch = work.subList(i, Math.min(work.size(), i + PARALLEL));
      chain = chain.compose(v -> {
        List<Future<T>> started = batch.stream().map(w -> w.apply(null)).toList();
        return Future.all(started).map(all -> {
          started.forEach(f -> out.add(f.result()));
          return null;
        });
      });
    }
    return chain.map(v -> out);
  }

  private static JsonObject totalShape(Run run, Computed c) {
    List<Row> page = page(run, c.rows());
    return new JsonObject().put("offset", run.params.offset() + page.size()).put("total", c.rows().size())
        .put("totals", new JsonObject(c.totals())).put("breakdowns", json(page));
  }

  private static JsonArray summarized(Computed c) {
    return c.totals().isEmpty() ? new JsonArray() : new JsonArray().add(new JsonObject(c.totals()));
  }

  private static JsonArray rowsJson(Run run, List<Row> rows) {
    return json(page(run, rows));
  }

  private static JsonArray json(List<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row r : rows) {
      JsonObject o = new JsonObject().put("breakdown", r.id());
      r.metrics().forEach(o::put);
      if (r.meta() != null) {
        o.put("meta", r.meta());
      }
      out.add(o);
    }
    return out;
  }

  // ---------------------------------------------------------------- sorting and paging

  /** The fields a report's rows can be sorted by. */
  static List<String> fields(String report) {
    if (report.equals("sessions")) {
      return HubSpotRows.SESSIONS_FIELDS;
    }
    if (report.equals("forms")) {
      return HubSpotRows.FORM_FIELDS;
    }
    if (report.equals("event-completions")) {
      return HubSpotRows.EVENT_FIELDS;
    }
    if (report.equals("pages") || report.equals("social-assists") || ContentRule.TYPES.contains(report)) {
      return HubSpotRows.PAGE_FIELDS;
    }
    return HubSpotRows.SESSION_FIELDS;
  }

  /** Sorted by {@code sort} (default: the report's first metric; absent values count as 0), ties by breakdown id, then paged. */
  static List<Row> page(Run run, List<Row> rows) {
    HubSpotParams p = run.params;
    String sort = p.sort() != null ? p.sort() : run.target.pageId() != null || run.target.blogId() != null
        ? HubSpotRows.SESSION_FIELDS.get(0) : fields(run.target.report()).get(0);
    Comparator<Row> bySort = sort.equals("breakdown") ? Comparator.comparing(Row::id)
        : Comparator.comparingDouble(r -> r.metrics().get(sort) instanceof Number n ? n.doubleValue() : 0);
    Comparator<Row> order = (p.ascending() ? bySort : bySort.reversed()).thenComparing(Row::id);
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(order);
    int from = Math.min(p.offset(), sorted.size());
    return sorted.subList(from, (int) Math.min((long) from + p.limit(), sorted.size()));
  }

  // ---------------------------------------------------------------- drilldown and scope

  /** The row dimension of each drilldown level of a breakdown report; null for reports without levels. */
  static List<Dimension> levels(String report) {
    return switch (report) {
      case "sources" -> List.of(Dimension.CHANNEL, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      case "geolocation" -> List.of(Dimension.COUNTRY, Dimension.REGION, Dimension.CITY);
      case "utm-campaigns" -> List.of(Dimension.UTM_CAMPAIGN, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      case "utm-contents" -> List.of(Dimension.UTM_CONTENT, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      case "utm-mediums" -> List.of(Dimension.UTM_MEDIUM, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      case "utm-sources" -> List.of(Dimension.UTM_SOURCE, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      case "utm-terms" -> List.of(Dimension.UTM_TERM, Dimension.SOURCE, Dimension.ENTRY_PAGE);
      default -> null;
    };
  }

  /** The report a request's rows come from: the sources report for a page's or blog's sources. */
  static String rowsReport(Target t) {
    return t.pageId() != null || t.blogId() != null ? "sources" : t.report();
  }

  static void checkDrilldown(Target t, HubSpotParams p) {
    if (p.d1() != null && levels(rowsReport(t)) == null) {
      throw ApiException.badRequest("d1 and d2 apply to sources, geolocation and utm-* reports, not to " + t.report());
    }
    if (p.sort() != null && !p.sort().equals("breakdown") && !fields(rowsReport(t)).contains(p.sort())) {
      throw ApiException.badRequest("sort must be breakdown or one of " + String.join(", ", fields(rowsReport(t))));
    }
    if (p.d1() != null && rowsReport(t).equals("sources") && HubSpotRows.channelsOf(p.d1()).isEmpty()) {
      throw ApiException.badRequest("d1 of the sources report is a source type: " + String.join(", ", HubSpotRows.SOURCE_TYPES));
    }
  }

  private static void addDrilldown(Run run) {
    List<Dimension> levels = levels(rowsReport(run.target));
    if (run.params.d1() == null) {
      return;
    }
    List<String> first = rowsReport(run.target).equals("sources") ? HubSpotRows.channelsOf(run.params.d1()) : List.of(run.params.d1());
    run.scope.add(new Filter(levels.get(0), Operator.IS, first));
    if (run.params.d2() != null) {
      run.scope.add(new Filter(levels.get(1), Operator.IS, List.of(run.params.d2())));
    }
  }

  private static Dimension level(Run run) {
    return levels(rowsReport(run.target)).get(run.params.d2() != null ? 2 : run.params.d1() != null ? 1 : 0);
  }

  /**
   * For a page's or a blog's sources: the sessions that viewed that page (or a page of that blog)
   * in the requested range, found from the content report over the whole range.
   */
  private Future<Void> resolveContentScope(Run run) {
    Target t = run.target;
    if (t.pageId() == null && t.blogId() == null) {
      return Future.succeededFuture();
    }
    return pageRows(run, run.range(run.params.start(), run.params.end().plusDays(1)), run.scope, false).map(rows -> {
      Set<String> paths = new LinkedHashSet<>();
      Set<String> hosts = new LinkedHashSet<>();
      for (Row r : rows) {
        String path = r.selection().get(Dimension.PAGE).get(0);
        ContentRule rule = ContentRule.ruleFor(path, run.ruleList);
        String type = rule == null ? ContentRule.STANDARD : rule.contentType();
        boolean hit = t.pageId() != null ? type.equals(t.report()) && HubSpotRows.contentId(r.id()).equals(t.pageId())
            : rule != null && type.equals(t.report()) && Integer.toString(rule.id()).equals(t.blogId());
        if (hit) {
          paths.add(path);
          hosts.addAll(r.selection().get(Dimension.HOSTNAME));
        }
      }
      // a page or blog without views in the range selects nothing
      run.scope.add(new Filter(Dimension.PAGE, Operator.IS, List.copyOf(paths)));
      run.scope.add(new Filter(Dimension.HOSTNAME, Operator.IS, List.copyOf(hosts)));
      return null;
    });
  }

  // ---------------------------------------------------------------- rows of each report

  private Future<Computed> compute(Run run, Range range, boolean withTotals) {
    String report = rowsReport(run.target);
    Future<List<Row>> rows = switch (report) {
      case "totals" -> run.query(range, HubSpotRows.SESSION_METRICS, null, run.scope)
          .map(r -> single("totals", HubSpotRows.sessionRow(r.get(0))));
      case "sessions" -> {
        Future<List<Map<String, Object>>> channels = run.query(range, List.of(Metric.SESSIONS), Dimension.CHANNEL, run.scope);
        Future<List<Map<String, Object>>> devices = run.query(range, List.of(Metric.SESSIONS), Dimension.DEVICE, run.scope);
        yield Future.all(channels, devices).map(v -> single("sessions", HubSpotRows.sessionsRow(channels.result(), devices.result())));
      }
      case "social-assists" -> Future.succeededFuture(List.of());
      case "forms" -> simpleRows(run, range, Dimension.FORM_TARGET, HubSpotRows.FORM_METRICS, HubSpotRows::formRow, v -> v, v -> null);
      case "event-completions" -> {
        Map<String, Goal> byName = new LinkedHashMap<>();
        run.goalList.forEach(g -> byName.put(g.name(), g));
        yield run.goalList.isEmpty() ? Future.succeededFuture(List.of())
            : simpleRows(run, range, Dimension.GOAL, HubSpotRows.EVENT_METRICS, HubSpotRows::eventRow,
            v -> byName.containsKey(v) ? Integer.toString(byName.get(v).id()) : null, v -> v);
      }
      case "pages" -> pageRows(run, range, run.scope, true).map(list -> list.stream()
          .map(r -> new Row(r.id(), r.selection(), r.metrics(), r.selection().get(Dimension.PAGE).get(0), r.page())).toList());
      default -> ContentRule.TYPES.contains(report) ? pageRows(run, range, run.scope, true).map(list -> list.stream()
          .filter(r -> ContentRule.typeOf(r.selection().get(Dimension.PAGE).get(0), run.ruleList).equals(report))
          .map(r -> new Row(HubSpotRows.contentId(r.id()), r.selection(), r.metrics(), r.id(), r.page())).toList())
          : breakdownRows(run, range);
    };
    return rows.compose(all -> {
      List<Row> kept = all.stream().filter(r -> (run.params.include().isEmpty() || run.params.include().contains(r.id()))
          && !run.params.exclude().contains(r.id())).toList();
      if (!withTotals) {
        return Future.succeededFuture(new Computed(kept, Map.of()));
      }
      if (kept.isEmpty()) {
        return Future.succeededFuture(new Computed(kept, Map.of()));
      }
      if (report.equals("totals") || report.equals("sessions")) {
        return Future.succeededFuture(new Computed(kept, kept.get(0).metrics()));
      }
      if (report.equals("pages") || ContentRule.TYPES.contains(report)) {
        return Future.succeededFuture(new Computed(kept, HubSpotRows.pageRow(HubSpotRows.pageTotals(kept.stream().map(Row::page).toList()))));
      }
      // the totals roll up exactly the sessions and events of the rows kept
      Map<Dimension, Set<String>> union = new LinkedHashMap<>();
      kept.forEach(r -> r.selection().forEach((d, values) -> union.computeIfAbsent(d, k -> new LinkedHashSet<>()).addAll(values)));
      List<Filter> filters = new ArrayList<>(run.scope);
      union.forEach((d, values) -> filters.add(new Filter(d, Operator.IS, List.copyOf(values))));
      return run.query(range, metricsOf(report), null, filters).map(t -> new Computed(kept, rowOf(report).apply(t.get(0))));
    });
  }

  /**
   * The one row of the totals and sessions reports; none when every metric is zero (they are all left out), so that
   * an empty day is {@code []} in every report, as for breakdowns without rows (docs/api.md, "HubSpot Analytics v2").
   */
  private static List<Row> single(String id, Map<String, Object> metrics) {
    return metrics.isEmpty() ? List.of() : List.of(new Row(id, Map.of(), metrics, null));
  }

  /** The metrics of the reports whose totals are one engine query over the rows kept (page reports sum their rows). */
  private static List<Metric> metricsOf(String report) {
    return switch (report) {
      case "forms" -> HubSpotRows.FORM_METRICS;
      case "event-completions" -> HubSpotRows.EVENT_METRICS;
      default -> HubSpotRows.SESSION_METRICS;
    };
  }

  private static Function<Map<String, Object>, Map<String, Object>> rowOf(String report) {
    return switch (report) {
      case "forms" -> HubSpotRows::formRow;
      case "event-completions" -> HubSpotRows::eventRow;
      default -> HubSpotRows::sessionRow;
    };
  }

  /** Rows of one engine dimension, one per value (values without a breakdown id are left out). */
  private Future<List<Row>> simpleRows(Run run, Range range, Dimension d, List<Metric> metrics,
                                       Function<Map<String, Object>, Map<String, Object>> toRow, Function<String, String> id,
                                       Function<String, String> meta) {
    return run.query(range, metrics, d, run.scope).map(list -> {
      List<Row> out = new ArrayList<>();
      for (Map<String, Object> r : list) {
        Object value = r.get(d.id());
        String rowId = value == null ? null : id.apply(value.toString());
        if (rowId != null) {
          out.add(new Row(rowId, Map.of(d, List.of(value.toString())), toRow.apply(r), meta.apply(value.toString())));
        }
      }
      return out;
    });
  }

  /**
   * Rows of a breakdown report at the requested level; rows without a value are left out. Source
   * types group channels: a type with several channels present is counted by the engine over all of them.
   */
  private Future<List<Row>> breakdownRows(Run run, Range range) {
    Dimension d = level(run);
    boolean sourceTypes = d == Dimension.CHANNEL;
    return run.query(range, HubSpotRows.SESSION_METRICS, d, run.scope).compose(list -> {
      Map<String, List<Map<String, Object>>> byId = new LinkedHashMap<>();
      for (Map<String, Object> r : list) {
        Object value = r.get(d.id());
        if (value != null) {
          byId.computeIfAbsent(sourceTypes ? HubSpotRows.sourceType(value.toString()) : value.toString(), k -> new ArrayList<>()).add(r);
        }
      }
      List<Future<Row>> rows = new ArrayList<>();
      byId.forEach((id, engineRows) -> {
        List<String> values = engineRows.stream().map(r -> r.get(d.id()).toString()).toList();
        Map<Dimension, List<String>> selection = Map.of(d, values);
        if (engineRows.size() == 1) {
          rows.add(Future.succeededFuture(new Row(id, selection, HubSpotRows.sessionRow(engineRows.get(0)), null)));
        } else {
          List<Filter> filters = new ArrayList<>(run.scope);
          filters.add(new Filter(d, Operator.IS, values));
          rows.add(run.query(range, HubSpotRows.SESSION_METRICS, null, filters)
              .map(t -> new Row(id, selection, HubSpotRows.sessionRow(t.get(0)), null)));
        }
      });
      return Future.all(rows).map(v -> rows.stream().map(Future::result).toList());
    });
  }

  /**
   * Page rows with the page's URL as id ({@code https://<hostname><path>}): the pages viewed in the range and (when
   * {@code counts}) their counts from three engine breakdowns: by page (pageviews, sessions, visitors, time on page,
   * form submissions), sessions and bounces by entry page, sessions by exit page. The rollups answer the pages viewed
   * and the entry and exit breakdowns over whole UTC days when nothing filters; the breakdown by page with the time on
   * page, sessions and submissions is not in the rollups, so the engine answers it from raw events. A site viewed on
   * several hostnames in the range has each hostname's rows from the same breakdowns filtered to the hostname (the
   * engine's "hostname is", read from raw events): a visit that views pages on two hostnames counts on both.
   */
  private Future<List<Row>> pageRows(Run run, Range range, List<Filter> scope, boolean counts) {
    return run.query(range, HubSpotRows.PAGE_VIEW_METRICS, Dimension.HOSTNAME, scope).compose(hostRows -> {
      List<String> hosts = hostRows.stream().map(r -> r.get(Dimension.HOSTNAME.id())).filter(java.util.Objects::nonNull)
          .map(Object::toString).sorted().toList();
      List<Future<List<Row>>> perHost = new ArrayList<>();
      for (String host : hosts) {
        List<Filter> filters = new ArrayList<>(scope);
        if (hosts.size() > 1) {
          filters.add(new Filter(Dimension.HOSTNAME, Operator.IS, List.of(host)));
        }
        perHost.add(hostPageRows(run, range, host, filters, counts));
      }
      return Future.all(perHost).map(v -> perHost.stream().flatMap(f -> f.result().stream()).toList());
    });
  }

  private Future<List<Row>> hostPageRows(Run run, Range range, String host, List<Filter> filters, boolean counts) {
    Future<Map<String, Map<String, Object>>> views = run.query(range, counts ? HubSpotRows.PAGE_METRICS : HubSpotRows.PAGE_VIEW_METRICS,
        Dimension.PAGE, filters).map(rows -> byValue(rows, Dimension.PAGE));
    Future<Map<String, Map<String, Object>>> entries = counts
        ? run.query(range, HubSpotRows.ENTRY_METRICS, Dimension.ENTRY_PAGE, filters).map(rows -> byValue(rows, Dimension.ENTRY_PAGE))
        : Future.succeededFuture(Map.of());
    Future<Map<String, Map<String, Object>>> exits = counts
        ? run.query(range, HubSpotRows.EXIT_METRICS, Dimension.EXIT_PAGE, filters).map(rows -> byValue(rows, Dimension.EXIT_PAGE))
        : Future.succeededFuture(Map.of());
    return Future.all(views, entries, exits).map(v -> {
      List<Row> out = new ArrayList<>();
      views.result().forEach((path, viewRow) -> {
        HubSpotRows.PageCounts c = HubSpotRows.PageCounts.of(viewRow, entries.result().get(path), exits.result().get(path));
        out.add(new Row("https://" + host + path, Map.of(Dimension.PAGE, List.of(path), Dimension.HOSTNAME, List.of(host)),
            HubSpotRows.pageRow(c), null, c));
      });
      return out;
    });
  }

  /** Engine rows by their (non-null) value of a dimension. */
  private static Map<String, Map<String, Object>> byValue(List<Map<String, Object>> rows, Dimension d) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> r : rows) {
      if (r.get(d.id()) != null) {
        out.put(r.get(d.id()).toString(), r);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- exists

  /** {@code {objectType}/exists}: whether the site has any data of that kind (at any time). */
  Future<Boolean> exists(int site, String type) {
    return switch (type) {
      case "social-assists" -> Future.succeededFuture(false);
      case "forms" -> hasEvents(site, "form");
      case "event-completions" -> goals.list(site).compose(list -> list.isEmpty() ? Future.succeededFuture(false) : hasEvents(site, "pageview"));
      case "landing-pages", "blog-posts", "listing-pages", "knowledge-articles" -> rules.list(site)
          .map(list -> list.stream().anyMatch(r -> r.contentType().equals(type)));
      default -> hasEvents(site, "pageview");
    };
  }

  private Future<Boolean> hasEvents(int site, String type) {
    return pool.preparedQuery(HubSpotSql.HAS_EVENT_TYPE).execute(Tuple.of(site, type)).map(rows -> rows.iterator().next().getBoolean("found"));
  }

  static boolean isExists(List<String> segments) {
    return segments.size() == 2 && segments.get(1).equals("exists");
  }

  /** Entry point for every {@code /reports/...} path: {@code exists} or a report. */
  private void route(RoutingContext ctx) {
    List<String> s = segments(ctx.request().path());
    if (isExists(s)) {
      if (!known(s.get(0))) {
        throw ApiException.notFound("unknown object type '" + shorten(s.get(0)) + "'");
      }
      exists(ApiPrincipal.of(ctx).siteId(), s.get(0)).onSuccess(found -> JsonResponses.send(ctx, 200, new JsonObject().put("exists", found)))
          .onFailure(ctx::fail);
      return;
    }
    report(ctx);
  }
}
