package io.sightline.ingest;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.sightline.store.EventKey;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.IdentityLink;
import io.sightline.store.StoredIds;
import io.sightline.store.WriteRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands events to the writer partitions over the event bus. A single event sent from an event loop
 * (every beacon) waits for the rest of that loop's turn: the beacons read in one turn travel as one
 * message per partition, so one bus delivery, one reply and one acknowledgement timer serve them all
 * instead of one each. The writer commits whole messages, so each beacon is still answered only after
 * its own commit; a refusal or a timeout fails every beacon of the message (none of them is
 * acknowledged). A message PostgreSQL refuses for its data is sent again event by event, so only
 * the bad event is refused, as when each beacon travelled alone. Client event ids ride along re-indexed
 * into the shared message, and each request's settlement is told its own duplicates.
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

  /** Completes once the partition has committed the request's events; fails as the writer's reply does. */
  Future<Void> send(int partition, WriteRequest request) {
    if (request.events().size() != 1 || !Context.isOnEventLoopThread()) {
      return alone(partition, request);
    }
    Pending[] open = pending.get();
    Pending p = open[partition];
    if (p == null) {
      p = new Pending();
      open[partition] = p;
      vertx.getOrCreateContext().runOnContext(v -> flush(open, partition));
    }
    Promise<Void> promise = Promise.promise();
    p.requests.add(request);
    p.promises.add(promise);
    if (p.requests.size() >= MAX_EVENTS_PER_MESSAGE) {
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
    if (p.requests.size() == 1) {
      alone(partition, p.requests.get(0)).onComplete(p.promises.get(0));
      return;
    }
    Shared shared = new Shared(p.requests);
    request(partition, shared.request).onComplete(ar -> {
      if (ar.succeeded()) {
        shared.replied(false, null);
        p.promises.forEach(Promise::complete);
      } else if (ar.cause() instanceof ReplyException reply && reply.failureCode() == EventWriterVerticle.UNSTORABLE) {
        shared.replied(true, null);
        for (int i = 0; i < p.requests.size(); i++) {
          alone(partition, p.requests.get(i)).onComplete(p.promises.get(i));
        }
      } else {
        shared.replied(false, ar.cause());
        p.promises.forEach(promise -> promise.fail(ar.cause()));
      }
    });
  }

  /** One request in one message; if no writer saw it, its settlement is told so here (a writer that did tells it itself). */
  private Future<Void> alone(int partition, WriteRequest request) {
    return request(partition, request).onFailure(err -> {
      if (err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
        request.notStored(err.getMessage());
      }
    });
  }

  private Future<Void> request(int partition, WriteRequest request) {
    return vertx.eventBus().request(addresses[partition], request, delivery).mapEmpty();
  }

  /**
   * The requests of one message as one {@link WriteRequest}: events and sessions in order, client event ids re-indexed into the
   * whole, and one settlement that tells each request's own. The writer settles on its thread, the reply comes on the sender's
   * loop: a failed settlement waits for the reply to say whether the requests are sent again alone (refused for their data),
   * in which case their own writes settle them.
   */
  private static final class Shared {
    final WriteRequest request;
    private final List<WriteRequest> parts;
    private final int[] offsets;
    private boolean replied;
    private boolean sentAgain;
    private Throwable settlementFailure;

    Shared(List<WriteRequest> parts) {
      this.parts = parts;
      this.offsets = new int[parts.size()];
      List<EventRecord> events = new ArrayList<>(parts.size());
      List<SessionRow> sessions = new ArrayList<>(parts.size());
      List<EventKey> keys = List.of();
      List<IdentityLink> links = List.of();
      boolean anySettlement = false;
      for (int i = 0; i < parts.size(); i++) {
        WriteRequest part = parts.get(i);
        offsets[i] = events.size();
        events.addAll(part.events());
        sessions.addAll(part.sessions());
        for (EventKey k : part.keys()) {
          if (keys.isEmpty()) {
            keys = new ArrayList<>();
          }
          keys.add(new EventKey(k.siteId(), k.key(), k.receivedAt(), k.answer(), k.index() + offsets[i]));
        }
        if (!part.links().isEmpty()) {
          if (links.isEmpty()) {
            links = new ArrayList<>();
          }
          links.addAll(part.links());
        }
        anySettlement |= part.settled() != null;
      }
      Promise<Map<Integer, StoredIds>> settled = anySettlement ? Promise.promise() : null;
      this.request = new WriteRequest(events, sessions, keys, links, settled);
      if (settled != null) {
        settled.future().onComplete(ar -> {
          if (ar.succeeded()) {
            settle(ar.result());
          } else {
            failed(ar.cause());
          }
        });
      }
    }

    private void settle(Map<Integer, StoredIds> duplicates) {
      for (int i = 0; i < parts.size(); i++) {
        Promise<Map<Integer, StoredIds>> own = parts.get(i).settled();
        if (own == null) {
          continue;
        }
        Map<Integer, StoredIds> mine = Map.of();
        int from = offsets[i];
        int to = from + parts.get(i).events().size();
        for (Map.Entry<Integer, StoredIds> e : duplicates.entrySet()) {
          if (e.getKey() >= from && e.getKey() < to) {
            if (mine.isEmpty()) {
              mine = new HashMap<>();
            }
            mine.put(e.getKey() - from, e.getValue());
          }
        }
        own.tryComplete(mine);
      }
    }

    private void failed(Throwable cause) {
      synchronized (this) {
        if (!replied) {
          settlementFailure = cause;
          return;
        }
        if (sentAgain) {
          return;
        }
      }
      parts.forEach(part -> part.notStored(cause.getMessage()));
    }

    /** The writer's reply: {@code again} when the requests are sent again one by one; {@code failure} the reply's failure. */
    void replied(boolean again, Throwable failure) {
      Throwable settlement;
      synchronized (this) {
        replied = true;
        sentAgain = again;
        settlement = settlementFailure;
      }
      if (again) {
        return;
      }
      if (settlement != null) {
        parts.forEach(part -> part.notStored(settlement.getMessage()));
      } else if (failure instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
        parts.forEach(part -> part.notStored(failure.getMessage()));
      }
    }
  }

  private static final class Pending {
    final List<WriteRequest> requests = new ArrayList<>();
    final List<Promise<Void>> promises = new ArrayList<>();
  }
}
