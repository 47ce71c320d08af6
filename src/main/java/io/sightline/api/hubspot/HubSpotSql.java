package io.sightline.api.hubspot;

/** SQL of the HubSpot dialect: analytics views, content rules and the {@code exists} checks. */
final class HubSpotSql {
  private static final String VIEW_COLUMNS = "id, site_id, title, filters, created_at, updated_at";
  private static final String RULE_COLUMNS = "id, site_id, content_type, pattern, name, created_at";

  static final String VIEW_INSERT = "insert into analytics_views (site_id, title, filters) values ($1, $2, $3::jsonb) returning " + VIEW_COLUMNS;
  static final String VIEW_LIST = "select " + VIEW_COLUMNS + " from analytics_views where site_id = $1 order by id";
  static final String VIEW_GET = "select " + VIEW_COLUMNS + " from analytics_views where site_id = $1 and id = $2";
  static final String VIEW_DELETE = "delete from analytics_views where site_id = $1 and id = $2";

  static final String RULE_INSERT = "insert into content_rules (site_id, content_type, pattern, name) values ($1, $2, $3, $4) returning "
      + RULE_COLUMNS;
  static final String RULE_LIST = "select " + RULE_COLUMNS + " from content_rules where site_id = $1 order by id";
  static final String RULE_DELETE = "delete from content_rules where site_id = $1 and id = $2";

  /** Whether the site has any event of a type ($2), at any time. */
  static final String HAS_EVENT_TYPE = "select exists (select 1 from events where site_id = $1 and type = $2) as found";

  private HubSpotSql() {
  }
}
