package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.rollup.FirstFlags;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Raw queries that count visitors from the events' first-occurrence flags ({@link FirstFlags})
 * instead of {@code count(distinct visitor_id)}: the drill-downs rollups cannot answer (docs/ingestion.md,
 * "Rollups"). The same numbers, because over whole UTC days [first, end) the distinct daily visitor
 * ids of a value are the per-day firsts less the ids counted on two days of the range.
 *
 * <p>Which queries: the range is whole UTC days (a daily id lives on its salt day and at most into
 * the next, so the flags are per UTC day), and
 * <ul>
 *   <li>filters on visitor-level attributes (country, region, city, device, browser, os: fixed for
 *   a daily id, which is a hash of the IP address and User-Agent), any operator, and on at most one
 *   keyed session attribute (source, channel, utm_source, utm_medium, utm_campaign): "is" one value,
 *   or any operator when the rows are that attribute's values (a visitor with two matching values has
 *   a pair for each);</li>
 *   <li>grouped by nothing, by page (of pageviews), by a visitor-level attribute, by the filtered
 *   session attribute (or any keyed one when none is filtered), or by day, week or month in UTC.</li>
 * </ul>
 * And at run time: the site's flags cover the range ({@code rollup_coverage.drill_since}) and it has
 * no stable (sender-supplied) visitor ids in it, which carry no flags.
 */
record FlagVisitors(FirstFlags.Key key, LocalDate first, LocalDate last) {
  /** Attributes a daily visitor id cannot change (it is a hash of the IP address and User-Agent they derive from). */
  private static final Set<Dimension> VISITOR_LEVEL = EnumSet.of(Dimension.COUNTRY, Dimension.REGION, Dimension.CITY,
      Dimension.DEVICE, Dimension.BROWSER, Dimension.OS);
  private static final Set<Dimension> TIME = EnumSet.of(Dimension.DATE, Dimension.WEEK, Dimension.MONTH);

  /** The flags a query can count its visitors with, or null when it needs {@code count(distinct)}. */
  static FlagVisitors of(QuerySpec q) {
    if (!q.metrics().contains(Metric.VISITORS) || !midnight(q.start()) || !midnight(q.end()) || !q.end().isAfter(q.start())
        || q.dimensions().size() > 1) {
      return null;
    }
    Dimension g = q.dimensions().isEmpty() ? null : q.dimensions().get(0);
    Dimension attribute = null;
    for (Filter f : q.filters()) {
      Dimension d = f.dimension();
      if (VISITOR_LEVEL.contains(d)) {
        continue;
      }
      if (!FirstFlags.Key.keyed(d) || attribute != null && attribute != d) {
        return null;
      }
      // a visitor with two matching values has two (visitor, value) pairs: one value per row, or one value matched
      if (d != g && (f.operator() != Operator.IS || f.values().size() != 1)) {
        return null;
      }
      attribute = d;
    }
    FirstFlags.Key key;
    if (g == null || VISITOR_LEVEL.contains(g) || TIME.contains(g) && utc(q)) {
      key = FirstFlags.Key.of(false, attribute);
    } else if (g == Dimension.PAGE) {
      key = FirstFlags.Key.of(true, attribute);
    } else if (FirstFlags.Key.keyed(g) && (attribute == null || attribute == g)) {
      key = FirstFlags.Key.of(false, g);
    } else {
      return null;
    }
    return new FlagVisitors(key, LocalDate.ofInstant(q.start(), ZoneOffset.UTC), LocalDate.ofInstant(q.end(), ZoneOffset.UTC).minusDays(1));
  }

  private static boolean midnight(Instant t) {
    return t.getEpochSecond() % 86_400 == 0 && t.getNano() == 0;
  }

  private static boolean utc(QuerySpec q) {
    return q.zone().getRules().isFixedOffset() && q.zone().getRules().getOffset(Instant.EPOCH).getTotalSeconds() == 0;
  }

  /** Whether the stored state allows it: flags cover the range and no stable visitor id is in it. */
  static Future<Boolean> usable(Pool pool, QuerySpec q, int timeoutMs) {
    String check = "select coalesce((select drill_since from rollup_coverage where site_id = $1) <= $2, false) "
        + "and not " + RollupGaps.WITHIN + " "
        + "and coalesce((select sum(stable_events) from rollup_total where site_id = $1 and bucket >= $2 and bucket < $3), 0) = 0 as ok";
    return BoundedSql.execute(pool, check, Tuple.of(q.siteId(), q.start().atOffset(ZoneOffset.UTC), q.end().atOffset(ZoneOffset.UTC)),
        timeoutMs).map(rows -> rows.iterator().next().getBoolean("ok"));
  }

  /** The parameters {@link #visitors} refers to for rows of {@code unit}, in order: the range's first day and its last day. */
  List<Object> params(String unit) {
    return "day".equals(unit) ? List.of() : List.of(first, last);
  }

  /**
   * The visitors of the rows of alias {@code a} (its {@code first_mask} and {@code salt_day}):
   * the key's per-day firsts, less the ids also first on the next day of the same row. {@code firstDay}
   * and {@code lastDay} are the placeholders of {@link #params}; {@code unit}: the row is a day, week or
   * month of the range (null: the whole range).
   */
  String visitors(String a, String firstDay, String lastDay, String unit) {
    String firsts = "count(*) filter (where " + a + ".first_mask & " + FirstFlags.first(key) + " <> 0)";
    if ("day".equals(unit)) {
      return firsts; // a day's ids are each first once on it
    }
    String sameRow = unit == null ? "" : " and date_trunc('" + unit + "', " + a + ".salt_day::timestamp) = date_trunc('" + unit + "', "
        + a + ".salt_day::timestamp + interval '1 day')";
    return "(" + firsts + " - count(*) filter (where " + a + ".first_mask & " + FirstFlags.both(key) + " <> 0 and " + a + ".salt_day >= "
        + firstDay + " and " + a + ".salt_day < " + lastDay + sameRow + "))";
  }
}
