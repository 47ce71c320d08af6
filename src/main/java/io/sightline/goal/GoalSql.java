package io.sightline.goal;

/** SQL of goal definitions. */
final class GoalSql {
  private static final String COLUMNS = "id, site_id, name, type, match, created_at";

  static final String INSERT = "insert into goals (site_id, name, type, match) values ($1, $2, $3, $4) returning " + COLUMNS;
  static final String LIST = "select " + COLUMNS + " from goals where site_id = $1 order by id";
  static final String DELETE = "delete from goals where site_id = $1 and id = $2";

  private GoalSql() {
  }
}
