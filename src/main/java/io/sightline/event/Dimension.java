package io.sightline.event;

import java.util.Locale;

/**
 * What a query can group or filter by. {@link Kind#SESSION} dimensions are attributes of a session
 * (its first event's acquisition, location and device, its entry and exit page); {@link Kind#EVENT}
 * dimensions are attributes of single events (page, hostname, event name, click and form target,
 * event type, the page of any event, custom properties, goals, tags); time dimensions bucket in the query's time zone. The SQL expression comes
 * from here (an allow-list), never from request text.
 */
public enum Dimension {
  SOURCE(Kind.SESSION, "s.source"),
  CHANNEL(Kind.SESSION, "s.channel"),
  REFERRER_URL(Kind.SESSION, "s.referrer"),
  UTM_SOURCE(Kind.SESSION, "s.utm_source"),
  UTM_MEDIUM(Kind.SESSION, "s.utm_medium"),
  UTM_CAMPAIGN(Kind.SESSION, "s.utm_campaign"),
  UTM_CONTENT(Kind.SESSION, "s.utm_content"),
  UTM_TERM(Kind.SESSION, "s.utm_term"),
  ENTRY_PAGE(Kind.SESSION, "s.entry_page"),
  EXIT_PAGE(Kind.SESSION, "s.exit_page"),
  COUNTRY(Kind.SESSION, "s.country"),
  REGION(Kind.SESSION, "s.region"),
  CITY(Kind.SESSION, "s.city"),
  DEVICE(Kind.SESSION, "s.device"),
  BROWSER(Kind.SESSION, "s.browser"),
  BROWSER_VERSION(Kind.SESSION, "s.browser_version"),
  OS(Kind.SESSION, "s.os"),
  OS_VERSION(Kind.SESSION, "s.os_version"),
  SCREEN(Kind.SESSION, "s.screen"),
  PAGE(Kind.EVENT, "e.pathname"),
  HOSTNAME(Kind.EVENT, "e.hostname"),
  EVENT_NAME(Kind.EVENT, "case when e.type <> 'engagement' then e.name end"),
  CLICK_TARGET(Kind.EVENT, "case when e.type = 'click' then e.target_label end"),
  FORM_TARGET(Kind.EVENT, "case when e.type = 'form' then coalesce(e.target_label, e.target_secondary) end"),
  /** A click's href or element id, a form's action or id (the secondary label beside the target). */
  TARGET_SECONDARY(Kind.EVENT, "case when e.type in ('click', 'form') then e.target_secondary end"),
  /** The event's type ({@code pageview}, {@code custom}, {@code click}, {@code form}); engagement beacons have none. */
  EVENT_TYPE(Kind.EVENT, "case when e.type <> 'engagement' then e.type end"),
  /** The page an event was sent from, for any event but engagement beacons ({@code page} rows are pageviews). */
  EVENT_PAGE(Kind.EVENT, "case when e.type <> 'engagement' then e.pathname end"),
  /** A custom property: its key travels beside the dimension ({@code props:<key>} in requests and rows). */
  PROPS(Kind.EVENT, "e.props ->> "),
  /** The goals an event completes (one row per goal; an event may complete several). */
  GOAL(Kind.EVENT, null),
  /** The tags an event carries (one row per tag; an event with two tags counts in both). */
  TAG(Kind.EVENT, null),
  HOUR(Kind.TIME, "hour"),
  DATE(Kind.TIME, "day"),
  WEEK(Kind.TIME, "week"),
  MONTH(Kind.TIME, "month");

  public enum Kind { SESSION, EVENT, TIME }

  private final Kind kind;
  private final String sql;
  private final String id;

  Dimension(Kind kind, String sql) {
    this.kind = kind;
    this.sql = sql;
    this.id = name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  /** The column (session and event dimensions) or the date_trunc unit (time dimensions). */
  public String sql() {
    return sql;
  }

  public String id() {
    return id;
  }

  /** Which events make a row of an event dimension (and which ones a filter on it looks at). */
  public String membership(String alias) {
    return switch (this) {
      case PAGE, HOSTNAME -> alias + ".type = 'pageview'";
      case CLICK_TARGET -> alias + ".type = 'click'";
      case FORM_TARGET -> alias + ".type = 'form'";
      default -> alias + ".type <> 'engagement'";
    };
  }

  /** Parses a dimension id; {@code props:<key>} parses as {@link #PROPS} (the caller keeps the key). */
  public static Dimension parse(String s) {
    if (s != null && s.startsWith("props:") && s.length() > "props:".length()) {
      return PROPS;
    }
    for (Dimension d : values()) {
      if (d.id().equals(s)) {
        return d;
      }
    }
    return null;
  }
}
