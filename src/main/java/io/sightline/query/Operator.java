package io.sightline.query;

import java.util.Locale;

/**
 * Filter operators. With several values, {@code is}, {@code contains}, {@code starts_with} and
 * {@code ends_with} match any of them; {@code is_not} and {@code not_contains} match none of them.
 * {@code contains} and {@code not_contains} ignore case; the others compare exactly. A missing
 * value (no source, say) never equals a value, so {@code is_not} keeps it.
 */
public enum Operator {
  IS, IS_NOT, CONTAINS, NOT_CONTAINS, STARTS_WITH, ENDS_WITH;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean negated() {
    return this == IS_NOT || this == NOT_CONTAINS;
  }

  public static Operator parse(String s) {
    for (Operator o : values()) {
      if (o.id().equals(s)) {
        return o;
      }
    }
    return null;
  }

  /** Whether {@code value} (possibly null) passes this operator with these values. */
  public boolean matches(String value, java.util.List<String> values) {
    boolean any = false;
    for (String v : values) {
      any |= value != null && switch (this) {
        case IS, IS_NOT -> value.equals(v);
        case CONTAINS, NOT_CONTAINS -> value.toLowerCase(Locale.ROOT).contains(v.toLowerCase(Locale.ROOT));
        case STARTS_WITH -> value.startsWith(v);
        case ENDS_WITH -> value.endsWith(v);
      };
    }
    return negated() != any;
  }
}
