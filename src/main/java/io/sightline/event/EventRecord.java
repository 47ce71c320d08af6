package io.sightline.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** One row of {@code events}, as the writer inserts it. {@code stableVisitor}: the visitor id is the sender's own, not the daily hash. */
public record EventRecord(int siteId, Instant ts, long eventId, long sessionId, long visitorId, String userId, LocalDate saltDay,
                          Long pageVisitId, String type, String name, String hostname, String pathname, String query, String referrer,
                          String referrerHost, String source, String channel, String clickIdParam, String utmSource, String utmMedium,
                          String utmCampaign, String utmContent, String utmTerm, String country, String region, String city,
                          String device, String browser, String browserVersion, String os, String osVersion, Integer screenWidth,
                          String targetLabel, String targetSecondary, String propsJson, String[] tags, BigDecimal revenueAmount,
                          String revenueCurrency, Integer scrollDepth, Integer engagementMs, boolean interactive, Integer keyId,
                          boolean stableVisitor) {
}
