package io.sightline.server;

import io.sightline.auth.ApiKeyService;
import io.sightline.goal.GoalService;
import io.sightline.query.QueryEngine;
import io.sightline.site.SiteCache;
import io.sightline.site.SiteService;
import io.vertx.sqlclient.Pool;

import java.time.Duration;

/**
 * The services a server shares between its routes, verticles and jobs, each built once (by {@code SightlineServer}).
 * Analytics read {@code readPool} ({@code database.readUrl}'s replica, or the primary): {@link #readEngine} and
 * {@link #readGoals}; the rest reads and writes the primary.
 *
 * @param siteCache sites by id and domain, for ingestion and the dialects that resolve a site on every request
 */
public record Services(SiteService sites, SiteCache siteCache, ApiKeyService keys, QueryEngine engine, QueryEngine readEngine,
                       GoalService goals, GoalService readGoals) {

  public static Services build(Pool pool, Pool readPool) {
    SiteService sites = new SiteService(pool);
    QueryEngine engine = new QueryEngine(pool);
    GoalService goals = new GoalService(pool);
    return new Services(sites, new SiteCache(sites, Duration.ofSeconds(30)), new ApiKeyService(pool), engine,
        readPool == pool ? engine : new QueryEngine(readPool), goals, readPool == pool ? goals : new GoalService(readPool));
  }
}
