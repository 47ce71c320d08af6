package io.sightline.bench;

import io.sightline.db.MigrationRunner;
import io.sightline.db.embedded.EmbeddedPostgres;
import io.sightline.event.Dimension;
import io.sightline.goal.GoalMatch;
import io.sightline.lifecycle.Await;
import io.sightline.query.Filter;
import io.sightline.query.Metric;
import io.sightline.query.Operator;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.rollup.RollupRebuild;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads N synthetic events for one site plus two small sites (30 days, 3 events a session, 5,000
 * skewed pages, 7 sources, 50 countries, 3 devices, daily visitor ids) straight into the tables,
 * derives their sessions, builds the rollups with {@code RollupRebuild} (the writer's accumulator),
 * then times each dashboard query on the raw path and as served (rollups when they cover it),
 * checks both return the same rows, and prints the medians.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.sightline.bench.QueryBenchmark \
 *     -Dexec.args="--events 10000000 --runs 5 --raw-runs 1"
 * </pre>
 * Without {@code --database-url} it uses an embedded PostgreSQL in a temp directory.
 */
public final class QueryBenchmark {
  /**
   * N events of one site: sessions of 3 events a minute apart, spread evenly over 30 days; daily visitor
   * ids (visitor number x day, with the salt day of the session's start), so rollups and raw count the same
   * visitors; page by a skewed hash, source/channel per session, country/device per visitor.
   */
  private static final String LOAD = """
      insert into events (site_id, ts, event_id, session_id, visitor_id, salt_day, page_visit_id, type, name, hostname, pathname,
                          source, channel, country, device, browser, os, screen_width, interactive)
      select $4, base + (i % 3) * interval '1 minute', $5 + i, $5 + sid,
             (sid % $3) * 100000 + ((base at time zone 'UTC')::date - date '2000-01-01'), (base at time zone 'UTC')::date,
             case when i % 10 < 9 then $5 + i end,
             case when i % 10 < 9 then 'pageview' else 'custom' end, case when i % 10 < 9 then 'pageview' else 'Signup' end,
             'bench.example', '/page/' || floor(5000 * power(((sid * 7919 + i * 104729) % 1000003) / 1000003.0, 3))::int,
             (array[null, 'Google', 'Twitter', 'newsletter', 'Hacker News', 'Bing', 'Facebook'])[1 + sid % 7],
             (array['Direct', 'Organic Search', 'Organic Social', 'Email', 'Organic Social', 'Organic Search', 'Organic Social'])[1 + sid % 7],
             (array['DE','US','GB','FR','IN','BR','JP','CA','NL','ES','IT','SE','PL','AU','MX','CH','AT','BE','DK','NO',
                    'FI','IE','PT','CZ','RO','HU','GR','TR','IL','ZA','NG','KE','EG','AR','CL','CO','PE','KR','CN','TW',
                    'SG','MY','TH','VN','ID','PH','NZ','UA','RU','SA'])[1 + ((sid % $3) * 7) % 50],
             (array['desktop', 'mobile', 'tablet'])[1 + (sid % $3) % 3], 'Chrome', 'Windows', 1280, true
      from (select i, i / 3 as sid, $1::timestamptz + ((i / 3)::double precision / ($2::bigint / 3)) * interval '30 days' as base
            from generate_series(0::bigint, $2::bigint - 1) as i) g""";

  /** The sessions table from the events, as the writer would have kept it (the raw path reads session facts from it). */
  private static final String SESSIONS = """
      insert into sessions (site_id, session_id, started_at, last_seen_at, visitor_id, salt_day, entry_page, exit_page, hostname,
                            source, channel, country, device, browser, os, screen_width, pageviews, events, interactive, clicks)
      select site_id, session_id, min(ts), max(ts), min(visitor_id), min(salt_day),
             (array_agg(pathname order by ts, event_id) filter (where type = 'pageview'))[1],
             (array_agg(pathname order by ts desc, event_id desc) filter (where type = 'pageview'))[1],
             min(hostname), min(source), min(channel), min(country), min(device), min(browser), min(os), min(screen_width),
             count(*) filter (where type = 'pageview'), count(*) filter (where type <> 'engagement'),
             coalesce(bool_or(interactive and type in ('custom', 'click', 'form')), false), count(*) filter (where type = 'click')
      from events group by site_id, session_id""";


  private static long median(List<Long> times) {
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--events", "1000000", "--runs", "5"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    long n = Long.parseLong(o.get("--events"));
    int runs = Integer.parseInt(o.get("--runs"));
    Path dir = null;
    EmbeddedPostgres pg = null;
    PgConnectOptions connect;
    if (o.containsKey("--database-url")) {
      connect = PgConnectOptions.fromUri(o.get("--database-url"));
    } else {
      dir = TestPostgres.tempDir("sightline-query-bench-");
      pg = EmbeddedPostgres.start(dir, 0, Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres"));
      connect = new PgConnectOptions().setHost(pg.host()).setPort(pg.port()).setUser(pg.user()).setPassword(pg.password())
          .setDatabase(pg.database());
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
    Duration long_ = Duration.ofHours(2);
    try {
      Await.result(new MigrationRunner(pool, MigrationRunner.bundled()).migrate(), long_);
      LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(31);
      Instant start = first.atStartOfDay(ZoneOffset.UTC).toInstant();
      Await.result(pool.preparedQuery("select sightline_ensure_partitions($1::date, $2::date)").execute(Tuple.of(first, first.plusDays(32))), long_);
      for (String domain : List.of("bench.example", "small.example", "tiny.example")) {
        Await.result(pool.preparedQuery("insert into sites (domain, name) values ($1, $1) on conflict do nothing").execute(Tuple.of(domain)), long_);
      }
      // the goals the goals query asks about, stored so that the rollups count them
      Await.result(pool.query("insert into goals (site_id, name, type, match) values (1, 'Signup', 'custom', 'Signup'), "
          + "(1, 'Top pages', 'pageview', '/page/1*') on conflict do nothing").execute(), long_);
      boolean load = !"false".equals(o.get("--load"));
      long t0 = System.nanoTime();
      if (load) {
        Await.result(pool.query("truncate events, sessions, rollup_total, rollup_dim").execute(), long_);
        // one big site and two small ones (1/8 and 1/40 of its events)
        long[] sizes = {n, Math.max(3, n / 8 / 3 * 3), Math.max(3, n / 40 / 3 * 3)};
        for (int site = 1; site <= 3; site++) {
          long events = sizes[site - 1];
          Await.result(pool.preparedQuery(LOAD).execute(Tuple.of(start.atOffset(ZoneOffset.UTC), events, Math.max(1, events / 33 / 30), site,
              site * 1_000_000_000_000L)), long_);
        }
        Await.result(pool.query(SESSIONS).execute(), long_);
        Await.result(pool.query("analyze events").execute(), long_);
        Await.result(pool.query("analyze sessions").execute(), long_);
        System.out.printf("loaded %,d + %,d + %,d events and their sessions in %.1f s%n", sizes[0], sizes[1], sizes[2], (System.nanoTime() - t0) / 1e9);
      }
      if (load || "true".equals(o.get("--rebuild"))) {
        for (int site = 1; site <= 3; site++) {
          long t1 = System.nanoTime();
          RollupRebuild.Result built = Await.result(RollupRebuild.site(pool, site), long_);
          System.out.printf("rollups of site %d: %,d total rows, %,d dimension rows from %,d events in %.1f s%n", site, built.totalRows(),
              built.dimRows(), built.events(), (System.nanoTime() - t1) / 1e9);
        }
        Await.result(pool.query("vacuum analyze rollup_total").execute(), long_);
        Await.result(pool.query("vacuum analyze rollup_dim").execute(), long_);
      }

      // what the server's hourly task does: weeks older than the backfill window (7 days) and the spill day become blocks
      int weeks = Await.result(io.sightline.rollup.WeekBlocks.compact(pool, LocalDate.now(ZoneOffset.UTC).minusDays(9)), long_);
      System.out.printf("compacted %d closed weeks%n", weeks);
      Await.result(pool.query("vacuum analyze rollup_dim_week").execute(), long_);
      int timeout = (int) Duration.ofMinutes(30).toMillis(); // measure, do not cut off
      QueryEngine raw = new QueryEngine(pool, timeout, false);
      QueryEngine engine = new QueryEngine(pool, timeout, true);
      int rawRuns = Integer.parseInt(o.getOrDefault("--raw-runs", Integer.toString(runs)));
      Instant end = start.plus(Duration.ofDays(30));
      ZoneId utc = ZoneId.of("UTC");
      List<Metric> totals = List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.BOUNCE_RATE, Metric.AVG_DURATION);
      Map<String, QuerySpec> queries = new java.util.LinkedHashMap<>();
      queries.put("totals (visitors, sessions, pageviews, bounce, duration)", new QuerySpec(1, start, end, utc, totals, List.of(), List.of(), null, true, 100, 0));
      queries.put("30-day series (visitors, pageviews), UTC", new QuerySpec(1, start, end, utc,
          List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Dimension.DATE), List.of(), null, false, 10_000, 0));
      queries.put("30-day series (visitors, pageviews), Asia/Kolkata", new QuerySpec(1, start, end, ZoneId.of("Asia/Kolkata"),
          List.of(Metric.VISITORS, Metric.PAGEVIEWS), List.of(Dimension.DATE), List.of(), null, false, 10_000, 0));
      queries.put("top 10 pages by visitors", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS, Metric.PAGEVIEWS),
          List.of(Dimension.PAGE), List.of(), null, true, 10, 0));
      queries.put("sources", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS, Metric.BOUNCE_RATE), List.of(Dimension.SOURCE), List.of(), null, true, 10, 0));
      queries.put("countries", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS), List.of(Dimension.COUNTRY), List.of(), null, true, 10, 0));
      queries.put("devices", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS), List.of(Dimension.DEVICE), List.of(), null, true, 10, 0));
      queries.put("channels", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS), List.of(Dimension.CHANNEL), List.of(), null, true, 10, 0));
      queries.put("browsers", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS), List.of(Dimension.BROWSER), List.of(), null, true, 10, 0));
      queries.put("entry pages", new QuerySpec(1, start, end, utc, List.of(Metric.SESSIONS), List.of(Dimension.ENTRY_PAGE), List.of(), null, true, 10, 0));
      queries.put("exit pages", new QuerySpec(1, start, end, utc, List.of(Metric.SESSIONS), List.of(Dimension.EXIT_PAGE), List.of(), null, true, 10, 0));
      queries.put("goals (visitors, conversions by goal)", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS, Metric.CONVERSIONS),
          List.of(Dimension.GOAL), List.of(), null, true, 10, 0).withGoals(List.of(new GoalMatch("Signup", "custom", "Signup"),
          new GoalMatch("Top pages", "pageview", "/page/1%"))));
      queries.put("drill-down: top pages where source = Google", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS, Metric.PAGEVIEWS),
          List.of(Dimension.PAGE), List.of(new Filter(Dimension.SOURCE, Operator.IS, List.of("Google"))), null, true, 10, 0));
      queries.put("drill-down: top pages where country = DE", new QuerySpec(1, start, end, utc, List.of(Metric.VISITORS, Metric.PAGEVIEWS),
          List.of(Dimension.PAGE), List.of(new Filter(Dimension.COUNTRY, Operator.IS, List.of("DE"))), null, true, 10, 0));
      if (o.containsKey("--explain")) {
        for (var row : Await.result(pool.preparedQuery("explain (analyze, buffers) " + o.get("--explain")).execute(Tuple.of(1, (short) 1,
            LocalDate.ofInstant(start, ZoneOffset.UTC), LocalDate.ofInstant(end, ZoneOffset.UTC))), long_)) {
          System.out.println(row.getString(0));
        }
        for (String setup : o.getOrDefault("--setups", "select 1").split(";;")) {
          List<Long> plain = new ArrayList<>();
          for (int r = 0; r < 7; r++) {
            long s = System.nanoTime();
            Await.result(pool.withConnection(conn -> conn.query(setup).execute().compose(v -> conn.preparedQuery(o.get("--explain"))
                .execute(Tuple.of(1, (short) 1, LocalDate.ofInstant(start, ZoneOffset.UTC), LocalDate.ofInstant(end, ZoneOffset.UTC))))
                .eventually(() -> conn.query("reset all").execute())), long_);
            plain.add((System.nanoTime() - s) / 1_000_000);
          }
          System.out.println("the statement alone after '" + setup + "', 7 runs (ms): " + plain);
        }
      }
      System.out.printf("%-56s %12s %12s  %-7s %s%n", "query (site 1, 30 days)", "raw p50 ms", "served p50", "plan", "same rows");
      java.util.regex.Pattern only = java.util.regex.Pattern.compile(o.getOrDefault("--only", ".*"));
      for (Map.Entry<String, QuerySpec> q : queries.entrySet()) {
        if (!only.matcher(q.getKey()).find()) {
          continue;
        }
        List<Map<String, Object>> rawRows = null;
        List<Long> rawTimes = new ArrayList<>();
        for (int r = 0; r < rawRuns; r++) {
          long s = System.nanoTime();
          rawRows = Await.result(raw.run(q.getValue()), long_).rows();
          rawTimes.add((System.nanoTime() - s) / 1_000_000);
        }
        for (int w = 0; w < 3; w++) {
          Await.result(engine.run(q.getValue()), long_); // warm-up: a server runs its query code compiled, not interpreted
        }
        List<Map<String, Object>> rows = null;
        List<Long> times = new ArrayList<>();
        long rollupsBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
        long flagsBefore = QueryEngine.answered(QueryEngine.Plan.FLAGS);
        for (int r = 0; r < runs; r++) {
          long s = System.nanoTime();
          rows = Await.result(engine.run(q.getValue()), long_).rows();
          times.add((System.nanoTime() - s) / 1_000_000);
        }
        String plan = QueryEngine.answered(QueryEngine.Plan.ROLLUP) > rollupsBefore ? "rollup"
            : QueryEngine.answered(QueryEngine.Plan.FLAGS) > flagsBefore ? "flags" : "raw";
        System.out.printf("%-56s %,12d %,12d  %-7s %s   (runs raw %s, served %s)%n", q.getKey(), median(rawTimes), median(times), plan,
            rawRows == null || rawRows.equals(rows) ? "yes" : "NO: raw " + rawRows + " served " + rows, rawTimes, times);
      }
    } finally {
      Await.result(pool.close(), Duration.ofSeconds(10));
      Await.result(vertx.close(), Duration.ofSeconds(10));
      if (pg != null) {
        pg.close();
        TestPostgres.deleteRecursively(dir);
      }
    }
    System.exit(0);
  }
}
