package io.sightline.query;

/**
 * The days the rollups cannot answer exactly although they cover the site: a {@code rollup_gaps} row (site, salt day)
 * says the writer's bounded dedupe state stopped tracking that salt day's visitor ids, whose events count on that UTC
 * day and the next (sessions carried over midnight). Rollup rows and first-occurrence flags of those days may miss
 * distinct visitors, so a range touching them is answered from raw events.
 */
final class RollupGaps {
  /**
   * A condition on {@code $1} (site id), {@code $2} and {@code $3} (the range's first and last instants read): true when a
   * gap's days meet the range.
   */
  static final String WITHIN = "exists (select 1 from rollup_gaps g where g.site_id = $1 "
      + "and g.salt_day >= ($2 at time zone 'UTC')::date - 1 and g.salt_day <= ($3 at time zone 'UTC')::date)";

  private RollupGaps() {
  }
}
