package io.sightline.cluster;

import io.sightline.ingest.session.IdentityLinks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Identity links across members (docs/cluster.md, "Identified users"): a link is stored by the member that owns the visitor it
 * links to, with the event that made it; once committed, that member publishes it and every other member learns it, so that a
 * later {@code user_id}-only event is routed to the linked visitor's owner from whichever member receives it. Each member also
 * loads every stored link at start.
 */
public final class IdentityLinkExchange {
  static final String ADDRESS = "sightline.cluster.identity-links";

  private IdentityLinkExchange() {
  }

  public static Future<Void> start(Vertx vertx, IdentityLinks identities, String me) {
    identities.onStored(link -> vertx.eventBus().publish(ADDRESS, new JsonObject().put("from", me).put("site", link.siteId())
        .put("user", link.userKey()).put("visitor", link.visitorId()).put("at", link.linkedAt().toString())));
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> {
      JsonObject b = m.body();
      if (!me.equals(b.getString("from"))) {
        identities.learn(b.getInteger("site"), b.getLong("user"), b.getLong("visitor"), Instant.parse(b.getString("at")));
      }
    }).completion();
  }
}
