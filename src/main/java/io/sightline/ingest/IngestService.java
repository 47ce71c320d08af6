package io.sightline.ingest;

import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.ingest.enrich.UserAgents;
import io.sightline.ingest.pipeline.Dropped;
import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.ingest.pipeline.IngestPipeline;
import io.sightline.ingest.quota.MonthlyQuota;
import io.sightline.user.UserProfiles;
import io.sightline.site.Site;
import io.sightline.store.Addresses;
import io.sightline.store.EventRecord;
import io.sightline.store.SessionRow;
import io.sightline.store.WriteRequest;
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
  private final DeliveryOptions delivery;
  private final MonthlyQuota quota;
  private final UserProfiles users;

  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout) {
    this(vertx, pipeline, userAgents, metrics, ackTimeout, MonthlyQuota.unlimited(), null);
  }

  /**
   * @param quota the monthly counters the pipeline's quota step takes from (given back for events not stored)
   * @param users identified users' profiles, upserted after each commit (null: none)
   */
  public IngestService(Vertx vertx, IngestPipeline pipeline, UserAgents userAgents, IngestMetrics metrics, Duration ackTimeout,
                       MonthlyQuota quota, UserProfiles users) {
    this.quota = quota;
    this.users = users;
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.userAgents = userAgents;
    this.metrics = metrics;
    this.delivery = new DeliveryOptions().setSendTimeout(ackTimeout.toMillis()).setLocalOnly(true);
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

  /** Hands accepted events to the writer; completes once they are committed, fails if refused or not confirmed in time. */
  public Future<Void> commit(List<EventDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<EventRecord> events = new ArrayList<>(drafts.size());
    List<SessionRow> sessions = new ArrayList<>(drafts.size());
    for (EventDraft d : drafts) {
      events.add(d.record);
      sessions.add(d.session);
    }
    return vertx.eventBus().request(Addresses.WRITE_EVENTS, new WriteRequest(events, sessions), delivery)
        .onSuccess(reply -> drafts.forEach(d -> metrics.accepted(d.site.id(), 1)))
        .onFailure(err -> release(drafts))
        .compose(reply -> users == null ? Future.<Void>succeededFuture() : users.record(drafts).recover(err -> {
          // the events are stored: a profile that could not be updated is logged, not reported to the sender
          LOG.warn("User profiles not updated: {}", err.getMessage());
          return Future.succeededFuture();
        }));
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
