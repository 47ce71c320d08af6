package io.sightline.query;

import io.sightline.goal.GoalMatch;
import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Funnels over raw events: how many visitors reached each step. A step is a page (a pageview of that
 * exact path), an event (any event but engagement beacons with that name) or a goal (an event
 * completing it, as the goal dimension defines). Counted over the site's events in [start, end):
 * <ul>
 *   <li>{@link Mode#UNBOUNDED}: step k counts the visitors who did steps 1..k, each at least once, in
 *   any order, anywhere in the range (one event may satisfy several steps);</li>
 *   <li>{@link Mode#SEQUENTIAL}: step k counts the visitors with a session in which steps 1..k happened
 *   in that order, each on a later event than the previous step's (by time, then event id); matched
 *   greedily on the earliest occurrence, which finds an ordered match whenever one exists.</li>
 * </ul>
 * Counts never grow from one step to the next. Parameters: $1 site, $2 start, $3 end, then two per step.
 */
public final class FunnelQuery {
  public static final int MAX_STEPS = 10;

  public enum Mode { UNBOUNDED, SEQUENTIAL }

  public enum StepKind { PAGE, EVENT, GOAL }

  /** One step; for a goal step, {@code goal} is its definition (the caller resolves the name). */
  public record Step(StepKind kind, String value, GoalMatch goal) {
  }

  private final Pool pool;
  private final int timeoutMs;

  public FunnelQuery(Pool pool) {
    this(pool, QueryEngine.DEFAULT_TIMEOUT_MS);
  }

  public FunnelQuery(Pool pool, int timeoutMs) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Each step's conversion: its visitors as a percentage of the first step's, two decimals (100 for the first step
   * with visitors, 0 for any step when the first has none).
   */
  public static List<Double> conversionRates(List<Long> visitors) {
    List<Double> out = new ArrayList<>();
    long first = visitors.isEmpty() ? 0 : visitors.get(0);
    for (long v : visitors) {
      out.add(first == 0 ? 0.0 : java.math.BigDecimal.valueOf(100 * v).divide(java.math.BigDecimal.valueOf(first), 2,
          java.math.RoundingMode.HALF_UP).doubleValue());
    }
    return out;
  }

  /** The visitors who reached each step, in step order. */
  public Future<List<Long>> run(int siteId, Instant start, Instant end, List<Step> steps, Mode mode) {
    if (steps.isEmpty() || steps.size() > MAX_STEPS) {
      throw ApiException.badRequest("A funnel has 1 to " + MAX_STEPS + " steps");
    }
    List<Object> params = new ArrayList<>(List.of(siteId, OffsetDateTime.ofInstant(start, ZoneOffset.UTC),
        OffsetDateTime.ofInstant(end, ZoneOffset.UTC)));
    String sql = sql(steps, mode, params);
    return BoundedSql.execute(pool, sql, Tuple.from(params), timeoutMs)
        .map(rows -> {
          Row r = rows.iterator().next();
          List<Long> out = new ArrayList<>();
          for (int i = 1; i <= steps.size(); i++) {
            out.add(r.getLong("c" + i));
          }
          return out;
        });
  }

  /** Whether event {@code e} is step {@code s}; its values become parameters. */
  private static String matches(Step s, List<Object> params) {
    return switch (s.kind()) {
      case PAGE -> {
        params.add(s.value());
        yield "e.type = 'pageview' and e.pathname = $" + params.size() + "::text";
      }
      case EVENT -> {
        params.add(s.value());
        yield "e.type <> 'engagement' and e.name = $" + params.size() + "::text";
      }
      case GOAL -> {
        params.add(s.goal().type());
        params.add(s.goal().pattern());
        yield "exists (select 1 from (values ($" + (params.size() - 1) + "::text, $" + params.size() + "::text)) g(type, pattern) where "
            + SessionPlan.goalMatches("g", "e") + ")";
      }
    };
  }

  static String sql(List<Step> steps, Mode mode, List<Object> params) {
    int n = steps.size();
    StringBuilder sql = new StringBuilder("with ev as (select e.event_id, e.session_id, e.visitor_id, e.ts");
    List<String> any = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      sql.append(", coalesce(").append(matches(steps.get(i - 1), params)).append(", false) as s").append(i);
      any.add("s" + i);
    }
    sql.append(" from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.type <> 'engagement')");
    if (mode == Mode.UNBOUNDED) {
      sql.append(", v as (select visitor_id");
      for (int i = 1; i <= n; i++) {
        sql.append(", bool_or(s").append(i).append(") as b").append(i);
      }
      sql.append(" from ev where ").append(String.join(" or ", any)).append(" group by visitor_id) select ");
      List<String> counts = new ArrayList<>();
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        all.append(i == 1 ? "" : " and ").append("b").append(i);
        counts.add("count(*) filter (where " + all + ") as c" + i);
      }
      return sql.append(String.join(", ", counts)).append(" from v").toString();
    }
    sql.append(", o as (select session_id, visitor_id, ").append(String.join(", ", any))
        .append(", row_number() over (partition by session_id order by ts, event_id) as rn from ev where ")
        .append(String.join(" or ", any)).append(")")
        .append(", f1 as (select session_id, min(visitor_id) as visitor_id, min(rn) as p from o where s1 group by session_id)");
    for (int i = 2; i <= n; i++) {
      sql.append(", f").append(i).append(" as (select f.session_id, f.visitor_id, min(o.rn) as p from f").append(i - 1)
          .append(" f join o on o.session_id = f.session_id and o.s").append(i).append(" and o.rn > f.p group by 1, 2)");
    }
    sql.append(" select ");
    List<String> counts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      counts.add("(select count(distinct visitor_id) from f" + i + ") as c" + i);
    }
    return sql.append(String.join(", ", counts)).toString();
  }
}
