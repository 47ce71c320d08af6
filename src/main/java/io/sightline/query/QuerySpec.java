package io.sightline.query;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * One query, in the engine's terms: a site, a half-open time range [start, end) with the zone it
 * was resolved in, metrics, at most one dimension, filters, order and paging.
 *
 * @param orderBy a metric id or the dimension's id; null = first metric
 */
public record QuerySpec(int siteId, Instant start, Instant end, ZoneId zone, List<Metric> metrics, List<Dimension> dimensions,
                        List<Filter> filters, String orderBy, boolean descending, int limit, int offset) {
}
