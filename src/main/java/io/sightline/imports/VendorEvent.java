package io.sightline.imports;

import io.sightline.ingest.EventType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One raw event read from another tool's export, in Sightline's terms but not yet enriched: what the vendor stored.
 *
 * @param eventKey     the vendor's id of the event (or its position in the file): Sightline's event id is derived from it
 * @param visitorKey   the vendor's id of the browser (Umami's session id, GA4's user_pseudo_id): the daily visitor ids derive from it
 * @param sessionKey   the vendor's own session (GA4's ga_session_id), a session boundary besides Sightline's rule; null if none
 * @param url          the absolute page URL, with its query (UTMs and click ids are read from it as at ingest)
 * @param utm          UTM values the vendor stored in their own fields (they win over the URL's, as body fields do at ingest)
 * @param device       desktop, mobile or tablet (null if unknown)
 */
public record VendorEvent(String eventKey, String visitorKey, String sessionKey, Instant ts, EventType type, String name, String url,
                          String referrer, Map<String, String> utm, String country, String region, String city, String device,
                          String browser, String browserVersion, String os, String osVersion, Integer screenWidth,
                          Map<String, String> props, BigDecimal revenue, String currency, Interaction interaction) {
  /** What an event of Sightline's own export adds: the click/form target, scroll and engagement, tags, the interactive flag. */
  public record Interaction(String targetLabel, String targetSecondary, Integer scrollDepth, Integer engagementMs, java.util.List<String> tags,
                            boolean interactive) {
    public static final Interaction NONE = new Interaction(null, null, null, null, null, true);
  }

  public VendorEvent(String eventKey, String visitorKey, String sessionKey, Instant ts, EventType type, String name, String url,
                     String referrer, Map<String, String> utm, String country, String region, String city, String device,
                     String browser, String browserVersion, String os, String osVersion, Integer screenWidth,
                     Map<String, String> props, BigDecimal revenue, String currency) {
    this(eventKey, visitorKey, sessionKey, ts, type, name, url, referrer, utm, country, region, city, device, browser, browserVersion, os,
        osVersion, screenWidth, props, revenue, currency, Interaction.NONE);
  }
}
