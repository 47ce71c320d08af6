package io.sightline.ingest.pipeline;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.enrich.CleanUrl;
import io.sightline.ingest.enrich.GeoLocation;
import io.sightline.ingest.session.IdentityLinks;
import io.sightline.site.Site;
import io.sightline.store.StoredIds;

import java.time.Instant;
import java.time.LocalDate;

/**
 * An event on its way through the pipeline: what was sent, what the request said, and what the
 * steps have found so far. Confined to one request; steps fill its fields in order.
 */
public final class EventDraft {
  public final Site site;
  public final IncomingEvent in;
  public final RequestFacts facts;

  public Instant ts;
  public CleanUrl url;
  public String utmSource;
  public String utmMedium;
  public String utmCampaign;
  public String utmContent;
  public String utmTerm;
  public String referrer;
  public String referrerHost;
  public String source;
  public String channel;
  public GeoLocation geo = GeoLocation.UNKNOWN;
  public long visitorId;
  /** Whether visitorId is the sender's own id (stable across days) rather than the daily hash. */
  public boolean stableVisitor;
  public LocalDate saltDay;
  /** The visitor id under the previous day's salt, so a session can cross midnight; 0 if none. */
  public long previousDayVisitorId;
  public LocalDate previousSaltDay;
  public String propsJson;
  public long eventId;
  public long sessionId;
  public Long pageVisitId;
  /** The month whose quota unit this event took (given back if it is not stored), or null. */
  public java.time.YearMonth quotaMonth;
  public EventRecord record;
  public SessionRow session;
  /** The digest of the sender's {@code event_id} ({@code ClientEventIds#key}), or 0 without one. */
  public long eventKey;
  /** Set when the writer found the event's id stored already: the stored event's ids, which this copy is answered with. */
  public StoredIds original;
  /** The event's position in its request (batch items). */
  public int index;
  /**
   * In cluster mode, the visitor id the receiving member resolved a {@code user_id}-only event to (its identity links) and routed
   * the event by; the owning member counts it under the same id. 0: resolve here.
   */
  public long routedVisitorId;
  /** A user-visitor link the event relies on that is not known stored yet: stored with the event. */
  public IdentityLinks.Link link;

  public EventDraft(Site site, IncomingEvent in, RequestFacts facts) {
    this.site = site;
    this.in = in;
    this.facts = facts;
  }

  /** The ids the sender is answered with: its session and, for a pageview, its page visit; a copy's are those of the stored event. */
  public StoredIds answer() {
    if (original != null) {
      return original;
    }
    return new StoredIds(sessionId, record.pageVisitId() != null && "pageview".equals(record.type()) ? record.pageVisitId() : 0);
  }
}
