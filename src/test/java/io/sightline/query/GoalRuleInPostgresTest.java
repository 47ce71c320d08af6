package io.sightline.query;

import io.sightline.event.EventRecord;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalPatterns;
import io.sightline.rollup.GoalRule;
import io.sightline.support.PgTestBase;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollup writer's goal evaluation ({@link GoalRule#completedBy}) and the raw path's SQL
 * ({@link SessionPlan#goalMatches}) agree for every goal type on every event type, with nulls in
 * the compared columns, so that goal rows from the rollups and from raw events count the same events.
 */
@Tag("integration")
class GoalRuleInPostgresTest extends PgTestBase {
  private static final String[] TYPES = {"pageview", "custom", "click", "form", "engagement"};

  @Test
  void javaAndSqlGoalMatchingAgree() {
    List<GoalMatch> goals = List.of(new GoalMatch("a", "pageview", GoalPatterns.likePattern("/blog/*")),
        new GoalMatch("b", "pageview", GoalPatterns.likePattern("/100%_off")), new GoalMatch("c", "pageview", "%"),
        new GoalMatch("d", "custom", "Signup"), new GoalMatch("e", "click", "Buy"), new GoalMatch("f", "click", "#buy"),
        new GoalMatch("g", "form", "*"), new GoalMatch("h", "form", "contact"), new GoalMatch("i", "custom", "*"));
    String[] values = {null, "", "Signup", "signup", "Buy", "#buy", "contact", "*", "/blog/x", "/100%_off", "/100X_off"};
    List<String[]> events = new ArrayList<>();
    for (String type : TYPES) {
      for (String v : values) {
        events.add(new String[] {type, v, v, v, null});  // name, pathname, label: one value; no secondary
        events.add(new String[] {type, "x", "/x", null, v}); // the value only as the secondary target
      }
    }
    List<String> gt = new ArrayList<>();
    List<String> gp = new ArrayList<>();
    List<List<String>> cols = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (GoalMatch g : goals) {
      for (String[] e : events) {
        gt.add(g.type());
        gp.add(g.pattern());
        for (int i = 0; i < 5; i++) {
          cols.get(i).add(i == 1 ? e[1] : i == 2 ? e[2] : i == 0 ? e[0] : i == 3 ? e[3] : e[4]);
        }
      }
    }
    String sql = "select g.type as gtype, g.pattern, e.type, e.name, e.pathname, e.target_label, e.target_secondary, "
        + SessionPlan.goalMatches("g", "e") + " as m from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
        + "$7::text[]) u(gt, gp, et, en, ep, el, es) cross join lateral (select u.gt as type, u.gp as pattern) g "
        + "cross join lateral (select u.et as type, u.en as name, u.ep as pathname, u.el as target_label, u.es as target_secondary) e";
    int compared = 0;
    int matched = 0;
    for (Row r : await(pool.preparedQuery(sql).execute(Tuple.of(gt.toArray(String[]::new), gp.toArray(String[]::new),
        array(cols.get(0)), array(cols.get(1)), array(cols.get(2)), array(cols.get(3)), array(cols.get(4)))))) {
      boolean inSql = Boolean.TRUE.equals(r.getBoolean("m")); // null (a comparison with null) completes nothing
      EventRecord e = event(r.getString("type"), r.getString("name"), r.getString("pathname"), r.getString("target_label"),
          r.getString("target_secondary"));
      GoalRule rule = GoalRule.of(new GoalMatch("x", r.getString("gtype"), r.getString("pattern")));
      assertEquals(inSql, rule.completedBy(e), rule + " vs " + Arrays.asList(e.type(), e.name(), e.pathname(), e.targetLabel(), e.targetSecondary()));
      compared++;
      matched += inSql ? 1 : 0;
    }
    assertEquals(goals.size() * events.size(), compared);
    assertTrue(matched > 15, "matched " + matched);
  }

  private static String[] array(List<String> l) {
    return l.toArray(String[]::new);
  }

  static EventRecord event(String type, String name, String path, String label, String secondary) {
    return new EventRecord(1, Instant.EPOCH, 0, 0, 0, null, LocalDate.EPOCH, null, type, name, "h", path, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, label, secondary, null, null, null, null,
        null, null, true, null, false);
  }
}
