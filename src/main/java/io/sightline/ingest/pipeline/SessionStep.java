package io.sightline.ingest.pipeline;

import io.sightline.ingest.EventType;
import io.sightline.ingest.session.IdGenerator;
import io.sightline.ingest.session.SessionTracker;
import io.sightline.store.EventRecord;
import io.vertx.core.json.JsonObject;

/** Last step: the event gets its id and session, and becomes the row the writer stores. */
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
    d.session = sessions.track(d, d.eventId);
    var in = d.in;
    var ua = d.facts.userAgentInfo();
    String props = in.props() == null || in.props().isEmpty() ? null : new JsonObject(new java.util.LinkedHashMap<>(in.props())).encode();
    d.record = new EventRecord(d.site.id(), d.ts, d.eventId, d.sessionId, d.visitorId, in.userId(), d.saltDay,
        in.type() == EventType.PAGEVIEW ? Long.valueOf(d.eventId) : d.pageVisitId, in.type().id(), in.name(), d.url.hostname(),
        d.url.pathname(), d.url.query(), d.referrer, d.referrerHost, d.source, d.channel, d.url.clickIdParam(), d.utmSource,
        d.utmMedium, d.utmCampaign, d.utmContent, d.utmTerm, d.geo.country(), d.geo.region(), d.geo.city(), ua.device(),
        ua.browser(), ua.browserVersion(), ua.os(), ua.osVersion(), in.screenWidth(), in.targetLabel(), in.targetSecondary(), props,
        in.tags() == null || in.tags().isEmpty() ? null : in.tags().toArray(String[]::new), in.revenueAmount(), in.revenueCurrency(),
        in.scrollDepth(), in.engagementMs(), in.interactive(), d.facts.keyId());
  }
}
