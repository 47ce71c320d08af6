package io.sightline.rollup;

import io.sightline.event.StoredRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recomputes a site's rollups from its raw events and sessions, through the same
 * {@link RollupAccumulator} the writer uses: for data stored before rollups existed (an upgrade),
 * or after rows were changed by hand. One transaction that first locks the rollup tables, so a
 * running writer's batches and folds wait and then add to the rebuilt rows (which are the raw truth
 * less the deltas still pending, {@link RollupFold#subtractPending}); events are read one UTC day at a
 * time, dropping each salt day's dedupe state once no event can reach it any more. Goal rows are
 * computed with the site's current goals, which are then covered from {@code -infinity}.
 */
public final class RollupRebuild {
  private static final int CHUNK = 5_000;

  public record Result(long events, long sessions, long totalRows, long dimRows) {
  }

  private RollupRebuild() {
  }

  public static Future<Result> site(Pool pool, int siteId) {
    return pool.withTransaction(conn -> conn.query("lock table rollup_total, rollup_dim, rollup_dim_week, rollup_drill, rollup_sketch, rollup_pending in exclusive mode").execute()
        // sketches and drill-down rows are written day by day as they become final, so a big site's never all sit in memory
        .compose(v -> conn.preparedQuery("delete from rollup_sketch where site_id = $1").execute(Tuple.of(siteId)))
        .compose(v -> conn.preparedQuery("delete from rollup_drill where site_id = $1").execute(Tuple.of(siteId)))
        .compose(v -> GoalCoverage.load(conn, siteId))
        .compose(goals -> conn.preparedQuery("select min(ts) as first, max(ts) as last from events where site_id = $1").execute(Tuple.of(siteId))
        .compose(rows -> {
          var r = rows.iterator().next();
          RollupAccumulator acc = new RollupAccumulator();
          acc.setGoals(goals); // the site's current goals, counted over all its events: covered from -infinity
          List<String> goalKeys = goals.getOrDefault(siteId, List.of()).stream().map(GoalRule::key).distinct().toList();
          RollupDelta delta = new RollupDelta();
          // the pending deltas of events already stored are added by the writer's next fold: written here less them
          Future<Long> events = RollupFold.subtractPending(conn, siteId, delta).map(0L);
          if (r.getOffsetDateTime("first") != null) {
            LocalDate first = r.getOffsetDateTime("first").toLocalDate();
            LocalDate last = r.getOffsetDateTime("last").atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
            events = events.compose(n -> days(conn, siteId, acc, delta, first.minusDays(1), last, 0));
          }
          return events.compose(n -> RollupRestore.stream(conn, "select * from sessions where site_id = $1", Tuple.of(siteId),
                  row -> RollupAccumulator.contribute(StoredRows.session(row), 1, delta))
              .compose(sessions -> write(conn, siteId, delta, goalKeys).map(v -> new Result(n, sessions, delta.totalRows().size(),
                  delta.dimRows().size()))));
        })));
  }

  private static Future<Long> days(SqlConnection conn, int siteId, RollupAccumulator acc, RollupDelta delta, LocalDate day,
                                   LocalDate last, long count) {
    if (day.isAfter(last)) {
      return Future.succeededFuture(count);
    }
    Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Tuple range = Tuple.of(siteId, from.atOffset(ZoneOffset.UTC), from.plusSeconds(86_400).atOffset(ZoneOffset.UTC));
    FlagUpdates flags = new FlagUpdates();
    return RollupRestore.stream(conn, "select " + RollupRestore.EVENT_COLUMNS + ", stable_visitor, event_id, first_mask from events "
            + "where site_id = $1 and ts >= $2 and ts < $3 order by ts, event_id", range, // one order: a second rebuild rewrites no flag
        row -> flags.add(row, acc.event(RollupRestore.event(row, row.getBoolean("stable_visitor")), delta)))
        .map(n -> {
          acc.endOfChunk(delta);
          return n;
        })
        .compose(n -> flags.write(conn, range).map(n))
        .compose(n -> writeSketches(conn, acc.sketches().touchedRows()).map(n))
        // events are read day by day, so a pair's salt-day events come before its next-day ones: rows before this day are final
        .compose(n -> writeDrills(conn, delta.takeDrillRowsBefore(day.toEpochDay())).map(n))
        .compose(n -> {
          acc.commit();
          acc.sketches().forgetBefore(day.toEpochDay() + 1);
          acc.evict(Instant.MAX, day.toEpochDay() - 1); // salt days before yesterday: their ids have no events left
          return days(conn, siteId, acc, delta, day.plusDays(1), last, count + n);
        });
  }

  /** Events of one day whose stored first-occurrence flags differ from the recomputed ones, updated in chunks. */
  private static final class FlagUpdates {
    private final List<java.time.OffsetDateTime> ts = new ArrayList<>();
    private final List<Long> ids = new ArrayList<>();
    private final List<Integer> masks = new ArrayList<>();

    void add(io.vertx.sqlclient.Row row, int mask) {
      if (row.getInteger("first_mask") != mask) {
        ts.add(row.getOffsetDateTime("ts"));
        ids.add(row.getLong("event_id"));
        masks.add(mask);
      }
    }

    /** {@code range}: site, day start, day end (the day's partition only). */
    Future<Void> write(SqlConnection conn, Tuple range) {
      Future<Void> f = Future.succeededFuture();
      for (int i = 0; i < ids.size(); i += CHUNK) {
        int from = i;
        int to = Math.min(ids.size(), i + CHUNK);
        f = f.compose(v -> conn.preparedQuery("update events e set first_mask = u.m from unnest($4::timestamptz[], $5::int8[], $6::int4[]) "
            + "u(ts, id, m) where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.ts = u.ts and e.event_id = u.id")
            .execute(Tuple.of(range.getValue(0), range.getValue(1), range.getValue(2),
                ts.subList(from, to).toArray(java.time.OffsetDateTime[]::new), ids.subList(from, to).toArray(Long[]::new),
                masks.subList(from, to).toArray(Integer[]::new))).mapEmpty());
      }
      return f;
    }
  }

  private static Future<Void> writeDrills(SqlConnection conn, List<Map.Entry<RollupDelta.DrillKey, long[]>> rows) {
    return inChunks(conn, RollupSql.upsertDrills(1), rows, RollupSql::drillArrays);
  }

  private static Future<Void> writeSketches(SqlConnection conn, List<Map.Entry<StableSketches.Key, byte[]>> rows) {
    return inChunks(conn, RollupSql.upsertSketches(1), rows, RollupSql::sketchArrays);
  }

  /** Runs {@code sql} once per {@link #CHUNK} rows, with the parameters {@code arrays} makes of them. */
  private static <T> Future<Void> inChunks(SqlConnection conn, String sql, List<T> rows, java.util.function.Function<List<T>, Object[]> arrays) {
    Future<Void> f = Future.succeededFuture();
    for (int i = 0; i < rows.size(); i += CHUNK) {
      List<T> chunk = new ArrayList<>(rows.subList(i, Math.min(rows.size(), i + CHUNK)));
      f = f.compose(v -> conn.preparedQuery(sql).execute(Tuple.wrap(List.of(arrays.apply(chunk)))).mapEmpty());
    }
    return f;
  }

  private static Future<Void> write(SqlConnection conn, int siteId, RollupDelta delta, List<String> goalKeys) {
    Future<Void> f = conn.preparedQuery("delete from rollup_total where site_id = $1").execute(Tuple.of(siteId))
        .compose(v -> conn.preparedQuery("delete from rollup_dim where site_id = $1").execute(Tuple.of(siteId))).mapEmpty();
    f = f.compose(v -> inChunks(conn, RollupSql.upsertTotals(1), delta.totalRows(), RollupSql::totalArrays));
    f = f.compose(v -> writeDrills(conn, delta.drillRows()));
    f = f.compose(v -> inChunks(conn, RollupSql.upsertDims(1), delta.dimRows(), RollupSql::dimArrays));
    return f.compose(v -> WeekBlocks.rebuildSite(conn, siteId))
        .compose(v -> conn.preparedQuery("insert into rollup_coverage (site_id, since, drill_since, cross_since) "
        + "values ($1, '-infinity', '-infinity', '-infinity') "
        + "on conflict (site_id) do update set since = excluded.since, drill_since = excluded.drill_since, cross_since = excluded.cross_since")
        .execute(Tuple.of(siteId)))
        // goals rebuilt now replace every goal row: deleted goals' rows are gone with the site's other rows. A goal
        // defined in the last moments, which the running writer has not loaded yet, is moved to the next midnight
        // by that writer when it does (GoalCoverage): until then, at most one reload period, its row can miss events.
        .compose(v -> conn.preparedQuery("delete from rollup_goal_coverage where site_id = $1").execute(Tuple.of(siteId)))
        .compose(v -> conn.preparedQuery("insert into rollup_goal_coverage (site_id, goal_key, since) "
            + "select $1, k, '-infinity' from unnest($2::text[]) k").execute(Tuple.of(siteId, (Object) goalKeys.toArray(String[]::new))))
        .mapEmpty();
  }
}
