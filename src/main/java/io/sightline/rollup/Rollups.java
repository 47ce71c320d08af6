package io.sightline.rollup;

import java.time.Duration;

/** Facts the rollup writer and the query planner share. */
public final class Rollups {
  private Rollups() {
  }

  /**
   * A daily visitor id's session may go on past its salt day's midnight by at most this much (the
   * session tracker enforces it). The 15-minute visitor counters are exact for ranges whose edges
   * are a UTC midnight or at least this far after one.
   */
  public static final Duration SPILL = Duration.ofHours(2);
}
