package io.sightline.cli;

import io.sightline.api.hubspot.AnalyticsView;
import io.sightline.api.hubspot.AnalyticsViewService;
import io.sightline.http.ApiException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code sightline analytics-views list|add|remove}: saved filters, used as {@code filterId} by the HubSpot dialect. */
@Command(name = "analytics-views", mixinStandardHelpOptions = true,
    description = "Manage analytics views (saved filters, HubSpot's filterId) of a site.",
    subcommands = {AnalyticsViewsCommand.ListViews.class, AnalyticsViewsCommand.Add.class, AnalyticsViewsCommand.Remove.class})
public final class AnalyticsViewsCommand extends CommandGroup {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a site's analytics views.")
  static final class ListViews extends SiteSubcommand {
    @Override
    public Integer call() {
      List<AnalyticsView> views = onSite((pool, s) -> new AnalyticsViewService(pool).list(s.id()));
      Table table = new Table("ID", "TITLE", "FILTERS", "CREATED");
      views.forEach(v -> table.row(Integer.toString(v.id()), v.title(), v.filters().encode(), v.createdAt().toInstant().toString()));
      table.print(out());
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Save an analytics view.",
      footer = {"", "--filters is a JSON array of {\"prop\", \"op\", \"args\"}, all of which apply, e.g.",
          "  '[{\"prop\":\"country\",\"op\":\"EQ\",\"args\":[\"DE\",\"AT\"]},{\"prop\":\"page\",\"op\":\"NOT_CONTAINS\",\"args\":[\"/admin\"]}]'",
          "prop: a dimension (source, channel, referrer_url, utm_*, entry_page, exit_page, country, region, city,",
          "      device, browser, os, screen, page, hostname, event_name)",
          "op:   EQ, NEQ, CONTAINS, NOT_CONTAINS, STARTS_WITH, ENDS_WITH"})
  static final class Add extends SiteSubcommand {
    @Option(names = "--title", required = true, description = "The view's title, unique within the site.")
    String title;
    @Option(names = "--filters", defaultValue = "[]", description = "The filters, as JSON (see below).")
    String filters;

    @Override
    public Integer call() {
      JsonArray parsed;
      try {
        parsed = new JsonArray(filters);
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.badRequest("--filters must be a JSON array");
      }
      AnalyticsView view = onSite((pool, s) -> new AnalyticsViewService(pool).create(s.id(), title, parsed));
      out().printf("Added analytics view %d to site %d: %s %s%n", view.id(), view.siteId(), view.title(), view.filters().encode());
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an analytics view.")
  static final class Remove extends SiteSubcommand {
    @Parameters(index = "1", paramLabel = "VIEW_ID", description = "The view's id (see analytics-views list).")
    int id;

    @Override
    public Integer call() {
      boolean removed = onSite((pool, s) -> new AnalyticsViewService(pool).delete(s.id(), id));
      if (!removed) {
        throw ApiException.notFound("no analytics view " + id + " on site " + site);
      }
      out().printf("Removed analytics view %d from site %s.%n", id, site);
      return 0;
    }
  }
}
