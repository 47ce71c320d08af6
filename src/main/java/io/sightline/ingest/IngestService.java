package io.sightline.ingest;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.idempotency.ClientEventIds;
import io.sightline.ingest.pipeline.DropReason;
import io.sightline.ingest.pipeline.Dropped;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.ingest.pipeline.IngestPipeline;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.ingest.user.UserProfiles;
import io.sightline.site.Site;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs events through the pipeline and hands the accepted ones to the writer. User-Agent cache
 * misses are parsed on a worker thread so a burst of new User-Agents never stalls an event loop;
 * hits, the pipeline and the hand-over run on the caller's event loop.
 */
public final class IngestService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestService.class);
  private static final UserAgentInfo NO_USER_AGENT = new UserAgentInfo("desktop", null, null, null, null, null, null);

  private final Vertx vertx;
  private final IngestPipeline pipeline;
  private final UserAgents userAgents;
  private final IngestMetrics metrics;
  private final WriterOutbox outbox;
  private final MonthlyQuota quota;
  private final UserProfiles users;
  private final int partitions;
  private final ClientEventIds eventIds;
  private final long ackTimeoutMillis;

  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout) {
    this(vertx, pipeline, userAgents, metrics, ackTimeout, MonthlyQuota.unlimited(), null, 1, new ClientEventIds(0, Duration.ofDays(1)));
  }

  /**
   * @param quota the monthly counters the pipeline's quota step takes from (given back for events not stored)
   * @param users identified users' profiles, upserted after each commit (null: none)
   * @param partitions the writer partitions ({@link WriterPartitions}) events are handed to
   * @param eventIds the client event ids this node remembers (copies of an event are answered, not stored again)
   */
  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout,
                       MonthlyQuota quota, UserProfiles users, int partitions, ClientEventIds eventIds) {
    this.eventIds = eventIds;
    this.ackTimeoutMillis = ackTimeout.toMillis();
    this.partitions = partitions;
    this.quota = quota;
    this.users = users;
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.userAgents = userAgents;
    this.metrics = metrics;
    this.outbox = new WriterOutbox(vertx, new DeliveryOptions().setSendTimeout(ackTimeout.toMillis()).setLocalOnly(true), partitions);
  }

  /** The User-Agent's enrichment: from the cache, or parsed on a worker. */
  public Future<UserAgentInfo> userAgent(String ua) {
    if (ua == null || ua.isBlank()) {
      return Future.succeededFuture(NO_USER_AGENT);
    }
    UserAgentInfo hit = userAgents.cached(ua);
    return hit != null ? Future.succeededFuture(hit) : vertx.executeBlocking(() -> userAgents.parse(ua), false);
  }

  /** Seeds the site's monthly event counter, once; completes at once afterwards. Call before {@link #process}. */
  public Future<Void> prepare(Site site) {
    return quota.prepare(site, java.time.Instant.now());
  }

  /**
   * Runs the pipeline for one event (CPU only, no I/O); counts the drop if it is dropped. An event whose {@code event_id} this node
   * has stored, or is storing, is not run again: it is a {@link DropReason#DUPLICATE} whose {@link Outcome#original} gives the first
   * copy's ids on this event loop, once stored (it fails as the writer's reply would: not confirmed in time, or not stored).
   */
  public Outcome process(Site site, IncomingEvent event, RequestFacts facts) {
    return process(site, event, facts, 0);
  }

  /** {@link #process}, counting a {@code user_id}-only event under {@code routedVisitorId} when not 0 ({@link EventDraft#routedVisitorId}). */
  public Outcome process(Site site, IncomingEvent event, RequestFacts facts, long routedVisitorId) {
    long key = 0;
    if (event.eventId() != null) {
      key = ClientEventIds.key(site.id(), event.eventId());
      Future<StoredIds> original = eventIds.claim(key);
      if (original != null) {
        metrics.dropped(DropReason.DUPLICATE, site.id());
        return Outcome.duplicate(here(original));
      }
    }
    EventDraft draft = new EventDraft(site, event, facts);
    draft.eventKey = key;
    draft.routedVisitorId = routedVisitorId;
    try {
      pipeline.run(draft);
      return Outcome.accepted(draft);
    } catch (Dropped d) {
      if (key != 0) {
        eventIds.released(key);
      }
      metrics.dropped(d.reason(), d.layer(), site.id());
      return Outcome.dropped(d.reason(), d.getMessage());
    } catch (RuntimeException e) {
      if (key != 0) {
        eventIds.released(key);
      }
      throw e;
    }
  }

  /**
   * One event, processed and committed here (the owner's side of {@link EventRouter}): completes after the commit with the ids the
   * sender is answered with, or with the drop; fails as {@link #commit} does.
   */
  public Future<Routed> processAndCommit(Site site, IncomingEvent event, RequestFacts facts, long routedVisitorId) {
    return prepare(site).compose(ready -> {
      Outcome outcome = process(site, event, facts, routedVisitorId);
      if (outcome.isDuplicate()) {
        return outcome.original().map(Routed::copy);
      }
      if (!outcome.isAccepted()) {
        return Future.succeededFuture(Routed.dropped(outcome.dropReason(), outcome.message()));
      }
      EventDraft d = outcome.draft();
      return commit(List.of(d)).map(v -> d.original != null ? Routed.copy(d.original) : Routed.stored(d.answer()));
    });
  }

  /** The first copy's ids on the caller's event loop, within the writer's acknowledgement time. */
  private Future<StoredIds> here(Future<StoredIds> original) {
    if (original.isComplete()) {
      return original.failed() ? Future.failedFuture(notStored()) : original;
    }
    Context context = vertx.getOrCreateContext();
    Promise<StoredIds> answer = Promise.promise();
    long timer = vertx.setTimer(ackTimeoutMillis, id -> answer.tryFail(new ReplyException(ReplyFailure.TIMEOUT,
        "the first copy of this event is not confirmed stored yet")));
    original.onComplete(ar -> context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(notStored());
      }
    }));
    return answer.future();
  }

  private static ReplyException notStored() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, EventWriterVerticle.QUEUE_FULL, ClientEventIds.NOT_STORED.getMessage());
  }

  /**
   * Hands accepted events to the writer partitions that own their visitors; completes once they are committed, fails if refused or
   * not confirmed in time. A single event (every beacon) goes to one partition in one request; a batch whose visitors hash to
   * several partitions is split, and succeeds once every part is committed.
   */
  public Future<Void> commit(List<EventDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture();
    }
    int first = partition(drafts.get(0));
    boolean one = true;
    for (int i = 1; i < drafts.size() && one; i++) {
      one = partition(drafts.get(i)) == first;
    }
    Future<Void> written;
    if (one) {
      written = send(first, drafts);
    } else {
      List<List<EventDraft>> parts = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) {
        parts.add(new ArrayList<>());
      }
      drafts.forEach(d -> parts.get(partition(d)).add(d));
      List<Future<Void>> sent = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        if (!parts.get(p).isEmpty()) {
          sent.add(send(p, parts.get(p)));
        }
      }
      written = Future.all(sent).mapEmpty();
    }
    return written.compose(v -> users == null ? Future.<Void>succeededFuture() : users.record(stored(drafts)).recover(err -> {
      // the events are stored: a profile that could not be updated is logged, not reported to the sender
      LOG.warn("User profiles not updated: {}", err.getMessage());
      return Future.succeededFuture();
    }));
  }

  private static List<EventDraft> stored(List<EventDraft> drafts) {
    for (EventDraft d : drafts) {
      if (d.original != null) {
        return drafts.stream().filter(x -> x.original == null).toList();
      }
    }
    return drafts;
  }

  private int partition(EventDraft d) {
    return WriterPartitions.of(d.record.siteId(), d.record.visitorId(), partitions);
  }

  private Future<Void> send(int partition, List<EventDraft> drafts) {
    List<EventRecord> events = new ArrayList<>(drafts.size());
    List<SessionRow> sessions = new ArrayList<>(drafts.size());
    List<EventKey> keys = List.of();
    List<IdentityLink> links = List.of();
    for (int i = 0; i < drafts.size(); i++) {
      EventDraft d = drafts.get(i);
      events.add(d.record);
      sessions.add(d.session);
      if (d.link != null) {
        if (links.isEmpty()) {
          links = new ArrayList<>();
        }
        links.add(new IdentityLink(d.link.siteId(), d.link.userKey(), d.link.visitorId(), d.link.linkedAt()));
      }
      if (d.eventKey != 0) {
        if (keys.isEmpty()) {
          keys = new ArrayList<>();
        }
        keys.add(new EventKey(d.site.id(), d.eventKey, d.facts.receivedAt(), d.answer(), i));
      }
    }
    Promise<Map<Integer, StoredIds>> settled = keys.isEmpty() ? null : Promise.promise();
    if (settled != null) {
      // whenever the writer knows, even after the sender stopped waiting: the ids are remembered as stored, or freed
      settled.future().onComplete(ar -> {
        for (int i = 0; i < drafts.size(); i++) {
          EventDraft d = drafts.get(i);
          if (d.eventKey != 0) {
            if (ar.succeeded()) {
              StoredIds found = ar.result().get(i);
              eventIds.stored(d.eventKey, found != null ? found : d.answer());
            } else {
              eventIds.released(d.eventKey);
            }
          }
        }
      });
    }
    return outbox.send(partition, new WriteRequest(events, sessions, keys, links, settled))
        .onSuccess(reply -> {
          Map<Integer, StoredIds> found = settled == null ? Map.of() : settled.future().result();
          found.forEach((i, ids) -> drafts.get(i).original = ids);
          for (EventDraft d : drafts) {
            if (d.link != null) {
              d.link.markStored();
            }
            if (d.original == null) {
              metrics.accepted(d.site.id(), 1);
            } else {
              metrics.dropped(DropReason.DUPLICATE, d.site.id());
              release(List.of(d));
            }
          }
        })
        .onFailure(err -> release(drafts));
  }

  /** Gives back the quota units of events that were not stored. */
  public void release(List<EventDraft> drafts) {
    for (EventDraft d : drafts) {
      if (d.quotaMonth != null) {
        quota.release(d.site.id(), d.quotaMonth);
        d.quotaMonth = null;
      }
    }
  }

  public IngestMetrics metrics() {
    return metrics;
  }
}
