package io.sightline.api.datalyr;

/** The DATALYR adapter's own SQL: raw-event listings and profiles (no metric is defined here). */
final class DatalyrSql {
  private DatalyrSql() {
  }

  /** Columns of an event row in {@code /events}. */
  static final String EVENT_COLUMNS = "e.event_id, e.name, e.visitor_id, e.session_id, e.user_id, e.ts, e.hostname, e.pathname, "
      + "e.query, e.referrer, e.country, e.region, e.city, e.utm_source, e.utm_medium, e.utm_campaign, e.browser, e.os, e.device, "
      + "e.screen_width, e.key_id, e.props, e.revenue_amount, e.revenue_currency";

  /** Event names of the last 30 days: $1 site, $2 from, $3 to. */
  static final String EVENT_NAMES = """
      select e.name, bool_or(e.type = 'pageview') as pageview, bool_or(e.type = 'custom') as custom, bool_or(e.type = 'click') as click,
             bool_or(e.type = 'form') as form, bool_or(e.revenue_amount is not null) as revenue, bool_or(e.key_id is null) as web
      from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3 and e.type <> 'engagement'
      group by e.name order by e.name limit 1000""";

  /** The ad platforms with imported rows: $1 site. */
  static final String PLATFORMS = "select distinct platform from ad_performance where site_id = $1 order by platform";

  /**
   * Profiles active in [$2, $3): events grouped by person (the identified user a visitor id belongs
   * to, else the visitor id). $4 search text or null, $5 visitor ids the search may name, $6 limit, $7 offset.
   */
  static final String USERS = """
      with ev as (select e.visitor_id, e.user_id, e.session_id, e.ts, e.type, e.country, e.city, e.device, e.browser
                  from events e where e.site_id = $1 and e.ts >= $2 and e.ts < $3),
      owner as (select v.visitor_id, (select u.user_id from users u where u.site_id = $1 and u.visitor_ids @> array[v.visitor_id]
                                      order by u.user_id limit 1) as uid
                from (select distinct visitor_id from ev) v),
      g as (select coalesce(ev.user_id, o.uid, 'v:' || ev.visitor_id) as person, min(coalesce(ev.user_id, o.uid)) as user_id,
                   min(ev.ts) as first_seen, max(ev.ts) as last_seen, count(*) filter (where ev.type <> 'engagement') as total_events,
                   count(distinct ev.session_id) as total_sessions, array_agg(distinct ev.visitor_id) as visitor_ids,
                   (array_agg(ev.visitor_id order by ev.ts desc))[1] as visitor_id, (array_agg(ev.country order by ev.ts desc))[1] as country,
                   (array_agg(ev.city order by ev.ts desc))[1] as city, (array_agg(ev.device order by ev.ts desc))[1] as device,
                   (array_agg(ev.browser order by ev.ts desc))[1] as browser
            from ev left join owner o on o.visitor_id = ev.visitor_id group by 1),
      m as (select g.*, u.email from g left join users u on u.site_id = $1 and u.user_id = g.user_id
            where $4::text is null or g.user_id = $4 or strpos(lower(u.email), lower($4)) > 0 or g.visitor_ids && $5::bigint[])
      select m.*, count(*) over () as total from m order by m.last_seen desc, m.person limit $6 offset $7""";

  /** The identified user owning one of $2 (visitor ids) or named $3: $1 site. */
  static final String FIND_USER = """
      select user_id, email, visitor_ids, first_seen, last_seen from users
      where site_id = $1 and (user_id = $3 or visitor_ids && $2::bigint[]) order by (user_id = $3) desc, user_id limit 1""";

  /** A profile's events, all time, oldest first: $1 site, $2 visitor ids, $3 user id or null; at most 100,000. */
  static final String PROFILE_EVENTS = """
      select e.event_id, e.session_id, e.visitor_id, e.ts, e.type, e.name, e.pathname, e.country, e.city, e.revenue_amount,
             exists (select 1 from unnest($4::text[], $5::text[], $6::text[]) g(name, type, pattern) where %s) as goal
      from events e where e.site_id = $1 and (e.visitor_id = any($2::bigint[]) or e.user_id = $3)
      order by e.ts, e.event_id limit 100000""";
}
