package io.sightline.api.hubspot;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Defines, lists, finds and removes a site's analytics views. */
public final class AnalyticsViewService {
  private final Pool pool;

  public AnalyticsViewService(Pool pool) {
    this.pool = pool;
  }

  public Future<List<AnalyticsView>> list(int siteId) {
    return pool.preparedQuery(HubSpotSql.VIEW_LIST).execute(Tuple.of(siteId)).map(rows -> {
      List<AnalyticsView> views = new ArrayList<>();
      rows.forEach(r -> views.add(toView(r)));
      return views;
    });
  }

  /** The site's view with this id; empty for another site's view. */
  public Future<Optional<AnalyticsView>> find(int siteId, int id) {
    return pool.preparedQuery(HubSpotSql.VIEW_GET).execute(Tuple.of(siteId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toView(rows.iterator().next())));
  }

  /** Saves a view: a title of 1-200 characters (unique within the site, else 409) and {@link ViewFilters filters}. */
  public Future<AnalyticsView> create(int siteId, String title, Object filters) {
    String t;
    JsonArray f;
    try {
      t = ContentRule.text("title", title, 200);
      f = ViewFilters.validate(filters);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(HubSpotSql.VIEW_INSERT).execute(Tuple.of(siteId, t, f))
        .map(rows -> toView(rows.iterator().next()))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("this site already has a view titled '" + t + "'")
            : err instanceof PgException pg2 && "23503".equals(pg2.getSqlState()) ? ApiException.notFound("no site with id " + siteId) : err));
  }

  public Future<Boolean> delete(int siteId, int id) {
    return pool.preparedQuery(HubSpotSql.VIEW_DELETE).execute(Tuple.of(siteId, id)).map(rows -> rows.rowCount() > 0);
  }

  private static AnalyticsView toView(Row r) {
    Object filters = r.getValue("filters");
    JsonArray array = filters instanceof JsonArray a ? a : new JsonArray(String.valueOf(filters));
    return new AnalyticsView(r.getInteger("id"), r.getInteger("site_id"), r.getString("title"), array, r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"));
  }
}
