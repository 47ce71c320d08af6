package io.sightline.ingest;

import io.sightline.store.EventRecord;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.SessionRow;
import io.sightline.store.WriteRequest;
import io.sightline.store.WriterPartitions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Hands events to the writer partitions over the event bus. A single event sent from an event loop
 * (every beacon) waits for the rest of that loop's turn: the beacons read in one turn travel as one
 * message per partition, so one bus delivery, one reply and one acknowledgement timer serve them all
 * instead of one each. The writer commits whole messages, so each beacon is still answered only after
 * its own commit; a refusal or a timeout fails every beacon of the message (none of them is
 * acknowledged). A message PostgreSQL refuses for its data is sent again event by event, so only
 * the bad event is refused, as when each beacon travelled alone.
 */
final class WriterOutbox {
  /** Beacons a message carries at most; a turn with more sends several. */
  static final int MAX_EVENTS_PER_MESSAGE = 256;

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final String[] addresses;
  private final ThreadLocal<Pending[]> pending;

  WriterOutbox(Vertx vertx, DeliveryOptions delivery, int partitions) {
    this.vertx = vertx;
    this.delivery = delivery;
    this.addresses = new String[partitions];
    for (int p = 0; p < partitions; p++) {
      addresses[p] = WriterPartitions.address(p);
    }
    this.pending = ThreadLocal.withInitial(() -> new Pending[partitions]);
  }

  /** Completes once the partition has committed the events; fails as the writer's reply does. */
  Future<Void> send(int partition, List<EventRecord> events, List<SessionRow> sessions) {
    if (events.size() != 1 || !Context.isOnEventLoopThread()) {
      return request(partition, new WriteRequest(events, sessions));
    }
    Pending[] open = pending.get();
    Pending p = open[partition];
    if (p == null) {
      p = new Pending();
      open[partition] = p;
      vertx.getOrCreateContext().runOnContext(v -> flush(open, partition));
    }
    Promise<Void> promise = Promise.promise();
    p.add(events.get(0), sessions.get(0), promise);
    if (p.promises.size() >= MAX_EVENTS_PER_MESSAGE) {
      flush(open, partition);
    }
    return promise.future();
  }

  private void flush(Pending[] open, int partition) {
    Pending p = open[partition];
    if (p == null) {
      return;
    }
    open[partition] = null;
    if (p.promises.size() == 1) {
      request(partition, new WriteRequest(p.events, p.sessions)).onComplete(p.promises.get(0));
      return;
    }
    request(partition, new WriteRequest(p.events, p.sessions)).onComplete(ar -> {
      if (ar.succeeded()) {
        p.promises.forEach(Promise::complete);
      } else if (ar.cause() instanceof ReplyException reply && reply.failureCode() == EventWriterVerticle.UNSTORABLE) {
        for (int i = 0; i < p.promises.size(); i++) {
          request(partition, new WriteRequest(Collections.singletonList(p.events.get(i)), Collections.singletonList(p.sessions.get(i)))).onComplete(p.promises.get(i));
        }
      } else {
        p.promises.forEach(promise -> promise.fail(ar.cause()));
      }
    });
  }

  private Future<Void> request(int partition, WriteRequest request) {
    return vertx.eventBus().request(addresses[partition], request, delivery).mapEmpty();
  }

  private static final class Pending {
    final List<EventRecord> events = new ArrayList<>();
    final List<SessionRow> sessions = new ArrayList<>();
    final List<Promise<Void>> promises = new ArrayList<>();

    void add(EventRecord event, SessionRow session, Promise<Void> promise) {
      events.add(event);
      sessions.add(session);
      promises.add(promise);
    }
  }
}
