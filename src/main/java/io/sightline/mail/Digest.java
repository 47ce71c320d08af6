package io.sightline.mail;

import java.util.List;
import java.util.Map;

/**
 * What a report says, every number from the query engine: the period's top stats with the previous
 * period's values and their percent change (the engine's comparison), and the top sources and pages.
 *
 * @param totals   visitors, sessions, pageviews, bounce_rate, avg_duration
 * @param previous the same over the previous period
 * @param change   percent change per metric, null when the previous value is 0
 * @param sources  rows of {@code source} (null: direct) and {@code visitors}
 * @param pages    rows of {@code page}, {@code visitors} and {@code pageviews}
 */
public record Digest(Subscription subscription, ReportPeriod period, ReportPeriod previousPeriod, Map<String, Object> totals,
                     Map<String, Object> previous, Map<String, Object> change, List<Map<String, Object>> sources,
                     List<Map<String, Object>> pages) {
}
