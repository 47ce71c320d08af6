package io.sightline.query;

import java.util.Locale;

/**
 * The metrics the engine computes, each defined once (docs/api.md, "Query engine"). Dialects rename and
 * reshape them, never recompute them.
 */
public enum Metric {
  VISITORS, SESSIONS, PAGEVIEWS, EVENTS, VIEWS_PER_VISIT, BOUNCE_RATE, AVG_DURATION, AVG_SCROLL, CLICKERS, ENGAGEMENT,
  CONVERSIONS, CONVERSION_RATE, TOTAL_REVENUE, AVERAGE_REVENUE, ENTRANCES, EXITS, TIME_ON_PAGE, NEW_VISITOR_SESSIONS,
  BOUNCES, TOTAL_DURATION, TOTAL_TIME_ON_PAGE, FORM_SUBMISSIONS,
  /** The counted pageviews {@link #TIME_ON_PAGE} averages over (followed by another pageview of their session in range). */
  TIMED_PAGEVIEWS,
  /** Identified users won in the sessions in scope: see {@link QueryEngine}, "contacts". */
  CONTACTS, LEADS, CUSTOMERS;

  private final String id = name().toLowerCase(Locale.ROOT);

  /** Metrics counted over events, by event time (the rest are over sessions, by their start). */
  boolean fromEvents() {
    return switch (this) {
      case VISITORS, PAGEVIEWS, EVENTS, AVG_SCROLL, ENGAGEMENT, CONVERSIONS, TOTAL_REVENUE, AVERAGE_REVENUE, ENTRANCES, EXITS, TIME_ON_PAGE,
          TOTAL_TIME_ON_PAGE, TIMED_PAGEVIEWS, FORM_SUBMISSIONS -> true;
      default -> false;
    };
  }

  /**
   * Whether the metric counts something (sums over disjoint parts add up, and a group missing
   * from a comparison baseline had 0 there); the others are ratios or averages.
   */
  public boolean counts() {
    return switch (this) {
      case VISITORS, SESSIONS, PAGEVIEWS, EVENTS, CLICKERS, CONVERSIONS, TOTAL_REVENUE, ENTRANCES, EXITS, NEW_VISITOR_SESSIONS,
          BOUNCES, TOTAL_DURATION, TOTAL_TIME_ON_PAGE, TIMED_PAGEVIEWS, FORM_SUBMISSIONS, CONTACTS, LEADS, CUSTOMERS -> true;
      default -> false;
    };
  }

  /** Whether values carry two decimals (money, views per visit, conversion rate); the others are whole numbers. */
  public boolean decimals() {
    return this == VIEWS_PER_VISIT || this == TOTAL_REVENUE || this == AVERAGE_REVENUE || this == CONVERSION_RATE;
  }

  /** Whether the metric needs the site's goals. */
  boolean usesGoals() {
    return this == CONVERSIONS || this == CONVERSION_RATE;
  }

  public String id() {
    return id;
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
