package io.sightline.ingest.pipeline;

import io.sightline.ingest.session.Salts;
import io.sightline.ingest.session.VisitorIds;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The visitor id: the sender's own id ({@code user_id}, else {@code visitor_id}) hashed stably,
 * or the keyed hash of (salt of the event's UTC day, site, IP, User-Agent). The previous day's
 * id is computed too, so that the session step can continue a session across midnight.
 */
public final class VisitorStep implements PipelineStep {
  private final Salts salts;

  public VisitorStep(Salts salts) {
    this.salts = salts;
  }

  @Override
  public void apply(EventDraft d) {
    LocalDate day = d.ts.atZone(ZoneOffset.UTC).toLocalDate();
    String senderId = d.in.userId() != null ? "u:" + d.in.userId() : d.in.visitorId() != null ? "v:" + d.in.visitorId() : null;
    d.saltDay = day;
    if (senderId != null) {
      d.visitorId = VisitorIds.stable(d.site.id(), senderId);
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
