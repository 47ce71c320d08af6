package io.sightline.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An event as the sender described it (either body format), checked for types and sizes but
 * not yet enriched. Optional fields are null.
 *
 * @param domain      the Plausible {@code domain} (keyless path only)
 * @param utm         UTM values given as fields (they win over the URL's)
 * @param interactive false for events that must not turn a bounce into a non-bounce
 * @param timestamp   a server sender's event time (backfill), else null (= received time)
 * @param traits      an identified user's traits (with {@code user_id} only; {@code email} among them), else empty
 * @param eventId     the sender's own id of the event ({@code event_id}): a copy sent again is stored once, else null
 */
public record IncomingEvent(EventType type, String name, String url, String referrer, String domain, Map<String, String> utm,
                            Integer screenWidth, String timezone, BigDecimal revenueAmount, String revenueCurrency,
                            Map<String, String> props, List<String> tags, String targetLabel, String targetSecondary,
                            Integer scrollDepth, Integer engagementMs, String visitorId, String userId, Instant timestamp,
                            boolean interactive, Map<String, String> traits, String eventId) {

  public IncomingEvent(EventType type, String name, String url, String referrer, String domain, Map<String, String> utm,
                       Integer screenWidth, String timezone, BigDecimal revenueAmount, String revenueCurrency,
                       Map<String, String> props, List<String> tags, String targetLabel, String targetSecondary,
                       Integer scrollDepth, Integer engagementMs, String visitorId, String userId, Instant timestamp,
                       boolean interactive, Map<String, String> traits) {
    this(type, name, url, referrer, domain, utm, screenWidth, timezone, revenueAmount, revenueCurrency, props, tags, targetLabel,
        targetSecondary, scrollDepth, engagementMs, visitorId, userId, timestamp, interactive, traits, null);
  }

  public IncomingEvent(EventType type, String name, String url, String referrer, String domain, Map<String, String> utm,
                       Integer screenWidth, String timezone, BigDecimal revenueAmount, String revenueCurrency,
                       Map<String, String> props, List<String> tags, String targetLabel, String targetSecondary,
                       Integer scrollDepth, Integer engagementMs, String visitorId, String userId, Instant timestamp,
                       boolean interactive) {
    this(type, name, url, referrer, domain, utm, screenWidth, timezone, revenueAmount, revenueCurrency, props, tags, targetLabel,
        targetSecondary, scrollDepth, engagementMs, visitorId, userId, timestamp, interactive, Map.of(), null);
  }

  /** The user's e-mail address among the traits, or null. */
  public String email() {
    return traits == null ? null : traits.get("email");
  }
}
