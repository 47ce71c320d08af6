package io.sightline.api.datalyr;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalMatch;
import io.sightline.goal.GoalType;

import java.util.List;

/**
 * What DATALYR calls a conversion, in one place for every endpoint that counts or lists them
 * ({@code /attribution}, {@code /ads}, {@code /users/:userId}, the {@code conversion} category of
 * {@code /event-names}): an event that carries revenue (an order), or a custom event that is one of
 * the site's custom-event goals ({@code signup}, {@code purchase}...). DATALYR's conversions are named
 * events (its conversion rules and postbacks are defined on events), so the site's page, click and
 * form goals, which count "every goal completion", are not conversions here (docs/api.md, "DATALYR").
 * {@code /ads} counts the goal completions only, from the engine's {@code conversions} (the engine keeps
 * no count of orders per campaign); its {@code revenue} is every order's.
 */
final class DatalyrConversions {
  private DatalyrConversions() {
  }

  /** The goals whose completions are conversions: the custom-event goals. */
  static List<Goal> goals(List<Goal> goals) {
    return goals.stream().filter(g -> g.type() == GoalType.CUSTOM).toList();
  }

  /** {@link #goals} as the engine matches them. */
  static List<GoalMatch> matches(List<Goal> goals) {
    return goals(goals).stream().map(Goal::toMatch).toList();
  }
}
