package io.sightline.goal;

import java.util.Locale;

/**
 * What a goal counts: pageviews of matching pages, custom events of one name, clicks on one
 * target, or form submissions. See {@link Goal} for what each type's {@code match} means.
 */
public enum GoalType {
  PAGEVIEW, CUSTOM, CLICK, FORM;

  /** The lower-case id stored in {@code goals.type} and shown by the API: {@code pageview}, {@code custom}, ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type an id names (surrounding spaces and case ignored); null when the text names no type. */
  public static GoalType parse(String raw) {
    if (raw == null) {
      return null;
    }
    String id = raw.strip().toLowerCase(Locale.ROOT);
    for (GoalType t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }
}
