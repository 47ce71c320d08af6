package io.sightline.site;

/** SQL of site management. */
final class SiteSql {
  private static final String COLUMNS = "id, domain, name, timezone, extra_hostnames, created_at";

  static final String INSERT = "insert into sites (domain, name, timezone) values ($1, $2, $3) returning " + COLUMNS;
  static final String LIST = "select " + COLUMNS + " from sites order by id";
  static final String BY_ID = "select " + COLUMNS + " from sites where id = $1";
  static final String BY_DOMAIN = "select " + COLUMNS + " from sites where domain = $1";
  static final String COUNT = "select count(*) as n from sites";
  static final String DELETE_EVENTS = "delete from events where site_id = $1";
  static final String DELETE_SESSIONS = "delete from sessions where site_id = $1";
  static final String DELETE = "delete from sites where id = $1";

  private SiteSql() {
  }
}
