package io.sightline.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/** Takes the events other members route to this one, on an event loop of its own (deployed once per HTTP event loop). */
public final class ClusterIngestVerticle extends VerticleBase {
  private final ClusterIngest ingest;
  private final String nodeId;
  private MessageConsumer<JsonObject> consumer;

  public ClusterIngestVerticle(ClusterIngest ingest, String nodeId) {
    this.ingest = ingest;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(ClusterIngest.address(nodeId), ingest::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }
}
