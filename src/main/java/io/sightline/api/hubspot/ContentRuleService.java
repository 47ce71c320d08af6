package io.sightline.api.hubspot;

import io.sightline.http.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** Defines, lists and removes a site's content rules. */
public final class ContentRuleService {
  private final Pool pool;

  public ContentRuleService(Pool pool) {
    this.pool = pool;
  }

  /** A site's rules, oldest first. */
  public Future<List<ContentRule>> list(int siteId) {
    return pool.preparedQuery(HubSpotSql.RULE_LIST).execute(Tuple.of(siteId)).map(rows -> {
      List<ContentRule> rules = new ArrayList<>();
      rows.forEach(r -> rules.add(toRule(r)));
      return rules;
    });
  }

  /** Adds a rule; the name defaults to the pattern. 400 for bad input, 409 if the site has this type and pattern. */
  public Future<ContentRule> create(int siteId, String contentType, String pattern, String name) {
    String t;
    String p;
    String n;
    try {
      t = ContentRule.contentType(contentType);
      p = ContentRule.pattern(pattern);
      n = name == null ? p : ContentRule.text("name", name, 200);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(HubSpotSql.RULE_INSERT).execute(Tuple.of(siteId, t, p, n))
        .map(rows -> toRule(rows.iterator().next()))
        .recover(err -> Future.failedFuture(err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? ApiException.conflict("this site already has a " + t + " rule for " + p)
            : err instanceof PgException pg2 && "23503".equals(pg2.getSqlState()) ? ApiException.notFound("no site with id " + siteId) : err));
  }

  public Future<Boolean> delete(int siteId, int id) {
    return pool.preparedQuery(HubSpotSql.RULE_DELETE).execute(Tuple.of(siteId, id)).map(rows -> rows.rowCount() > 0);
  }

  private static ContentRule toRule(Row r) {
    return new ContentRule(r.getInteger("id"), r.getInteger("site_id"), r.getString("content_type"), r.getString("pattern"),
        r.getString("name"), r.getOffsetDateTime("created_at"));
  }
}
