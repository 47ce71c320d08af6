package io.sightline.rollup;

import io.sightline.event.Dimension;

/**
 * The first-occurrence flags the writer stores on each event ({@code events.first_mask}), from the
 * same dedupe state as the rollups, so that raw drill-downs count visitors without
 * {@code count(distinct)} (docs/ingestion.md, "Rollups", drill-downs). For each {@link Key}, two bits:
 * <ul>
 *   <li>{@link #first}: this event is the first of its daily visitor id with the key's value(s) on
 *   its UTC day (one flagged event per (id, value, UTC day));</li>
 *   <li>{@link #both}: this event made the (id, value) pair seen on both UTC days a daily id can
 *   live on (its salt day and the next one, for a session crossing midnight).</li>
 * </ul>
 * So over whole UTC days [a, b), the distinct visitors of a value are
 * {@code count(first) - count(both with a <= salt_day < b - 1)}: the per-day firsts less the ids
 * counted on two days of the range. Stable (sender-supplied) ids carry no flags.
 */
public final class FirstFlags {
  /** What a pair is: the visitor alone, with a page (pageviews only), with a session attribute, or with both. */
  public enum Key {
    VISITOR(null, null),
    PAGE(Dimension.PAGE, null),
    SOURCE(null, Dimension.SOURCE),
    CHANNEL(null, Dimension.CHANNEL),
    UTM_SOURCE(null, Dimension.UTM_SOURCE),
    UTM_MEDIUM(null, Dimension.UTM_MEDIUM),
    UTM_CAMPAIGN(null, Dimension.UTM_CAMPAIGN),
    PAGE_SOURCE(Dimension.PAGE, Dimension.SOURCE),
    PAGE_CHANNEL(Dimension.PAGE, Dimension.CHANNEL),
    PAGE_UTM_SOURCE(Dimension.PAGE, Dimension.UTM_SOURCE),
    PAGE_UTM_MEDIUM(Dimension.PAGE, Dimension.UTM_MEDIUM),
    PAGE_UTM_CAMPAIGN(Dimension.PAGE, Dimension.UTM_CAMPAIGN);

    /** {@link Dimension#PAGE} for keys of pageviews, else null. */
    public final Dimension page;
    /** The session attribute in the key, or null. */
    public final Dimension attribute;

    Key(Dimension page, Dimension attribute) {
      this.page = page;
      this.attribute = attribute;
    }

    /** The key of a page (or not) and a session attribute (or none). */
    public static Key of(boolean page, Dimension attribute) {
      for (Key k : values()) {
        if ((k.page != null) == page && k.attribute == attribute) {
          return k;
        }
      }
      throw new IllegalArgumentException("no first-occurrence key for " + attribute);
    }

    /** Whether a key exists for this session attribute. */
    public static boolean keyed(Dimension attribute) {
      for (Key k : values()) {
        if (k.attribute == attribute) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a pair's state change means for the event: {@link #FIRST} and/or {@link #BOTH}. */
  static final int FIRST = 1;
  static final int BOTH = 2;

  private FirstFlags() {
  }

  public static int first(Key k) {
    return 1 << (2 * k.ordinal());
  }

  public static int both(Key k) {
    return 1 << (2 * k.ordinal() + 1);
  }

  /** Places a pair's {@link #FIRST}/{@link #BOTH} outcome at the key's bits. */
  static int bits(Key k, int outcome) {
    return outcome << (2 * k.ordinal());
  }
}
