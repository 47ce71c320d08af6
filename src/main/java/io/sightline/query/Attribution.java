package io.sightline.query;

import io.sightline.goal.GoalMatch;
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
 * in range that carries revenue (an <em>order</em>) or completes one of the conversion goals the caller
 * passes. A <em>touch</em> is a session with a {@code utm_campaign}. A conversion is credited to the
 * campaign (utm_source, utm_medium, utm_campaign) of the first touch of the same person that started
 * within {@code windowDays} before it, when the visitor is stable (a sender-supplied {@code user_id}, or
 * a {@code visitor_id}; the person is the identified user the visitor id belongs to, whose sessions all
 * count); otherwise (a daily-rotating anonymous id) to the campaign of the session it happened in. A
 * conversion with no touch is not credited to any campaign.
 *
 * <p>A campaign's <em>converters</em> are those of its visitors (visitor ids with an event in range in a
 * session of the campaign, as the engine counts the campaign's {@code visitors}) whose person has a
 * conversion credited to it: a subset of its visitors, so a conversion rate over them is at most 100 %.
 */
public final class Attribution {
  /** $1 site, $2 start, $3 end, $4-$6 conversion goals (names, types, patterns), $7 window days. */
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
      credited as materialized (
        select c.event_id, c.revenue_amount, c.visitor_id, c.uid,
               case when c.stable then f.utm_source else c.utm_source end as utm_source,
               case when c.stable then f.utm_medium else c.utm_medium end as utm_medium,
               case when c.stable then f.utm_campaign else c.utm_campaign end as utm_campaign
        from c left join lateral (
          select s.utm_source, s.utm_medium, s.utm_campaign from sessions s
          where c.stable and s.site_id = $1 and s.utm_campaign is not null
            and s.started_at >= c.ts - make_interval(days => $7) and s.started_at <= c.ts
            and (s.visitor_id = c.visitor_id or c.uid is not null and (s.user_id = c.uid
                 or s.visitor_id = any(coalesce((select u.visitor_ids from users u where u.site_id = $1 and u.user_id = c.uid), '{}'))))
          order by s.started_at, s.session_id limit 1) f on true
        where (case when c.stable then f.utm_campaign else c.utm_campaign end) is not null),
      people as materialized (
        select distinct cr.utm_source, cr.utm_medium, cr.utm_campaign, v.visitor_id
        from credited cr cross join lateral unnest(array[cr.visitor_id] || coalesce(
          (select u.visitor_ids from users u where u.site_id = $1 and u.user_id = cr.uid), '{}'::bigint[])) v(visitor_id)),
      seen as (
        select distinct e.utm_source, e.utm_medium, e.utm_campaign, e.visitor_id from events e
        where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.utm_campaign is not null
          and e.visitor_id in (select visitor_id from people)),
      converters as (
        select p.utm_source, p.utm_medium, p.utm_campaign, count(*) as converters
        from people p join seen on seen.visitor_id = p.visitor_id and seen.utm_campaign = p.utm_campaign
          and seen.utm_source is not distinct from p.utm_source and seen.utm_medium is not distinct from p.utm_medium
        group by 1, 2, 3),
      totals as (
        select utm_source, utm_medium, utm_campaign, count(*) as conversions, count(revenue_amount) as orders, sum(revenue_amount) as revenue
        from credited group by 1, 2, 3)
      select t.*, coalesce(v.converters, 0) as converters
      from totals t left join converters v on v.utm_campaign = t.utm_campaign
        and v.utm_source is not distinct from t.utm_source and v.utm_medium is not distinct from t.utm_medium""".formatted(SessionPlan.goalMatches("g", "e"));

  /**
   * One campaign's credited conversions, the orders among them (those carrying revenue), their revenue
   * (null when none carried any), and its converters.
   */
  public record Credit(String utmSource, String utmMedium, String utmCampaign, long conversions, long orders, BigDecimal revenue,
                       long converters) {
  }

  private final Pool pool;

  /** The SQL condition that event {@code e} completes goal {@code g} (a row of the goals' unnest: name, type, pattern). */
  public static String completesGoal(String g, String e) {
    return SessionPlan.goalMatches(g, e);
  }

  public Attribution(Pool pool) {
    this.pool = pool;
  }

  /** @param goals the goals whose completions are conversions (besides revenue events) */
  public Future<List<Credit>> credits(int siteId, Instant start, Instant end, List<GoalMatch> goals, int windowDays) {
    Tuple params = Tuple.of(siteId, OffsetDateTime.ofInstant(start, ZoneOffset.UTC), OffsetDateTime.ofInstant(end, ZoneOffset.UTC),
        goals.stream().map(GoalMatch::name).toArray(String[]::new), goals.stream().map(GoalMatch::type).toArray(String[]::new),
        goals.stream().map(GoalMatch::pattern).toArray(String[]::new), windowDays);
    return BoundedSql.execute(pool, SQL, params).map(rows -> {
      List<Credit> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Credit(r.getString("utm_source"), r.getString("utm_medium"), r.getString("utm_campaign"), r.getLong("conversions"),
            r.getLong("orders"), r.getBigDecimal("revenue"), r.getLong("converters")));
      }
      return out;
    });
  }
}
