package io.sightline.rollup;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which goals the rollup writer counts, and the {@code rollup_goal_coverage} rows that tell the
 * planner from when each (site, goal key) is counted. The writer loads every site's goals at start
 * and every {@link #REFRESH_MILLIS} ms, installs them in the {@link RollupAccumulator}, and
 * remembers the coverage changes that follow: a goal it starts counting needs a row (since = the
 * next UTC midnight, or {@code -infinity} when its site has no stored event yet, since then every
 * event is counted); a goal it stops counting loses its row.
 *
 * <p>Whether a started goal's site has stored events is asked once every writer counts the goal:
 * each writer (the only one, or every partition) installs reloaded goals between two of its batches
 * ({@link #installOnly}), so when all have, every event stored without the goal is committed and
 * visible, and every later one counts it. The row changes are then written at once ({@link #SQL}).
 * With several writer partitions, the first one reloads the goals, has the others install them, and
 * keeps the coverage rows ({@link #apply}). Confined to the writer's event loop.
 */
public final class GoalCoverage {
  private static final Logger LOG = LoggerFactory.getLogger(GoalCoverage.class);
  public static final long REFRESH_MILLIS = 10_000;
  private static final String GOALS = "select site_id, name, type, match from goals";

  /** A (site, goal key) pair: a row of {@code rollup_goal_coverage}. */
  private record SiteGoal(int siteId, String key) {
  }

  private final RollupAccumulator accumulator;
  /** Whether this writer keeps the coverage rows (the only writer, or the first partition); the others only install goals. */
  private final boolean keepsRows;
  private Set<SiteGoal> counted = Set.of();
  private boolean refreshing;

  public GoalCoverage(RollupAccumulator accumulator) {
    this(accumulator, true);
  }

  /** @param keepsRows false for a writer partition other than the first: it counts the goals, the first one keeps their rows */
  public GoalCoverage(RollupAccumulator accumulator, boolean keepsRows) {
    this.accumulator = accumulator;
    this.keepsRows = keepsRows;
  }

  /** Every site's goals ({@code site = null}) or one site's, as the query engine matches them ({@link Goal#toMatch}). */
  public static Future<Map<Integer, List<GoalRule>>> load(SqlClient client, Integer site) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = site == null ? client.query(GOALS).execute()
        : client.preparedQuery(GOALS + " where site_id = $1").execute(Tuple.of(site));
    return rows.map(rs -> {
      Map<Integer, List<GoalRule>> bySite = new HashMap<>();
      for (Row r : rs) {
        GoalType type = GoalType.parse(r.getString("type"));
        if (type != null) {
          GoalMatch m = new Goal(0, r.getInteger("site_id"), r.getString("name"), type, r.getString("match")).toMatch();
          bySite.computeIfAbsent(r.getInteger("site_id"), k -> new ArrayList<>()).add(GoalRule.of(m));
        }
      }
      return bySite;
    });
  }

  /**
   * At writer start (before the dedupe state is restored, which needs the goals): counts the current
   * goals. A goal that has a row keeps it (the previous writer counted it, and no event was written
   * while none ran); one without gets a row; a row whose goal is gone is deleted.
   */
  public Future<Void> start(SqlClient client) {
    if (!keepsRows) {
      return load(client, null).map(goals -> {
        installOnly(goals);
        return null;
      });
    }
    return load(client, null).compose(goals -> client.query("select site_id, goal_key from rollup_goal_coverage").execute()
        .compose(rows -> {
          Set<SiteGoal> stored = new HashSet<>();
          rows.forEach(r -> stored.add(new SiteGoal(r.getInteger(0), r.getString(1))));
          installOnly(goals);
          Set<SiteGoal> now = keys(goals);
          return record(client, stored, now);
        }));
  }

  /**
   * Reloads the goals (null while the previous reload runs); on failure the current ones stay. The first partition then has
   * every partition {@link #installOnly} them, itself included, and {@link #apply}s them.
   */
  public Future<Map<Integer, List<GoalRule>>> reload(SqlClient client) {
    if (refreshing) {
      return Future.succeededFuture(null);
    }
    refreshing = true;
    return load(client, null).onComplete(ar -> {
      refreshing = false;
      if (ar.failed()) {
        LOG.warn("Reloading the goals for the rollups failed ({}); counting the previous ones", ar.cause().getMessage());
      }
    });
  }

  /**
   * Once every partition counts {@code goals} (each installed them between two batches, so every event stored without them is
   * committed): records the coverage rows that change, a started goal's from {@code -infinity} if its site has no stored event
   * now (all its events are then counted), else from the next UTC midnight.
   */
  public Future<Void> apply(SqlClient client, Map<Integer, List<GoalRule>> goals) {
    return record(client, counted, keys(goals));
  }

  private Future<Void> record(SqlClient client, Set<SiteGoal> before, Set<SiteGoal> now) {
    List<SiteGoal> started = now.stream().filter(g -> !before.contains(g)).toList();
    Integer[] sites = started.stream().map(SiteGoal::siteId).distinct().toArray(Integer[]::new);
    Future<Set<Integer>> withEvents = sites.length == 0 ? Future.succeededFuture(Set.of())
        : client.preparedQuery(SITES_WITH_EVENTS).execute(Tuple.of(sites)).map(rows -> {
          Set<Integer> found = new HashSet<>();
          rows.forEach(r -> found.add(r.getInteger(0)));
          return found;
        });
    return withEvents.compose(found -> {
      Map<SiteGoal, Change> changes = new LinkedHashMap<>();
      started.forEach(g -> changes.put(g, found.contains(g.siteId()) ? Change.START : Change.START_FRESH));
      before.stream().filter(g -> !now.contains(g)).forEach(g -> changes.put(g, Change.STOP));
      Future<Void> written = changes.isEmpty() ? Future.succeededFuture()
          : client.preparedQuery(SQL).execute(Tuple.wrap(arrays(changes))).mapEmpty();
      return written.onSuccess(v -> counted = now); // else the next reload finds the same changes
    });
  }

  private static final String SITES_WITH_EVENTS = "select s from unnest($1::int4[]) s where exists (select 1 from events e where e.site_id = s)";

  /** What a coverage row undergoes: a goal started (from {@code -infinity} when {@code FRESH}, else the next midnight), or stopped. */
  private enum Change { START_FRESH, START, STOP }

  /** Counts {@code goals} from the next batch on (the caller makes sure no batch computed with the previous ones is in flight). */
  public void installOnly(Map<Integer, List<GoalRule>> goals) {
    accumulator.setGoals(goals);
  }

  private static Set<SiteGoal> keys(Map<Integer, List<GoalRule>> goals) {
    Set<SiteGoal> now = new HashSet<>();
    goals.forEach((site, rules) -> rules.forEach(r -> now.add(new SiteGoal(site, r.key()))));
    return now;
  }

  /** The (site, goal key) pairs counted, for a gauge. */
  public int size() {
    return counted.size();
  }

  private static Object[] arrays(Map<SiteGoal, Change> changes) {
    List<Integer> addSites = new ArrayList<>();
    List<String> addKeys = new ArrayList<>();
    List<Boolean> addFresh = new ArrayList<>();
    List<Integer> dropSites = new ArrayList<>();
    List<String> dropKeys = new ArrayList<>();
    // in key order: a rebuild that writes the same rows locks them in the same order
    changes.entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(SiteGoal::siteId)
        .thenComparing(SiteGoal::key))).forEach(e -> {
      boolean add = e.getValue() != Change.STOP;
      (add ? addSites : dropSites).add(e.getKey().siteId());
      (add ? addKeys : dropKeys).add(e.getKey().key());
      if (add) {
        addFresh.add(e.getValue() == Change.START_FRESH);
      }
    });
    return new Object[] {addSites.toArray(Integer[]::new), addKeys.toArray(String[]::new), addFresh.toArray(Boolean[]::new),
        dropSites.toArray(Integer[]::new), dropKeys.toArray(String[]::new)};
  }

  /** The coverage rows' changes, in one statement. */
  static final String SQL = "with " + sql(1) + " select 1";

  /**
   * The changes as CTEs, parameters from {@code first}: insert the started goals' rows,
   * delete the stopped ones'. A started goal's row counts from the next UTC midnight after now plus
   * 5 minutes (events may be stamped up to a minute ahead of the clock, a few minutes of clock skew
   * between hosts allowed), so no event counted without the goal lies after {@code since}; or from
   * {@code -infinity} when its site had no stored event once every writer counted it ({@code fresh}).
   * An existing row (a rebuild that raced this writer's reload) only moves later.
   */
  static String sql(int first) {
    return "goals_started as (insert into rollup_goal_coverage (site_id, goal_key, since) "
        + "select g.site_id, g.goal_key, case when g.fresh then '-infinity' "
        + "else date_trunc('day', now() + interval '5 minutes', 'UTC') + interval '1 day' end "
        + "from unnest($" + first + "::int4[], $" + (first + 1) + "::text[], $" + (first + 2) + "::bool[]) g(site_id, goal_key, fresh) "
        + "on conflict (site_id, goal_key) do update set since = greatest(rollup_goal_coverage.since, excluded.since)), "
        + "goals_stopped as (delete from rollup_goal_coverage c using unnest($" + (first + 3) + "::int4[], $" + (first + 4)
        + "::text[]) g(site_id, goal_key) where c.site_id = g.site_id and c.goal_key = g.goal_key)";
  }
}
