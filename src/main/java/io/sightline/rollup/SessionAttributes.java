package io.sightline.rollup;

import io.sightline.event.EventRecord;

import java.util.Arrays;

/**
 * The values of an event's session attributes ({@link RollupDim.Kind#SESSION_ATTRIBUTE}: source,
 * channel, the UTMs, location, device, browser, OS), in {@link #DIMS} order. Every event of a session
 * carries the same ones, so the accumulator counts an event once under this tuple and spreads the tuple's
 * counts over the thirteen dimension rows once per batch ({@link RollupAccumulator}), instead of thirteen
 * row updates per event. Equal when every value is equal.
 */
final class SessionAttributes {
  static final RollupDim[] DIMS = Arrays.stream(RollupDim.values()).filter(d -> d.kind == RollupDim.Kind.SESSION_ATTRIBUTE)
      .toArray(RollupDim[]::new);

  final String[] values;
  final int hash;

  private SessionAttributes(String[] values) {
    this.values = values;
    long h = 0;
    for (String v : values) { // String caches its hash: cheap after the first time; mixed, as few values vary
      h = Keys.mix(h + (v == null ? 0x5bd1e995L : v.hashCode()));
    }
    this.hash = (int) h;
  }

  static SessionAttributes of(EventRecord e) {
    String[] v = new String[DIMS.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = DIMS[i].valueOf(e);
    }
    return new SessionAttributes(v);
  }

  /** Whether the event carries these values (compared without building its tuple). */
  boolean matches(EventRecord e) {
    for (int i = 0; i < values.length; i++) {
      if (!java.util.Objects.equals(values[i], DIMS[i].valueOf(e))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionAttributes a && a.hash == hash && Arrays.equals(a.values, values);
  }
}
