package io.sightline.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sightline.ingest.EventRouter;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.Routed;
import io.sightline.ingest.pipeline.VisitorStep;
import io.sightline.site.Site;
import io.sightline.site.SiteCache;
import io.sightline.store.EventWriterVerticle;
import io.sightline.event.WriterPartitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Ownership routing (docs/cluster.md): the member that receives an event resolves its visitor id ({@link VisitorStep#visitorOf}),
 * finds the partition and its owner, and either processes it here (this member owns it: the single-node path, no hop) or sends
 * it over the clustered event bus to the owner's address and waits for the owner's answer, which comes after the owner's commit.
 * No answer within the writer's acknowledgement time is a 503 to the sender, as on one node. The owner's side
 * ({@link #handle}) waits for a partition being taken over, and refuses (503) one it does not own.
 */
public final class ClusterIngest implements EventRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterIngest.class);
  static final String ADDRESS_PREFIX = "sightline.cluster.ingest.";

  private final Vertx vertx;
  private final IngestService service;
  private final VisitorStep visitors;
  private final SiteCache sites;
  private final PartitionOwnership ownership;
  private final DeliveryOptions delivery;
  private final long ackMillis;
  private final Counter forwarded;
  private final Counter local;

  public ClusterIngest(Vertx vertx, IngestService service, VisitorStep visitors, SiteCache sites, PartitionOwnership ownership,
                       Duration ackTimeout, MeterRegistry registry) {
    this.vertx = vertx;
    this.service = service;
    this.visitors = visitors;
    this.sites = sites;
    this.ownership = ownership;
    this.ackMillis = ackTimeout.toMillis();
    this.delivery = new DeliveryOptions().setSendTimeout(ackMillis);
    this.forwarded = Counter.builder("sightline_cluster_events_routed").tag("to", "other_member")
        .description("Events sent to the member that owns their visitor (to=other_member) or processed here (to=this_member)")
        .register(registry);
    this.local = Counter.builder("sightline_cluster_events_routed").tag("to", "this_member").register(registry);
  }

  /** The address the member {@code nodeId} takes its visitors' events on. */
  static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }

  @Override
  public Future<Routed> route(Site site, IncomingEvent event, RequestFacts facts) {
    long visitor = visitors.visitorOf(site.id(), event, facts);
    int partition = WriterPartitions.of(site.id(), visitor, ownership.partitions());
    // a user_id-only event counts under the visitor this member's identity links give: the owner must use the same id
    long routedVisitor = event.visitorId() == null && event.userId() != null ? visitor : 0;
    String owner = ownership.owner(partition);
    if (owner == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no cluster member owns visitor partition " + partition + " yet"));
    }
    if (owner.equals(ownership.me())) {
      local.increment();
      return processHere(site, event, facts, partition, routedVisitor);
    }
    forwarded.increment();
    JsonObject message = ForwardedEvents.encode(site.id(), event, facts, partition, routedVisitor);
    return vertx.eventBus().<JsonObject>request(address(owner), message, delivery).map(reply -> ForwardedEvents.routed(reply.body()));
  }

  private Future<Routed> processHere(Site site, IncomingEvent event, RequestFacts facts, int partition, long routedVisitor) {
    return ownership.whenReady(partition, ackMillis / 2).compose(v -> service.processAndCommit(site, event, facts, routedVisitor));
  }

  /** The owner's side: an event another member received. */
  void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    int partition = ForwardedEvents.partition(body);
    sites.byId(ForwardedEvents.siteId(body))
        .compose(site -> site.isEmpty() ? Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
                EventWriterVerticle.UNSTORABLE, "the event's site no longer exists"))
            : processHere(site.get(), ForwardedEvents.event(body), ForwardedEvents.facts(body), partition,
                ForwardedEvents.routedVisitorId(body)))
        .onSuccess(routed -> message.reply(ForwardedEvents.answer(routed)))
        .onFailure(err -> {
          if (err instanceof ReplyException r) {
            // refused, not confirmed in time, unstorable: the receiving member answers its sender as the writer's reply says
            int code = r.failureType() == ReplyFailure.RECIPIENT_FAILURE ? r.failureCode() : EventWriterVerticle.QUEUE_FULL;
            message.fail(code, r.getMessage());
          } else {
            LOG.warn("A routed event failed on its owner: {}", err.toString());
            message.fail(500, "the event failed on the member that owns its visitor");
          }
        });
  }
}
