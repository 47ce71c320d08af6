package io.sightline.goal;

import io.sightline.support.PgTestBase;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The LIKE pattern gives PostgreSQL the same answers as the pattern's own definition. */
@Tag("integration")
class GoalPatternsInPostgresTest extends PgTestBase {

  @Test
  void postgresLikeWithTheEscapedPatternAgreesWithTheJavaMatcher() {
    List<String> patterns = List.of("*", "/blog/*", "/thank-you", "/*/checkout/*", "/100%_off", "/a\\b", "/a_c", "/x%", "/a*b*c",
        "/ünï*😀");
    List<String> paths = List.of("", "/", "/blog", "/blog/", "/blog/post/1", "/thank-you", "/thank-you/", "/de/checkout/done",
        "/checkout/done", "/100%_off", "/100ab_off", "/100%Xoff", "/a\\b", "/ab", "/a_c", "/abc", "/x%", "/xy", "/aXbYbZc", "/aXbYbZ",
        "/ünï/😀", "/ünï😀");
    int compared = 0;
    for (String pattern : patterns) {
      for (String path : paths) {
        boolean inPostgres = await(pool.preparedQuery("select $1::text like $2::text escape '\\' as m")
            .execute(Tuple.of(path, GoalPatterns.likePattern(pattern)))).iterator().next().getBoolean("m");
        assertEquals(GoalPatterns.matchesPath(pattern, path), inPostgres, pattern + " vs " + path);
        compared++;
      }
    }
    assertEquals(patterns.size() * paths.size(), compared);
    // A few answers spelled out, so that the two sides cannot agree on something wrong.
    assertEquals(List.of(true, false, true, false), List.of(
        GoalPatterns.matchesPath("/100%_off", "/100%_off"), GoalPatterns.matchesPath("/100%_off", "/100ab_off"),
        GoalPatterns.matchesPath("/a\\b", "/a\\b"), GoalPatterns.matchesPath("/a_c", "/abc")));
  }
}
