package io.sightline.goal;

import io.sightline.support.PgTestBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollup writer's Java LIKE gives PostgreSQL's answers ({@code text like pattern escape '\'}),
 * on raw LIKE patterns (not only those {@link GoalPatterns#likePattern} makes): %, _ and \ as
 * wildcards and escapes, escaped ordinary characters, runs of %, code points beyond the BMP.
 */
@Tag("integration")
class LikePatternInPostgresTest extends PgTestBase {

  @Test
  void javaLikeAgreesWithPostgresOnTrickyPatterns() {
    List<String> patterns = new ArrayList<>(List.of("", "%", "%%", "_", "__", "%_", "_%", "%_%", "a", "a%", "%a", "a_c", "a%c", "%a%b%",
        "\\%", "\\_", "\\\\", "a\\%b%", "%\\%%", "\\%\\_\\\\", "\\a", "a\\\\%", "%\\\\", "_\\_", "/blog/%", "/page/1%", "/x%y_z",
        "😀", "_😀", "😀_", "%😀%", "ü%", "__ü", "A%", "%%a%%a%%"));
    for (String goal : List.of("*", "/blog/*", "/100%_off", "/a\\b", "/a_c", "/*/checkout/*", "/ünï*😀")) {
      patterns.add(GoalPatterns.likePattern(goal));
    }
    List<String> texts = List.of("", "a", "A", "ab", "abc", "ac", "aXc", "abbc", "%", "_", "\\", "%_\\", "a%", "a%b", "a%bc", "a\\", "a\\x",
        "x%", "xx%yy", "_x", "ba", "aab", "aXbYa", "/blog/", "/blog/post", "/page/1", "/page/12", "/page/2", "/x%y_z", "/x%yzz", "/xAy_z",
        "😀", "a😀", "😀a", "😀😀", "ü", "üx", "aaü", "/100%_off", "/100ab_off", "/a\\b", "/ab", "/de/checkout/done", "/ünï/😀");
    List<String> ps = new ArrayList<>();
    List<String> ts = new ArrayList<>();
    for (String p : patterns) {
      for (String t : texts) {
        ps.add(p);
        ts.add(t);
      }
    }
    int compared = 0;
    for (Row r : await(pool.preparedQuery("select p, t, t like p escape '\\' as m from unnest($1::text[], $2::text[]) u(p, t)")
        .execute(Tuple.of((Object) ps.toArray(String[]::new), (Object) ts.toArray(String[]::new))))) {
      String p = r.getString("p");
      String t = r.getString("t");
      assertEquals(r.getBoolean("m"), LikePattern.compile(p).matches(t), "'" + t + "' like '" + p + "'");
      compared++;
    }
    assertEquals(patterns.size() * texts.size(), compared);
    // a few answers spelled out, so that both sides cannot agree on something wrong
    assertTrue(LikePattern.compile("a\\%b%").matches("a%bc"));
    assertFalse(LikePattern.compile("a\\%b%").matches("aXbc"));
    assertTrue(LikePattern.compile("_").matches("😀"), "one code point, two UTF-16 units");
    assertFalse(LikePattern.compile("__").matches("😀"));
    assertTrue(LikePattern.compile("\\a").matches("a"), "an escaped ordinary character is itself");
    assertFalse(LikePattern.compile("A%").matches("abc"), "case-sensitive");
    assertFalse(LikePattern.compile("/a%").matches(null));
  }

  @Test
  void aPatternEndingInALoneEscapeIsAnErrorInPostgresAndMatchesNothingHere() {
    assertThrowsSql("select 'a\\' like 'a\\' escape '\\'");
    assertFalse(LikePattern.compile("a\\").matches("a\\"));
    assertFalse(LikePattern.compile("a\\").matches("a"));
  }

  private void assertThrowsSql(String sql) {
    boolean failed;
    try {
      sql(sql);
      failed = false;
    } catch (RuntimeException e) {
      failed = true;
    }
    assertTrue(failed, sql + " should fail in PostgreSQL");
  }
}
