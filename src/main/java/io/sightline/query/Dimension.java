package io.sightline.query;

import java.util.Locale;

/**
 * What a query can group or filter by. {@link Kind#SESSION} dimensions are attributes of a session
 * (its first event's acquisition, location and device, its entry and exit page); {@code page} is
 * an event attribute; time dimensions bucket in the query's time zone. The SQL expression comes
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
  HOUR(Kind.TIME, "hour"),
  DATE(Kind.TIME, "day"),
  WEEK(Kind.TIME, "week"),
  MONTH(Kind.TIME, "month");

  public enum Kind { SESSION, EVENT, TIME }

  private final Kind kind;
  private final String sql;

  Dimension(Kind kind, String sql) {
    this.kind = kind;
    this.sql = sql;
  }

  public Kind kind() {
    return kind;
  }

  /** The column (session and event dimensions) or the date_trunc unit (time dimensions). */
  String sql() {
    return sql;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Dimension parse(String s) {
    for (Dimension d : values()) {
      if (d.id().equals(s)) {
        return d;
      }
    }
    return null;
  }
}
