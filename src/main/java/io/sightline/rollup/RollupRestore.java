package io.sightline.rollup;

import io.sightline.event.EventRecord;
import io.sightline.event.StoredRows;
import io.sightline.event.WriterPartitions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Consumer;

/**
 * Rebuilds the writer's rollup state at start from what is stored (the rollup tables already hold
 * every committed event, because deltas commit with their events): the dedupe state from the raw
 * events of the salt days still open to late events, the sessions' last states from {@code sessions}.
 * Reads through a cursor, so memory holds one page of rows at a time.
 */
public final class RollupRestore {
  static final String EVENT_COLUMNS = "site_id, ts, visitor_id, salt_day, type, name, hostname, pathname, source, channel, utm_source, "
      + "utm_medium, utm_campaign, utm_content, utm_term, country, region, city, device, browser, os, target_label, target_secondary";
  private static final int PAGE = 10_000;

  private RollupRestore() {
  }

  /**
   * Marks the sites the rollups cover: all of a new site's history, an existing site's from the next
   * UTC midnight; the same for the first-occurrence flags and the drill-down rows of sites covered before the writer kept them.
   */
  public static Future<Void> ensureCoverage(Pool pool) {
    return pool.query("insert into rollup_coverage (site_id, since, drill_since, cross_since) select s.id, c.since, c.since, c.since from sites s "
        + "cross join lateral (select case when exists (select 1 from events e where e.site_id = s.id) "
        + "then date_trunc('day', now(), 'UTC') + interval '1 day' else '-infinity' end as since) c "
        + "on conflict (site_id) do update set drill_since = coalesce(rollup_coverage.drill_since, excluded.drill_since), "
        + "cross_since = coalesce(rollup_coverage.cross_since, excluded.cross_since)").execute().mapEmpty();
  }

  /** With rollups off, nothing keeps them current: the planner must not read them (sites' nor goals' coverage). */
  public static Future<Void> forgetCoverage(Pool pool) {
    return pool.query("delete from rollup_coverage").execute()
        .compose(v -> pool.query("delete from rollup_goal_coverage").execute()).mapEmpty();
  }

  /**
   * Loads the dedupe state (salt days from {@code oldestSaltDay}) and the recent sessions of writer partition {@code partition}
   * of {@code partitions} (its visitors only, {@code io.sightline.event.WriterPartitions}) into the accumulator, with the
   * sketches that partition stored; its goals must be installed first, so that the goals' visitor pairs are restored too.
   */
  public static Future<Long> restore(Pool pool, RollupAccumulator acc, LocalDate oldestSaltDay, Instant now, int partition,
                                     int partitions) {
    Instant sessionsSince = now.minus(RollupAccumulator.SESSION_MEMORY);
    String mine = " and " + WriterPartitions.sql("$4") + " = $3";
    // the (site, salt day) pairs the bounded state dropped stay untracked: their events are not replayed
    return pool.withTransaction(conn -> conn.preparedQuery("select site_id, salt_day from rollup_gaps where salt_day >= $1")
        .execute(Tuple.of(oldestSaltDay))
        .compose(gaps -> {
          gaps.forEach(g -> acc.untracked(g.getInteger(0), g.getLocalDate(1).toEpochDay()));
          return stream(conn, "select " + EVENT_COLUMNS + " from events where ts >= $1 and salt_day >= $2 "
            + "and not stable_visitor" + mine + " and not exists (select 1 from rollup_gaps g where g.site_id = events.site_id "
            + "and g.salt_day = events.salt_day)", Tuple.of(oldestSaltDay.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime(),
            oldestSaltDay, (long) partition, (long) partitions),
        new Consumer<Row>() {
          RollupDelta scratch = new RollupDelta();
          long n;

          @Override
          public void accept(Row r) {
            acc.event(event(r), scratch);
            if (++n % PAGE == 0) {
              acc.endOfChunk(scratch);
              scratch = new RollupDelta(); // the counts are already in the tables; only the state matters
            }
          }
        })
        .compose(events -> stream(conn, "select * from sessions where last_seen_at > $1 and started_at > $2" + mine,
            Tuple.of(sessionsSince.atOffset(ZoneOffset.UTC), sessionsSince.minus(java.time.Duration.ofDays(2)).atOffset(ZoneOffset.UTC),
                (long) partition, (long) partitions),
            r -> acc.remember(StoredRows.session(r), now)).map(sessions -> events + sessions))
        .compose(rows -> stream(conn, "select site_id, dim, day, value, sketch from rollup_sketch where day >= $1 and part = $2",
            Tuple.of(oldestSaltDay, (short) partition),
            r -> acc.sketches().restore(new StableSketches.Key(r.getInteger("site_id"), r.getShort("dim"), r.getLocalDate("day").toEpochDay(),
                r.getString("value")), r.getBuffer("sketch").getBytes())).map(sketches -> rows + sketches));
        }))
        .onSuccess(v -> {
          acc.endOfChunk(new RollupDelta()); // counts already stored: only the state matters
          acc.commit();
        });
  }

  /** Runs a query through a cursor, handing every row to {@code sink}; returns the row count. */
  static Future<Long> stream(SqlConnection conn, String sql, Tuple args, Consumer<Row> sink) {
    return conn.prepare(sql).compose(ps -> {
      Cursor cursor = ps.cursor(args);
      return readAll(cursor, sink, 0).eventually(cursor::close);
    });
  }

  private static Future<Long> readAll(Cursor cursor, Consumer<Row> sink, long count) {
    return cursor.read(PAGE).compose((RowSet<Row> rows) -> {
      long n = count;
      for (Row r : rows) {
        sink.accept(r);
        n++;
      }
      return cursor.hasMore() ? readAll(cursor, sink, n) : Future.succeededFuture(n);
    });
  }

  /** An event row as far as the rollups read it. */
  static EventRecord event(Row r) {
    return event(r, false);
  }

  static EventRecord event(Row r, boolean stable) {
    return new EventRecord(r.getInteger("site_id"), r.getOffsetDateTime("ts").toInstant(), 0, 0, r.getLong("visitor_id"), null,
        r.getLocalDate("salt_day"), null, r.getString("type"), r.getString("name"), r.getString("hostname"), r.getString("pathname"),
        null, null, null, r.getString("source"), r.getString("channel"), null, r.getString("utm_source"), r.getString("utm_medium"),
        r.getString("utm_campaign"), r.getString("utm_content"), r.getString("utm_term"), r.getString("country"), r.getString("region"),
        r.getString("city"), r.getString("device"), r.getString("browser"), null, r.getString("os"), null, null,
        r.getString("target_label"), r.getString("target_secondary"), null, null, null, null, null, null, true, null, stable);
  }

}
