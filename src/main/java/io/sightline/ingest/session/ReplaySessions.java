package io.sightline.ingest.session;

import io.sightline.ingest.pipeline.EventDraft;
import io.sightline.event.SessionRow;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Sessions for events replayed in time order from another tool's export (io.sightline.imports): the same rule as
 * {@link SessionTracker} (no gap over 30 minutes, a daily id's session kept at most {@link SessionTracker#SPILL} past its
 * salt day's midnight, the same {@link SessionState} counters), with session ids the caller derives, and one more
 * boundary: an event whose vendor session differs from its open session's (GA4's {@code ga_session_id}) starts a new one.
 * One thread; not for live traffic.
 */
public final class ReplaySessions {
  /** A session id for a new session of {@code visitorId} starting at {@code start}. */
  public interface Ids {
    long sessionId(long visitorId, Instant start);
  }

  private final Map<Long, SessionState> open = new HashMap<>();
  private final Map<Long, String> vendorSessions = new HashMap<>();
  private final Ids ids;

  public ReplaySessions(Ids ids) {
    this.ids = ids;
  }

  /**
   * Puts the event (its draft holding the visitor ids of its own and of the previous salt day) in its session; sets the
   * draft's session, visitor, salt day and page-visit ids and returns the session's new state.
   */
  public SessionRow track(EventDraft d, long eventId, String vendorSession) {
    int site = d.site.id();
    if (d.previousDayVisitorId != 0) {
      SessionState s = open.get(d.previousDayVisitorId);
      if (s != null && SessionTracker.continues(s, d) && sameVendorSession(s, vendorSession)) {
        return SessionTracker.apply(s, d, eventId, site);
      }
    }
    SessionState s = open.get(d.visitorId);
    if (s == null || !SessionTracker.continues(s, d) || !sameVendorSession(s, vendorSession)) {
      if (s != null) {
        vendorSessions.remove(s.sessionId);
      }
      s = new SessionState(ids.sessionId(d.visitorId, d.ts), d.visitorId, d.saltDay, d);
      open.put(d.visitorId, s);
      if (vendorSession != null) {
        vendorSessions.put(s.sessionId, vendorSession);
      }
    }
    return SessionTracker.apply(s, d, eventId, site);
  }

  private boolean sameVendorSession(SessionState s, String vendorSession) {
    return vendorSession == null || Objects.equals(vendorSessions.get(s.sessionId), vendorSession);
  }

  /** Forgets sessions no event at or after {@code now} can continue (events come in time order). */
  public void forgetBefore(Instant now) {
    Instant idleSince = now.minus(SessionTracker.IDLE);
    for (Iterator<SessionState> it = open.values().iterator(); it.hasNext(); ) {
      SessionState s = it.next();
      if (s.lastSeenAt.isBefore(idleSince)) {
        vendorSessions.remove(s.sessionId);
        it.remove();
      }
    }
  }
}
