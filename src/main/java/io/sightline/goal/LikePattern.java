package io.sightline.goal;

/**
 * A PostgreSQL {@code LIKE} pattern with {@code escape '\'}, matched in Java: the rollup writer
 * decides at ingest which pageview goals an event completes, and must give the answer the raw
 * query's {@code pathname like pattern escape '\'} gives. {@code %} matches any run of characters
 * (none included), {@code _} exactly one character, {@code \} makes the next character literal;
 * everything else matches itself, case-sensitively. Characters are code points, as in a UTF-8
 * database (an emoji is one {@code _}, not two).
 *
 * <p>A pattern ending in a lone {@code \} is an error in PostgreSQL; here it matches nothing
 * ({@link GoalPatterns#likePattern} never makes one).
 */
public final class LikePattern {
  private static final int ANY_RUN = -1;
  private static final int ANY_ONE = -2;

  /** Code points to match literally, or {@link #ANY_RUN} / {@link #ANY_ONE}; null for an invalid pattern. */
  private final int[] tokens;

  private LikePattern(int[] tokens) {
    this.tokens = tokens;
  }

  public static LikePattern compile(String pattern) {
    int[] cps = pattern.codePoints().toArray();
    int[] tokens = new int[cps.length];
    int n = 0;
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (c == '\\') {
        if (++i == cps.length) {
          return new LikePattern(null);
        }
        tokens[n++] = cps[i];
      } else if (c == '%') {
        if (n == 0 || tokens[n - 1] != ANY_RUN) { // "%%" is "%": one run token keeps backtracking linear
          tokens[n++] = ANY_RUN;
        }
      } else {
        tokens[n++] = c == '_' ? ANY_ONE : c;
      }
    }
    return new LikePattern(java.util.Arrays.copyOf(tokens, n));
  }

  /** Whether the whole of {@code text} matches (null matches nothing, as SQL's null). */
  public boolean matches(String text) {
    if (text == null || tokens == null) {
      return false;
    }
    // the classic wildcard walk: on a mismatch, let the last % take one more character and retry
    int p = 0;
    int s = 0;
    int run = -1;
    int runEnd = 0;
    while (s < text.length()) {
      int c = text.codePointAt(s);
      if (p < tokens.length && tokens[p] == ANY_RUN) {
        run = p++;
        runEnd = s;
      } else if (p < tokens.length && (tokens[p] == ANY_ONE || tokens[p] == c)) {
        p++;
        s += Character.charCount(c);
      } else if (run >= 0) {
        p = run + 1;
        runEnd += Character.charCount(text.codePointAt(runEnd));
        s = runEnd;
      } else {
        return false;
      }
    }
    while (p < tokens.length && tokens[p] == ANY_RUN) {
      p++;
    }
    return p == tokens.length;
  }
}
