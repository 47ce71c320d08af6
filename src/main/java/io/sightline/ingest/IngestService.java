package io.sightline.ingest;

import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.pipeline.Dropped;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.ingest.pipeline.IngestPipeline;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.user.UserProfiles;
import io.sightline.site.Site;
import io.sightline.store.WriterPartitions;
import io.sightline.store.EventRecord;
import io.sightline.store.SessionRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs events through the pipeline and hands the accepted ones to the writer. User-Agent cache
 * misses are parsed on a worker thread so a burst of new User-Agents never stalls an event loop;
 * hits, the pipeline and the hand-over run on the caller's event loop.
 */
public final class IngestService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestService.class);
  private static final UserAgentInfo NO_USER_AGENT = new UserAgentInfo("desktop", null, null, null, null, null);

  private final Vertx vertx;
  private final IngestPipeline pipeline;
  private final UserAgents userAgents;
  private final IngestMetrics metrics;
  private final WriterOutbox outbox;
  private final MonthlyQuota quota;
  private final UserProfiles users;
  private final int partitions;

  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout) {
    this(vertx, pipeline, userAgents, metrics, ackTimeout, MonthlyQuota.unlimited(), null, 1);
  }

  /**
   * @param quota the monthly counters the pipeline's quota step takes from (given back for events not stored)
   * @param users identified users' profiles, upserted after each commit (null: none)
   * @param partitions the writer partitions ({@link WriterPartitions}) events are handed to
   */
  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout,
                       MonthlyQuota quota, UserProfiles users, int partitions) {
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

  /** Runs the pipeline for one event (CPU only, no I/O); counts the drop if it is dropped. */
  public Outcome process(Site site, IncomingEvent event, RequestFacts facts) {
    EventDraft draft = new EventDraft(site, event, facts);
    try {
      pipeline.run(draft);
      return Outcome.accepted(draft);
    } catch (Dropped d) {
      metrics.dropped(d.reason(), site.id());
      return Outcome.dropped(d.reason(), d.getMessage());
    }
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
    return written.compose(v -> users == null ? Future.<Void>succeededFuture() : users.record(drafts).recover(err -> {
      // the events are stored: a profile that could not be updated is logged, not reported to the sender
      LOG.warn("User profiles not updated: {}", err.getMessage());
      return Future.succeededFuture();
    }));
  }

  private int partition(EventDraft d) {
    return WriterPartitions.of(d.record.siteId(), d.record.visitorId(), partitions);
  }

  private Future<Void> send(int partition, List<EventDraft> drafts) {
    List<EventRecord> events = new ArrayList<>(drafts.size());
    List<SessionRow> sessions = new ArrayList<>(drafts.size());
    for (EventDraft d : drafts) {
      events.add(d.record);
      sessions.add(d.session);
    }
    return outbox.send(partition, events, sessions)
        .onSuccess(v -> drafts.forEach(d -> metrics.accepted(d.site.id(), 1)))
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
