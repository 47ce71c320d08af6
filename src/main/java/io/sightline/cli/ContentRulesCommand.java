package io.sightline.cli;

import io.sightline.api.hubspot.ContentRule;
import io.sightline.api.hubspot.ContentRuleService;
import io.sightline.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code sightline content-rules list|add|remove}: which pages are landing pages, blog posts, listing pages or knowledge articles. */
@Command(name = "content-rules", mixinStandardHelpOptions = true,
    description = "Manage content rules (content types of pages, for HubSpot's content reports) of a site.",
    subcommands = {ContentRulesCommand.ListRules.class, ContentRulesCommand.Add.class, ContentRulesCommand.Remove.class})
public final class ContentRulesCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a site's content rules.")
  static final class ListRules extends SiteSubcommand {
    @Override
    public Integer call() {
      List<ContentRule> rules = onSite((pool, s) -> new ContentRuleService(pool).list(s.id()));
      Table table = new Table("ID", "TYPE", "PATTERN", "NAME", "CREATED");
      rules.forEach(r -> table.row(Integer.toString(r.id()), r.contentType(), r.pattern(), r.name(), r.createdAt().toInstant().toString()));
      table.print(out());
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a content rule.",
      footer = {"", "--pattern is a path where * matches any characters (/blog/*, /lp/*), or * for every page.",
          "A page takes the type of the matching rule with the longest pattern; pages no rule matches are standard-pages.",
          "A blog-posts rule is one blog: its id is the blog id of .../blog-posts/content-group/{id}/sources/..."})
  static final class Add extends SiteSubcommand {
    @Option(names = "--type", required = true,
        description = "landing-pages, standard-pages, blog-posts, listing-pages or knowledge-articles.")
    String type;
    @Option(names = "--pattern", required = true, description = "The pages' path pattern.")
    String pattern;
    @Option(names = "--name", description = "A name (default: the pattern).")
    String name;

    @Override
    public Integer call() {
      ContentRule rule = onSite((pool, s) -> new ContentRuleService(pool).create(s.id(), type, pattern, name));
      out().printf("Added content rule %d to site %d: %s %s%n", rule.id(), rule.siteId(), rule.contentType(), rule.pattern());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a content rule.")
  static final class Remove extends SiteSubcommand {
    @Parameters(index = "1", paramLabel = "RULE_ID", description = "The rule's id (see content-rules list).")
    int id;

    @Override
    public Integer call() {
      boolean removed = onSite((pool, s) -> new ContentRuleService(pool).delete(s.id(), id));
      if (!removed) {
        throw ApiException.notFound("no content rule " + id + " on site " + site);
      }
      out().printf("Removed content rule %d from site %s.%n", id, site);
      return 0;
    }
  }
}
