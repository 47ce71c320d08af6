package io.sightline.cli;

import io.sightline.goal.Goal;
import io.sightline.goal.GoalService;
import io.sightline.goal.GoalType;
import io.sightline.goal.GoalValidation;
import io.sightline.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

import static io.sightline.cli.KeysCommand.withSite;

/** {@code sightline goals list|add|remove}. */
@Command(name = "goals", mixinStandardHelpOptions = true, description = "Manage goals (conversions) of a site.",
    subcommands = {GoalsCommand.ListGoals.class, GoalsCommand.Add.class, GoalsCommand.Remove.class})
public final class GoalsCommand {
  @ParentCommand
  SightlineCommand root;

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a site's goals.")
  static final class ListGoals implements Callable<Integer> {
    @ParentCommand
    GoalsCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "SITE", description = "Site id or domain.")
    String site;

    @Override
    public Integer call() {
      List<Goal> goals = CliDatabase.run(options.load(parent.root), withSite(site, (pool, s) -> new GoalService(pool).list(s.id())));
      Table table = new Table("ID", "NAME", "TYPE", "MATCH", "CREATED");
      goals.forEach(g -> table.row(Integer.toString(g.id()), g.name(), g.type().id(), g.match(), g.createdAt().toInstant().toString()));
      table.print(parent.root.out);
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Define a goal.",
      footer = {"", "What --match means for each type:",
          "  pageview  a path starting with / where * matches any characters (/blog/*, /thank-you), or * for any page",
          "  custom    the exact event name",
          "  click     the exact click target: the click's label, or its href or element id",
          "  form      the exact form name, id or action, or * for any form submission"})
  static final class Add implements Callable<Integer> {
    @ParentCommand
    GoalsCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "SITE", description = "Site id or domain.")
    String site;
    @Option(names = "--name", required = true, description = "The goal's name, unique within the site.")
    String name;
    @Option(names = "--type", required = true, description = "pageview, custom, click or form.")
    String type;
    @Option(names = "--match", required = true, description = "What the goal matches (see below).")
    String match;

    @Override
    public Integer call() {
      GoalType goalType = GoalValidation.type(type);
      Goal goal = CliDatabase.run(options.load(parent.root),
          withSite(site, (pool, s) -> new GoalService(pool).create(s.id(), name, goalType, match)));
      parent.root.out.printf("Added goal %d to site %d: %s (%s %s)%n", goal.id(), goal.siteId(), goal.name(), goal.type().id(), goal.match());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a goal.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    GoalsCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "SITE", description = "Site id or domain.")
    String site;
    @Parameters(index = "1", paramLabel = "GOAL_ID", description = "The goal's id (see goals list).")
    int goalId;

    @Override
    public Integer call() {
      boolean removed = CliDatabase.run(options.load(parent.root),
          withSite(site, (pool, s) -> new GoalService(pool).delete(s.id(), goalId)));
      if (!removed) {
        throw ApiException.notFound("no goal " + goalId + " on site " + site);
      }
      parent.root.out.printf("Removed goal %d from site %s.%n", goalId, site);
      return 0;
    }
  }
}
