package io.sightline.mail;

import io.sightline.event.Dimension;
import io.sightline.query.Comparison;
import io.sightline.query.Metric;
import io.sightline.query.Periods;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** Builds a report's {@link Digest} with the query engine the APIs use: three queries, the totals with the engine's comparison. */
public final class DigestQueries {
  static final List<Metric> TOP_STATS = List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.BOUNCE_RATE, Metric.AVG_DURATION);
  static final int TOP_ROWS = 5;

  private final QueryEngine engine;

  public DigestQueries(QueryEngine engine) {
    this.engine = engine;
  }

  @SuppressWarnings("unchecked")
  public Future<Digest> digest(Subscription s, ReportPeriod period) {
    ZoneId zone = ZoneId.of(s.timezone());
    ReportPeriod before = s.frequency().previous(period);
    Instant start = period.start().atStartOfDay(zone).toInstant();
    Instant end = period.endExclusive().atStartOfDay(zone).toInstant();
    Comparison.Baseline baseline = new Comparison.Baseline(List.of(new Periods.Range(before.start().atStartOfDay(zone).toInstant(),
        before.endExclusive().atStartOfDay(zone).toInstant())), before.start(), before.endExclusive());
    Future<QueryEngine.Result> totals = engine.runCompared(query(s, start, end, zone, TOP_STATS, List.of()), baseline);
    Future<QueryEngine.Result> sources = engine.run(query(s, start, end, zone, List.of(Metric.VISITORS), List.of(Dimension.SOURCE)));
    Future<QueryEngine.Result> pages = engine.run(query(s, start, end, zone, List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Dimension.PAGE)));
    return Future.all(totals, sources, pages).map(v -> {
      Map<String, Object> row = totals.result().rows().get(0);
      return new Digest(s, period, before, row, (Map<String, Object>) row.get("comparison"), (Map<String, Object>) row.get("change"),
          sources.result().rows(), pages.result().rows());
    });
  }

  private static QuerySpec query(Subscription s, Instant start, Instant end, ZoneId zone, List<Metric> metrics, List<Dimension> dimensions) {
    return new QuerySpec(s.siteId(), start, end, zone, metrics, dimensions, List.of(), null, true, dimensions.isEmpty() ? 1 : TOP_ROWS, 0);
  }
}
