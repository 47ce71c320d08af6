package io.sightline.ingest.pipeline;

import io.sightline.event.EventRecord;
import io.sightline.ingest.EventType;
import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.SessionTracker;
import io.vertx.core.json.JsonObject;

/**
 * Last step: the event gets its id and session, and becomes the row the writer stores. Like
 * Plausible, every event carries its session's acquisition and visitor attributes (referrer,
 * source, channel, UTMs, click id, geo, device, browser, OS as of the session's first event), so
 * that "pageviews from Google" and "sessions from Google" agree.
 */
public final class SessionStep implements PipelineStep {
  private final SessionTracker sessions;
  private final IdGenerator ids;

  public SessionStep(SessionTracker sessions, IdGenerator ids) {
    this.sessions = sessions;
    this.ids = ids;
  }

  @Override
  public void apply(EventDraft d) {
    d.eventId = ids.next();
    d.ts = d.ts.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // PostgreSQL's precision: memory (sessions, rollups) equals the rows
    d.session = sessions.track(d, d.eventId);
    d.record = record(d);
  }

  /**
   * The row the writer stores for a draft whose session is assigned: the event's own fields, with its session's acquisition and
   * device attributes. Shared with the replay of imported events ({@code io.sightline.imports}).
   */
  public static EventRecord record(EventDraft d) {
    var in = d.in;
    var s = d.session;
    String props = in.props() == null || in.props().isEmpty() ? null : new JsonObject(new java.util.LinkedHashMap<>(in.props())).encode();
    return new EventRecord(d.site.id(), d.ts, d.eventId, d.sessionId, d.visitorId, in.userId(), d.saltDay,
        in.type() == EventType.PAGEVIEW ? Long.valueOf(d.eventId) : d.pageVisitId, in.type().id(), in.name(), d.url.hostname(),
        d.url.pathname(), d.url.query(), s.referrer(), s.referrerHost(), s.source(), s.channel(), s.clickIdParam(), s.utmSource(),
        s.utmMedium(), s.utmCampaign(), s.utmContent(), s.utmTerm(), s.country(), s.region(), s.city(), s.device(),
        s.browser(), s.browserVersion(), s.os(), s.osVersion(), s.screenWidth(), in.targetLabel(), in.targetSecondary(), props,
        in.tags() == null || in.tags().isEmpty() ? null : in.tags().toArray(String[]::new), in.revenueAmount(), in.revenueCurrency(),
        in.scrollDepth(), in.engagementMs(), in.interactive(), d.facts.keyId(), d.stableVisitor);
  }
}
