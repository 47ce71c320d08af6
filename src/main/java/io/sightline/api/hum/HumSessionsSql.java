package io.sightline.api.hum;

/**
 * SQL of Hum's session list and detail. Every value is bound; the statements are fixed text.
 *
 * <p>The list and detail share their parameters $1-$12: $1 site, $2-$6 the address properties
 * (street1, street2, city, state, zip), $7 the order event, $8 the order-number property, $9 the
 * commission property, $10-$12 the funnel's step numbers, goal types and patterns (LIKE patterns
 * for pageview goals). The list adds $13 start (inclusive), $14 end (exclusive), $15 key ids
 * (null: any), $16 with clicks, $17 limit, $18 offset; the detail adds $13 the session id.
 */
final class HumSessionsSql {
  /** The list's filters over sessions {@code s}: site $1, then the given parameters. */
  private static String selection(int start, int end, int keys, int clicks) {
    return "s.site_id = $1 and s.started_at >= $" + start + " and s.started_at < $" + end + " and ($" + keys + "::int[] is null or s.key_ids && $"
        + keys + "::int[]) and (not $" + clicks + "::boolean or s.clicks > 0)";
  }

  /** Sessions matching the list's filters: $1 site, $2 start, $3 end, $4 key ids, $5 with clicks. */
  static final String COUNT = "select count(*) as n from sessions s where " + selection(2, 3, 4, 5);

  private static final String SESSION_EVENTS = "e.site_id = $1 and e.session_id = p.session_id and e.ts >= p.started_at and e.ts <= p.last_seen_at";

  private static String latestProp(int param, String as) {
    return "(array_agg(e.props ->> $" + param + " order by e.ts desc, e.event_id desc) filter (where e.props ->> $" + param
        + " is not null))[1] as " + as;
  }

  /** Whether event {@code e} completes the funnel step's goal {@code st} (the rules of {@code goal.Goal}). */
  private static final String GOAL_MATCH = "(st.type = 'pageview' and e.type = 'pageview' and e.pathname like st.pattern escape '\\' "
      + "or st.type = 'custom' and e.type = 'custom' and e.name = st.pattern "
      + "or st.type = 'click' and e.type = 'click' and (e.target_label = st.pattern or e.target_secondary = st.pattern) "
      + "or st.type = 'form' and e.type = 'form' and (st.pattern = '*' or e.target_label = st.pattern or e.target_secondary = st.pattern))";

  private static final String FACTS = "select p.session_id, p.started_at, p.utm_campaign, f.street1, f.street2, f.city, f.state, f.zip, "
      + "f.ordered_at, f.order_number, f.order_commission, fx.steps, fx.step_ts from page p "
      + "cross join lateral (select "
      + latestProp(2, "street1") + ", " + latestProp(3, "street2") + ", " + latestProp(4, "city") + ", " + latestProp(5, "state") + ", "
      + latestProp(6, "zip") + ", "
      + "min(e.ts) filter (where e.type = 'custom' and e.name = $7) as ordered_at, "
      + "(array_agg(e.props ->> $8 order by e.ts, e.event_id) filter (where e.type = 'custom' and e.name = $7))[1] as order_number, "
      + "(array_agg(e.props ->> $9 order by e.ts, e.event_id) filter (where e.type = 'custom' and e.name = $7))[1] as order_commission "
      + "from events e where " + SESSION_EVENTS + ") f "
      + "left join lateral (select array_agg(x.step order by x.step) as steps, array_agg(x.reached order by x.step) as step_ts from ("
      + "select st.step, min(e.ts) as reached from unnest($10::int[], $11::text[], $12::text[]) st(step, type, pattern) "
      + "join events e on " + SESSION_EVENTS + " and " + GOAL_MATCH + " group by st.step) x) fx on true";

  /** One page of sessions, newest first, with their facts. */
  static final String LIST = "with page as (select s.session_id, s.started_at, s.last_seen_at, s.utm_campaign from sessions s "
      + "where " + selection(13, 14, 15, 16)
      + " order by s.started_at desc, s.session_id desc limit $17 offset $18) "
      + FACTS + " order by p.started_at desc, p.session_id desc";

  /** One session of the site, with its facts. */
  static final String DETAIL = "with page as (select s.session_id, s.started_at, s.last_seen_at, s.utm_campaign from sessions s "
      + "where s.site_id = $1 and s.session_id = $13) " + FACTS;

  /**
   * The installed events of a page's orders: per order number ($7), the first installed event ($4)
   * in [$5, $6) carrying it in property $2, and the first commission ($3) such events carry.
   */
  static final String INSTALLS = "select e.props ->> $2 as order_number, min(e.ts) as installed_at, "
      + "(array_agg(e.props ->> $3 order by e.ts, e.event_id) filter (where e.props ->> $3 is not null))[1] as commission "
      + "from events e where e.site_id = $1 and e.type = 'custom' and e.name = $4 and e.ts >= $5 and e.ts < $6 "
      + "and e.props ->> $2 = any($7::text[]) group by 1";

  /** The site's keys among ids $2, key ids $3 and UUIDs $4 (revoked keys included: they may have sent sessions). */
  static final String KEYS = "select id, key_id, public_id from api_keys where site_id = $1 "
      + "and (id = any($2::int[]) or key_id = any($3::text[]) or public_id = any($4::uuid[]))";

  private HumSessionsSql() {
  }
}
