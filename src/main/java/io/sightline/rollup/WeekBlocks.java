package io.sightline.rollup;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

/**
 * Compacts closed UTC weeks of {@code rollup_dim} into {@code rollup_dim_week} (docs/ingestion.md, "Rollups"):
 * the planner then reads one row per value for each whole compacted week of a range. A week is
 * closed when its last day is older than the backfill window plus the day a visitor id can spill
 * into (no event, session or carried pair can change its rows any more). Weeks are compacted in
 * order, all sites at once, each in its own transaction with its mark in {@code rollup_weeks_done}.
 */
public final class WeekBlocks {
  private static final Logger LOG = LoggerFactory.getLogger(WeekBlocks.class);
  static final String SUMS = "sum(visitors), sum(pageviews), sum(events), sum(sessions), sum(bounces), sum(duration_us), "
      + "sum(session_pageviews), sum(clickers)";
  private static final String COLUMNS = "site_id, dim, week, value, visitors, pageviews, events, sessions, bounces, duration_us, "
      + "session_pageviews, clickers";

  private WeekBlocks() {
  }

  /** The Monday of a day's UTC week. */
  public static LocalDate weekOf(LocalDate day) {
    return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  /** Compacts every week not done yet that ends on or before {@code closedBefore}; returns how many. */
  public static Future<Integer> compact(Pool pool, LocalDate closedBefore) {
    return pool.query("select (select max(week) from rollup_weeks_done) as done, (select min(day) from rollup_dim) as first").execute()
        .compose(rows -> {
          var r = rows.iterator().next();
          LocalDate done = r.getLocalDate("done");
          LocalDate first = r.getLocalDate("first");
          if (first == null && done == null) {
            return Future.succeededFuture(0);
          }
          LocalDate next = done != null ? done.plusDays(7) : weekOf(first);
          return weeks(pool, next, closedBefore, 0);
        });
  }

  private static Future<Integer> weeks(Pool pool, LocalDate week, LocalDate closedBefore, int count) {
    if (week.plusDays(7).isAfter(closedBefore)) {
      if (count > 0) {
        LOG.info("Compacted {} closed week(s) of rollups, up to the week of {}", count, week.minusDays(7));
      }
      return Future.succeededFuture(count);
    }
    return pool.withTransaction(conn -> conn.preparedQuery("insert into rollup_dim_week (" + COLUMNS + ") select site_id, dim, $1::date, value, "
            + SUMS + " from rollup_dim where day >= $1::date and day < $1::date + 7 group by site_id, dim, value order by 1, 2, 4")
        .execute(Tuple.of(week))
        .compose(v -> conn.preparedQuery("insert into rollup_weeks_done (week) values ($1)").execute(Tuple.of(week))))
        .compose(v -> weeks(pool, week.plusDays(7), closedBefore, count + 1));
  }

  /** Recomputes one site's blocks of the weeks done (a rebuild, in its transaction, after the site's days are rewritten). */
  static Future<Void> rebuildSite(SqlClient conn, int siteId) {
    return conn.preparedQuery("delete from rollup_dim_week where site_id = $1").execute(Tuple.of(siteId))
        .compose(v -> conn.preparedQuery("insert into rollup_dim_week (" + COLUMNS + ") select site_id, dim, date_trunc('week', day)::date, value, "
            + SUMS + " from rollup_dim where site_id = $1 and day < (select max(week) + 7 from rollup_weeks_done) group by 1, 2, 3, 4 "
            + "order by 1, 2, 3, 4").execute(Tuple.of(siteId)))
        .mapEmpty();
  }
}
