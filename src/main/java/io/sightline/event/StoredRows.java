package io.sightline.event;

import io.vertx.sqlclient.Row;

/** Reads stored rows back into the records the writer writes. */
public final class StoredRows {
  private StoredRows() {
  }

  /** A {@code sessions} row (every column selected). */
  public static SessionRow session(Row r) {
    return new SessionRow(r.getInteger("site_id"), r.getLong("session_id"), r.getOffsetDateTime("started_at").toInstant(),
        r.getOffsetDateTime("last_seen_at").toInstant(), r.getLong("visitor_id"), r.getString("user_id"), r.getLocalDate("salt_day"),
        r.getString("entry_page"), r.getString("exit_page"), r.getString("hostname"), r.getString("referrer"),
        r.getString("referrer_host"), r.getString("source"), r.getString("channel"), r.getString("click_id_param"),
        r.getString("utm_source"), r.getString("utm_medium"), r.getString("utm_campaign"), r.getString("utm_content"),
        r.getString("utm_term"), r.getString("country"), r.getString("region"), r.getString("city"), r.getString("device"),
        r.getString("browser"), r.getString("browser_version"), r.getString("os"), r.getString("os_version"),
        r.getInteger("screen_width"), r.getInteger("pageviews"), r.getInteger("events"), r.getBoolean("interactive"),
        r.getInteger("clicks"), r.getInteger("forms"), r.getInteger("max_scroll"), r.getLong("engagement_ms"),
        r.getBigDecimal("revenue_amount"), r.getString("revenue_currency"), r.getArrayOfIntegers("key_ids"));
  }}
