package io.sightline.query;

import java.util.Locale;

/**
 * The metrics the engine computes, each defined once (README, "Query engine"). Dialects rename and
 * reshape them, never recompute them.
 */
public enum Metric {
  VISITORS, SESSIONS, PAGEVIEWS, EVENTS, VIEWS_PER_VISIT, BOUNCE_RATE, AVG_DURATION, AVG_SCROLL, CLICKERS, ENGAGEMENT;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Metric parse(String s) {
    for (Metric m : values()) {
      if (m.id().equals(s)) {
        return m;
      }
    }
    return null;
  }
}
