package io.sightline.rollup;

import io.sightline.event.EventRecord;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.LikePattern;

import java.util.Objects;

/**
 * A goal as the rollup writer evaluates it at ingest: the Java twin of the raw path's
 * {@code SessionPlan.goalMatches} (same event types, same columns, LIKE via {@link LikePattern}).
 * Its rows in {@code rollup_dim} (dimension {@link RollupDim#GOAL}) are keyed by {@link #key}, which
 * depends only on what the goal matches, not on its display name: a renamed goal keeps its rows, and
 * a query's {@link GoalMatch} finds them without knowing goal ids.
 */
public final class GoalRule {
  private final String key;
  private final String type;
  private final String pattern;
  private final LikePattern like;

  private GoalRule(String type, String pattern) {
    Objects.requireNonNull(type, "goal type");
    this.key = key(type, pattern);
    this.type = type;
    this.pattern = pattern;
    this.like = "pageview".equals(type) && pattern != null ? LikePattern.compile(pattern) : null;
  }

  public static GoalRule of(GoalMatch g) {
    return new GoalRule(g.type(), g.pattern());
  }

  /** The rollup row value of a goal: {@code type:pattern}, with the pattern as {@link GoalMatch} carries it (LIKE for pageviews). */
  public static String key(String type, String pattern) {
    return type + ':' + pattern;
  }

  public static String key(GoalMatch g) {
    return key(g.type(), g.pattern());
  }

  public String key() {
    return key;
  }

  /** Whether the event completes this goal (engagement beacons never do: no goal has their type). */
  public boolean completedBy(EventRecord e) {
    if (pattern == null || !type.equals(e.type())) { // SQL: comparisons with a null pattern are never true
      return false;
    }
    return switch (type) {
      case "pageview" -> like.matches(e.pathname());
      case "custom" -> pattern.equals(e.name());
      case "click" -> pattern.equals(e.targetLabel()) || pattern.equals(e.targetSecondary());
      case "form" -> "*".equals(pattern) || pattern.equals(e.targetLabel()) || pattern.equals(e.targetSecondary());
      default -> false;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoalRule r && r.key.equals(key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key);
  }

  @Override
  public String toString() {
    return key;
  }
}
