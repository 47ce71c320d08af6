package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.rollup.RollupDim;
import io.sightline.rollup.StableSketches;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.datasketches.cpc.CpcSketch;
import org.apache.datasketches.cpc.CpcUnion;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Visitors with stable (sender-supplied) ids on the rollup path: their per-day sketches
 * ({@code rollup_sketch}, {@link StableSketches}) merged per result row and estimated, added to the
 * daily ids' exact count (the two kinds of ids never coincide). Approximate: about 1.1 % relative
 * standard error for large counts (docs/ingestion.md, "Rollups"); exact-looking for small ones.
 *
 * <p>Which queries: those the rollups answer over whole UTC days in UTC (totals; day, week and month
 * series; one session-attribute or event dimension). Others with stable ids read raw events (exact).
 */
final class StableVisitors {
  private StableVisitors() {
  }

  static boolean covers(QuerySpec q) {
    boolean utcDays = q.zone().getRules().isFixedOffset() && q.zone().getRules().getOffset(q.start()).getTotalSeconds() == 0
        && q.start().getEpochSecond() % 86_400 == 0 && q.end().getEpochSecond() % 86_400 == 0;
    if (!utcDays || q.dimensions().isEmpty()) {
      return utcDays;
    }
    Dimension d = q.dimensions().get(0);
    if (d.kind() == Dimension.Kind.TIME) {
      return d != Dimension.HOUR;
    }
    RollupDim rd = RollupDim.of(d);
    return rd != null && (rd.kind() == RollupDim.Kind.SESSION_ATTRIBUTE || rd.kind() == RollupDim.Kind.EVENT);
  }

  /** Adds each row's stable visitors (rows as {@link RollupPath} makes them: {@code d0} = value or bucket label). */
  static Future<List<Map<String, Object>>> add(Pool pool, QuerySpec q, List<Map<String, Object>> rows, int timeoutMs) {
    Dimension d = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    boolean byValue = d != null && d.kind() != Dimension.Kind.TIME;
    short dim = byValue ? RollupDim.of(d).id() : StableSketches.DAY;
    LocalDate a = LocalDate.ofInstant(q.start(), ZoneOffset.UTC);
    LocalDate b = LocalDate.ofInstant(q.end(), ZoneOffset.UTC);
    String sql = "select day, value, sketch from rollup_sketch where site_id = $1 and dim = $2 and day >= $3 and day < $4";
    return BoundedSql.execute(pool, sql, Tuple.of(q.siteId(), dim, a, b), timeoutMs).map(found -> {
      Map<Object, CpcUnion> unions = new HashMap<>();
      for (Row r : found) {
        Object key = byValue ? r.getString("value") : d == null ? "" : bucket(r.getLocalDate("day"), d);
        unions.computeIfAbsent(key, k -> new CpcUnion(StableSketches.LG_K)).update(CpcSketch.heapify(r.getBuffer("sketch").getBytes()));
      }
      for (Map<String, Object> row : rows) {
        CpcUnion u = unions.get(d == null ? "" : row.get("d0"));
        if (u != null) {
          row.put("visitors", (Long) row.get("visitors") + Math.round(u.getResult().getEstimate()));
        }
      }
      return rows;
    });
  }

  /** The series label of a day, as {@link RollupPath} labels buckets in UTC. */
  private static LocalDateTime bucket(LocalDate day, Dimension d) {
    LocalDate start = switch (d) {
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
      default -> day;
    };
    return start.atStartOfDay();
  }
}
