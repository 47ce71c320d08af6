package io.sightline.goal;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** Defines, lists and removes a site's goals. */
public final class GoalService {
  private final Pool pool;

  public GoalService(Pool pool) {
    this.pool = pool;
  }

  /** A site's goals, oldest first (by id); empty for a site without goals or no such site. */
  public Future<List<Goal>> list(int siteId) {
    return pool.preparedQuery(GoalSql.LIST).execute(Tuple.of(siteId)).map(rows -> {
      List<Goal> goals = new ArrayList<>();
      rows.forEach(row -> goals.add(toGoal(row)));
      return goals;
    });
  }

  /**
   * Defines a goal (see {@link GoalValidation} for what is accepted). A bad name, type or match
   * fails with 400, a name the site already uses with 409, a missing site with 404.
   */
  public Future<Goal> create(int siteId, String name, GoalType type, String match) {
    String n;
    String m;
    try {
      n = GoalValidation.name(name);
      m = GoalValidation.match(type, match);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(GoalSql.INSERT).execute(Tuple.of(siteId, n, type.id(), m))
        .map(rows -> toGoal(rows.iterator().next()))
        .recover(err -> Future.failedFuture(translate(err, siteId, n)));
  }

  /** Removes a goal of a site; false if the site has no goal with this id. */
  public Future<Boolean> delete(int siteId, int goalId) {
    return pool.preparedQuery(GoalSql.DELETE).execute(Tuple.of(siteId, goalId)).map(rows -> rows.rowCount() > 0);
  }

  private static Throwable translate(Throwable err, int siteId, String name) {
    if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return ApiException.conflict("this site already has a goal named '" + name + "'");
    }
    if (err instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      return ApiException.notFound("no site with id " + siteId);
    }
    return err;
  }

  private static Goal toGoal(Row row) {
    return new Goal(row.getInteger("id"), row.getInteger("site_id"), row.getString("name"), GoalType.parse(row.getString("type")),
        row.getString("match"), row.getOffsetDateTime("created_at"));
  }
}
