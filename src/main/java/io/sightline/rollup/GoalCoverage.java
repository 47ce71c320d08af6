package io.sightline.rollup;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalType;
import io.sightline.query.GoalMatch;
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
 * <p>Those changes ride on the next batch's statement ({@link #pending}), not a statement of their
 * own: a batch's events count the goals installed when its delta was computed, so putting the row
 * change in the first batch counted with the new set makes "counting started/stopped" and the row
 * commit together, and the "site has no events" check sees exactly the events counted without the
 * goal. While no batch is written, nothing is counted wrongly either. Confined to the writer's event loop.
 */
public final class GoalCoverage {
  private static final Logger LOG = LoggerFactory.getLogger(GoalCoverage.class);
  public static final long REFRESH_MILLIS = 10_000;
  private static final String GOALS = "select site_id, name, type, match from goals";

  /** A (site, goal key) pair: a row of {@code rollup_goal_coverage}. */
  private record SiteGoal(int siteId, String key) {
  }

  private final RollupAccumulator accumulator;
  private Set<SiteGoal> counted = Set.of();
  /** Row changes not yet committed: true = the goal started being counted (insert), false = it stopped (delete). */
  private final Map<SiteGoal, Boolean> changes = new LinkedHashMap<>();
  private boolean refreshing;

  public GoalCoverage(RollupAccumulator accumulator) {
    this.accumulator = accumulator;
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
    return load(client, null).compose(goals -> client.query("select site_id, goal_key from rollup_goal_coverage").execute()
        .map(rows -> {
          Set<SiteGoal> stored = new HashSet<>();
          rows.forEach(r -> stored.add(new SiteGoal(r.getInteger(0), r.getString(1))));
          Set<SiteGoal> now = install(goals);
          now.stream().filter(g -> !stored.contains(g)).forEach(g -> changes.put(g, true));
          stored.stream().filter(g -> !now.contains(g)).forEach(g -> changes.put(g, false));
          return null;
        }));
  }

  /** Reloads the goals (skipped while the previous reload runs); on failure the current ones stay. */
  public void refresh(SqlClient client) {
    if (refreshing) {
      return;
    }
    refreshing = true;
    load(client, null).onComplete(ar -> {
      refreshing = false;
      if (ar.failed()) {
        LOG.warn("Reloading the goals for the rollups failed ({}); counting the previous ones", ar.cause().getMessage());
        return;
      }
      Set<SiteGoal> before = counted;
      Set<SiteGoal> now = install(ar.result());
      // the latest change wins; a goal removed and re-added gets since = the next midnight again (conservative)
      now.stream().filter(g -> !before.contains(g)).forEach(g -> changes.put(g, true));
      before.stream().filter(g -> !now.contains(g)).forEach(g -> changes.put(g, false));
    });
  }

  private Set<SiteGoal> install(Map<Integer, List<GoalRule>> goals) {
    Set<SiteGoal> now = new HashSet<>();
    goals.forEach((site, rules) -> rules.forEach(r -> now.add(new SiteGoal(site, r.key()))));
    accumulator.setGoals(goals);
    counted = now;
    return now;
  }

  /** The (site, goal key) pairs counted, for a gauge. */
  public int size() {
    return counted.size();
  }

  /** The row changes a batch carries: {@link #PARAMS} arrays for {@link #SQL}, and what to forget once it commits. */
  public static final class Pending {
    private final Map<SiteGoal, Boolean> changes;

    private Pending(Map<SiteGoal, Boolean> changes) {
      this.changes = changes;
    }

    /** Whether the batch carries no goal change (its statement then leaves the goal CTEs out). */
    public boolean isEmpty() {
      return changes.isEmpty();
    }

    public Object[] arrays() {
      List<Integer> addSites = new ArrayList<>();
      List<String> addKeys = new ArrayList<>();
      List<Integer> dropSites = new ArrayList<>();
      List<String> dropKeys = new ArrayList<>();
      changes.forEach((g, add) -> {
        (add ? addSites : dropSites).add(g.siteId());
        (add ? addKeys : dropKeys).add(g.key());
      });
      return new Object[] {addSites.toArray(Integer[]::new), addKeys.toArray(String[]::new), dropSites.toArray(Integer[]::new),
          dropKeys.toArray(String[]::new)};
    }
  }

  public Pending pending() {
    return new Pending(Map.copyOf(changes));
  }

  /** The batch that carried {@code p} committed: its changes are stored (unless a reload changed them since). */
  public void committed(Pending p) {
    p.changes.forEach(changes::remove);
  }

  public static final int PARAMS = 4;

  /**
   * CTEs for the batch statement, parameters from {@code first}: insert the started goals' rows,
   * delete the stopped ones'. A started goal's row counts from the next UTC midnight after now plus
   * 5 minutes (events may be stamped up to a minute ahead of the clock, a few minutes of clock skew
   * between hosts allowed), so no event counted without the goal lies after {@code since}; or from
   * {@code -infinity} when the site has no stored event (the statement's snapshot does not see the
   * batch's own events, which are counted). An existing row (a rebuild that raced this writer's
   * reload) only moves later.
   */
  public static String sql(int first) {
    return "goals_started as (insert into rollup_goal_coverage (site_id, goal_key, since) "
        + "select g.site_id, g.goal_key, case when exists (select 1 from events e where e.site_id = g.site_id) "
        + "then date_trunc('day', now() + interval '5 minutes', 'UTC') + interval '1 day' else '-infinity' end "
        + "from unnest($" + first + "::int4[], $" + (first + 1) + "::text[]) g(site_id, goal_key) "
        + "on conflict (site_id, goal_key) do update set since = greatest(rollup_goal_coverage.since, excluded.since)), "
        + "goals_stopped as (delete from rollup_goal_coverage c using unnest($" + (first + 2) + "::int4[], $" + (first + 3)
        + "::text[]) g(site_id, goal_key) where c.site_id = g.site_id and c.goal_key = g.goal_key)";
  }
}
