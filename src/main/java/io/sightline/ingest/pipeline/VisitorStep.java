package io.sightline.ingest.pipeline;

import io.sightline.ingest.session.IdentityLinks;
import io.sightline.ingest.session.Salts;
import io.sightline.ingest.session.VisitorIds;

import java.time.LocalDate;

/**
 * The visitor id: the sender's own ids hashed stably, or the keyed hash of (salt of the event's UTC day, site, IP, User-Agent).
 * A sender {@code visitor_id} gives the visitor; with a {@code user_id} too, the event links the user to that visitor; a
 * {@code user_id} alone counts under the visitor the user was last linked to, else under the user's own id ({@link IdentityLinks}).
 * For anonymous visitors the previous day's id is computed too, so that the session step can continue a session across midnight.
 */
public final class VisitorStep implements PipelineStep {
  private final Salts salts;
  private final IdentityLinks identities;

  public VisitorStep(Salts salts, IdentityLinks identities) {
    this.salts = salts;
    this.identities = identities;
  }

  /**
   * The visitor id {@link #apply} gives this event (before sessions), for routing it to the cluster member that owns the visitor:
   * the same rules, with the event time a valid event gets. 0 when it cannot be known here (no salt for the day: the owner's
   * pipeline then decides what becomes of the event).
   */
  public long visitorOf(int siteId, io.sightline.ingest.IncomingEvent in, io.sightline.ingest.RequestFacts facts) {
    if (in.visitorId() != null) {
      return VisitorIds.stable(siteId, "v:" + in.visitorId());
    }
    if (in.userId() != null) {
      long userKey = VisitorIds.stable(siteId, "u:" + in.userId());
      IdentityLinks.Link link = identities.linked(userKey);
      return link == null ? userKey : link.visitorId();
    }
    java.time.Instant ts = in.timestamp() == null ? facts.receivedAt() : in.timestamp();
    byte[] salt = salts.salt(LocalDate.ofEpochDay(Math.floorDiv(ts.getEpochSecond(), 86_400L)));
    return salt == null ? 0 : VisitorIds.anonymous(salt, siteId, facts.clientIp(), facts.userAgent());
  }

  @Override
  public void apply(EventDraft d) {
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(d.ts.getEpochSecond(), 86_400L)); // the UTC day, without a ZonedDateTime per event
    d.saltDay = day;
    String visitor = d.in.visitorId();
    String user = d.in.userId();
    if (visitor != null) {
      d.visitorId = VisitorIds.stable(d.site.id(), "v:" + visitor);
      d.stableVisitor = true;
      if (user != null) {
        d.link = identities.link(d.site.id(), VisitorIds.stable(d.site.id(), "u:" + user), d.visitorId, d.ts);
      }
      return;
    }
    if (user != null) {
      long userKey = VisitorIds.stable(d.site.id(), "u:" + user);
      IdentityLinks.Link link = identities.linked(userKey);
      d.visitorId = d.routedVisitorId != 0 ? d.routedVisitorId : link == null ? userKey : link.visitorId();
      d.link = link == null || link.stored() || link.visitorId() != d.visitorId ? null : link;
      d.stableVisitor = true;
      return;
    }
    byte[] salt = salts.salt(day);
    if (salt == null) {
      throw new IllegalStateException("no visitor salt in memory for " + day);
    }
    d.visitorId = VisitorIds.anonymous(salt, d.site.id(), d.facts.clientIp(), d.facts.userAgent());
    byte[] previous = salts.salt(day.minusDays(1));
    if (previous != null) {
      d.previousDayVisitorId = VisitorIds.anonymous(previous, d.site.id(), d.facts.clientIp(), d.facts.userAgent());
      d.previousSaltDay = day.minusDays(1);
    }
  }
}
