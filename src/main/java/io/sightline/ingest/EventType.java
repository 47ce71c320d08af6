package io.sightline.ingest;

import java.util.Locale;

/** What an event is. Engagement events carry scroll depth and engaged time for a pageview. */
public enum EventType {
  PAGEVIEW, CUSTOM, CLICK, FORM, ENGAGEMENT;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Null when the text names no type. */
  public static EventType parse(String s) {
    for (EventType t : values()) {
      if (t.id().equals(s)) {
        return t;
      }
    }
    return null;
  }
}
