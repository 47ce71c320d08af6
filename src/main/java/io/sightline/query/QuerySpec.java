package io.sightline.query;

import io.sightline.event.Dimension;
import io.sightline.goal.GoalMatch;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * One query, in the engine's terms: a site, a half-open time range [start, end) with the zone it
 * was resolved in, metrics, dimensions, filters, order and paging.
 *
 * @param orderBy     a metric id or a grouped dimension's id; null = first metric
 * @param propertyKey the custom property a {@link Dimension#PROPS} dimension groups by, else null
 * @param goals       the site's goals, for the goal dimension and filter and the conversion metrics
 */
public record QuerySpec(int siteId, Instant start, Instant end, ZoneId zone, List<Metric> metrics, List<Dimension> dimensions,
                        List<Filter> filters, String orderBy, boolean descending, int limit, int offset, String propertyKey,
                        List<GoalMatch> goals) {

  public QuerySpec(int siteId, Instant start, Instant end, ZoneId zone, List<Metric> metrics, List<Dimension> dimensions,
                   List<Filter> filters, String orderBy, boolean descending, int limit, int offset) {
    this(siteId, start, end, zone, metrics, dimensions, filters, orderBy, descending, limit, offset, null, List.of());
  }

  /** The id a dimension has in result rows ({@code props:<key>} for a custom property). */
  public String label(Dimension d) {
    return d == Dimension.PROPS ? "props:" + propertyKey : d.id();
  }

  public boolean groupsBy(Dimension d) {
    return dimensions.contains(d);
  }

  public boolean filtersBy(Dimension d) {
    return filters.stream().anyMatch(f -> f.dimension() == d);
  }

  public QuerySpec with(List<Metric> metrics, List<Dimension> dimensions, List<Filter> filters, int limit, int offset) {
    return new QuerySpec(siteId, start, end, zone, metrics, dimensions, filters, orderBy, descending, limit, offset, propertyKey, goals);
  }

  /** Whether the goal definitions take part (goal dimension or filter, conversion metrics). */
  public boolean needsGoals() {
    return groupsBy(Dimension.GOAL) || filtersBy(Dimension.GOAL) || metrics.stream().anyMatch(Metric::usesGoals);
  }

  public QuerySpec withGoals(List<GoalMatch> goals) {
    return new QuerySpec(siteId, start, end, zone, metrics, dimensions, filters, orderBy, descending, limit, offset, propertyKey, goals);
  }

  public QuerySpec during(Instant from, Instant to) {
    return new QuerySpec(siteId, from, to, zone, metrics, dimensions, filters, orderBy, descending, limit, offset, propertyKey, goals);
  }
}
