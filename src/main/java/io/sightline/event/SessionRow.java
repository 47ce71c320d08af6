package io.sightline.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** A session's state after an event, as the writer upserts it into {@code sessions}. */
public record SessionRow(int siteId, long sessionId, Instant startedAt, Instant lastSeenAt, long visitorId, String userId,
                         LocalDate saltDay, String entryPage, String exitPage, String hostname, String referrer, String referrerHost,
                         String source, String channel, String clickIdParam, String utmSource, String utmMedium, String utmCampaign,
                         String utmContent, String utmTerm, String country, String region, String city, String device, String browser,
                         String browserVersion, String os, String osVersion, Integer screenWidth, int pageviews, int events,
                         boolean interactive, int clicks, int forms, Integer maxScroll, long engagementMs, BigDecimal revenueAmount,
                         String revenueCurrency, Integer[] keyIds) {
}
