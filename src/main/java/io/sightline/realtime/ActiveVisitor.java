package io.sightline.realtime;

import java.time.Instant;

/** A visitor seen in the realtime window: their session's state as of their latest event. */
public record ActiveVisitor(long visitorId, long sessionId, Instant firstSeen, Instant lastSeen, String entryPage, String currentPage,
                            int pageviews, int events, String source, String referrer, String country, String city, String device,
                            String browser, String os, Integer scroll) {

  public long durationSeconds() {
    return Math.max(0, lastSeen.getEpochSecond() - firstSeen.getEpochSecond());
  }
}
