package io.sightline.ingest.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * The node number of this process in the ids it makes ({@link IdGenerator}): one claim per start from
 * the {@code id_nodes} sequence, which cycles through 0-1023, so that processes sharing a database get
 * different numbers unless 1,024 starts lie between them.
 */
public final class IdNodes {
  private static final String CLAIM = "select nextval('id_nodes')::integer as node";

  private IdNodes() {
  }

  public static Future<Integer> claim(Pool pool) {
    return pool.query(CLAIM).execute().map(rows -> rows.iterator().next().getInteger("node"));
  }
}
