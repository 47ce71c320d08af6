package io.sightline.goal;

/**
 * Pageview goal patterns: a path where {@code *} matches any run of characters (none included).
 * Everything else matches itself, case-sensitively; {@code %}, {@code _} and {@code \} have no
 * special meaning.
 */
public final class GoalPatterns {
  /** The pattern that matches every page. */
  public static final String ANY = "*";

  private GoalPatterns() {
  }

  /**
   * The PostgreSQL {@code LIKE} pattern for a pageview pattern, with {@code \} as the escape
   * character: {@code %}, {@code _} and {@code \} are escaped, {@code *} becomes {@code %}. Use it as
   * {@code pathname like $n escape '\'}: {@code /blog/*} → {@code /blog/%}, {@code /100%_off} →
   * {@code /100\%\_off}.
   */
  public static String likePattern(String pathPattern) {
    StringBuilder like = new StringBuilder(pathPattern.length() + 8);
    for (int i = 0; i < pathPattern.length(); i++) {
      char c = pathPattern.charAt(i);
      switch (c) {
        case '*' -> like.append('%');
        case '%', '_', '\\' -> like.append('\\').append(c);
        default -> like.append(c);
      }
    }
    return like.toString();
  }

  /** Whether a path matches a pageview pattern: in Java, the same answer PostgreSQL gives for its {@link #likePattern}. */
  public static boolean matchesPath(String pathPattern, String path) {
    int p = 0;
    int s = 0;
    int star = -1; // position of the last '*' seen in the pattern
    int starFrom = 0; // where in the path that '*' currently stops
    while (s < path.length()) {
      if (p < pathPattern.length() && pathPattern.charAt(p) == '*') {
        star = p++;
        starFrom = s;
      } else if (p < pathPattern.length() && pathPattern.charAt(p) == path.charAt(s)) {
        p++;
        s++;
      } else if (star >= 0) {
        p = star + 1; // let the last '*' take one more character and retry
        s = ++starFrom;
      } else {
        return false;
      }
    }
    while (p < pathPattern.length() && pathPattern.charAt(p) == '*') {
      p++;
    }
    return p == pathPattern.length();
  }
}
