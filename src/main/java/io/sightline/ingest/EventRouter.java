package io.sightline.ingest;

import io.sightline.site.Site;
import io.vertx.core.Future;

/**
 * Takes one event to the process that owns its visitor and brings back what became of it (cluster mode, docs/cluster.md): the
 * owner runs the pipeline and the commit, and the answer comes only after its commit. Without a router (one node) the routes run
 * the pipeline and the writer here. Fails as the writer's reply does (refused, not confirmed in time, no owner reachable).
 */
public interface EventRouter {
  Future<Routed> route(Site site, IncomingEvent event, RequestFacts facts);
}
