package io.sightline.cli;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.goal.GoalType;
import io.sightline.goal.GoalValidation;
import io.sightline.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code sightline goals list|add|remove}. */
@Command(name = "goals", mixinStandardHelpOptions = true, description = "Manage goals (conversions) of a site.",
    subcommands = {GoalsCommand.ListGoals.class, GoalsCommand.Add.class, GoalsCommand.Remove.class})
public final class GoalsCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a site's goals.")
  static final class ListGoals extends SiteSubcommand {
    @Override
    public Integer call() {
      List<Goal> goals = onSite((pool, s) -> new GoalService(pool).list(s.id()));
      Table table = new Table("ID", "NAME", "TYPE", "MATCH", "CREATED");
      goals.forEach(g -> table.row(Integer.toString(g.id()), g.name(), g.type().id(), g.match(), g.createdAt().toInstant().toString()));
      table.print(out());
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Define a goal.",
      footer = {"", "What --match means for each type:",
          "  pageview  a path starting with / where * matches any characters (/blog/*, /thank-you), or * for any page",
          "  custom    the exact event name",
          "  click     the exact click target: the click's label, or its href or element id",
          "  form      the exact form name, id or action, or * for any form submission"})
  static final class Add extends SiteSubcommand {
    @Option(names = "--name", required = true, description = "The goal's name, unique within the site.")
    String name;
    @Option(names = "--type", required = true, description = "pageview, custom, click or form.")
    String type;
    @Option(names = "--match", required = true, description = "What the goal matches (see below).")
    String match;

    @Override
    public Integer call() {
      GoalType goalType = GoalValidation.type(type);
      Goal goal = onSite((pool, s) -> new GoalService(pool).create(s.id(), name, goalType, match));
      out().printf("Added goal %d to site %d: %s (%s %s)%n", goal.id(), goal.siteId(), goal.name(), goal.type().id(), goal.match());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a goal.")
  static final class Remove extends SiteSubcommand {
    @Parameters(index = "1", paramLabel = "GOAL_ID", description = "The goal's id (see goals list).")
    int goalId;

    @Override
    public Integer call() {
      boolean removed = onSite((pool, s) -> new GoalService(pool).delete(s.id(), goalId));
      if (!removed) {
        throw ApiException.notFound("no goal " + goalId + " on site " + site);
      }
      out().printf("Removed goal %d from site %s.%n", goalId, site);
      return 0;
    }
  }
}
