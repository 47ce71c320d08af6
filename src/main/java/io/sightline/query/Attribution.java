package io.sightline.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Campaign attribution of conversions (docs/api.md, "DATALYR"): a <em>conversion</em> is a counted event
 * in range that completes one of the site's goals or carries revenue. A <em>touch</em> is a session
 * with a {@code utm_campaign}. A conversion is credited to the campaign (utm_source, utm_medium,
 * utm_campaign) of the first touch of the same person that started within {@code windowDays} before
 * it, when the visitor is stable (a sender-supplied {@code user_id}, or a {@code visitor_id}; the
 * person is the identified user the visitor id belongs to, whose sessions all count); otherwise (a
 * daily-rotating anonymous id) to the campaign of the session it happened in. A conversion with no
 * touch is not credited to any campaign.
 */
public final class Attribution {
  /** $1 site, $2 start, $3 end, $4-$6 goals (names, types, patterns), $7 window days. */
  static final String SQL = """
      with c as (
        select e.event_id, e.ts, e.visitor_id, e.revenue_amount, e.utm_source, e.utm_medium, e.utm_campaign,
               coalesce(e.user_id, (select u.user_id from users u where u.site_id = $1 and u.visitor_ids @> array[e.visitor_id]
                                    order by u.user_id limit 1)) as uid,
               (e.user_id is not null or exists (select 1 from stable_visitors sv where sv.site_id = $1 and sv.visitor_id = e.visitor_id)) as stable
        from events e
        where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.type <> 'engagement'
          and (e.revenue_amount is not null or exists (select 1 from unnest($4::text[], $5::text[], $6::text[]) g(name, type, pattern)
                                                       where %s))),
      credited as (
        select c.event_id, c.revenue_amount,
               case when c.stable then f.utm_source else c.utm_source end as utm_source,
               case when c.stable then f.utm_medium else c.utm_medium end as utm_medium,
               case when c.stable then f.utm_campaign else c.utm_campaign end as utm_campaign
        from c left join lateral (
          select s.utm_source, s.utm_medium, s.utm_campaign from sessions s
          where c.stable and s.site_id = $1 and s.utm_campaign is not null
            and s.started_at >= c.ts - make_interval(days => $7) and s.started_at <= c.ts
            and (s.visitor_id = c.visitor_id or c.uid is not null and (s.user_id = c.uid
                 or s.visitor_id = any(coalesce((select u.visitor_ids from users u where u.site_id = $1 and u.user_id = c.uid), '{}'))))
          order by s.started_at, s.session_id limit 1) f on true)
      select utm_source, utm_medium, utm_campaign, count(*) as conversions, sum(revenue_amount) as revenue
      from credited where utm_campaign is not null group by 1, 2, 3""".formatted(SessionPlan.goalMatches("g", "e"));

  /** One campaign's credited conversions and their revenue (null when none carried revenue). */
  public record Credit(String utmSource, String utmMedium, String utmCampaign, long conversions, BigDecimal revenue) {
  }

  private final Pool pool;

  /** The SQL condition that event {@code e} completes goal {@code g} (a row of the goals' unnest: name, type, pattern). */
  public static String completesGoal(String g, String e) {
    return SessionPlan.goalMatches(g, e);
  }

  public Attribution(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Credit>> credits(int siteId, Instant start, Instant end, List<GoalMatch> goals, int windowDays) {
    Tuple params = Tuple.of(siteId, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), OffsetDateTime.ofInstant(end, ZoneOffset.UTC),
        goals.stream().map(GoalMatch::name).toArray(String[]::new), goals.stream().map(GoalMatch::type).toArray(String[]::new),
        goals.stream().map(GoalMatch::pattern).toArray(String[]::new), windowDays);
    return BoundedSql.execute(pool, SQL, params).map(rows -> {
      List<Credit> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Credit(r.getString("utm_source"), r.getString("utm_medium"), r.getString("utm_campaign"), r.getLong("conversions"),
            r.getBigDecimal("revenue")));
      }
      return out;
    });
  }
}
