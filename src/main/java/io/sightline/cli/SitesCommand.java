package io.sightline.cli;

import io.sightline.http.ApiException;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sightline sites add|list|remove}. */
@Command(name = "sites", mixinStandardHelpOptions = true, description = "Manage sites.",
    subcommands = {SitesCommand.Add.class, SitesCommand.ListSites.class, SitesCommand.Remove.class})
public final class SitesCommand {
  @ParentCommand
  SightlineCommand root;

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a site.")
  static final class Add implements Callable<Integer> {
    @ParentCommand
    SitesCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The site's hostname, e.g. example.com.")
    String domain;
    @Option(names = "--name", description = "Display name (default: the domain).")
    String name;
    @Option(names = "--timezone", defaultValue = "UTC", description = "IANA time zone for reports (default: ${DEFAULT-VALUE}).")
    String timezone;

    @Override
    public Integer call() {
      Site site = CliDatabase.run(options.load(parent.root), pool -> new SiteService(pool).add(domain, name, timezone));
      parent.root.out.printf("Added site %d: %s (%s, %s)%n", site.id(), site.domain(), site.name(), site.timezone());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List sites.")
  static final class ListSites implements Callable<Integer> {
    @ParentCommand
    SitesCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();

    @Override
    public Integer call() {
      List<Site> sites = CliDatabase.run(options.load(parent.root), pool -> new SiteService(pool).list());
      Table table = new Table("ID", "DOMAIN", "NAME", "TIMEZONE", "CREATED");
      sites.forEach(s -> table.row(Integer.toString(s.id()), s.domain(), s.name(), s.timezone(), s.createdAt().toInstant().toString()));
      table.print(parent.root.out);
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a site with its keys, events and sessions.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    SitesCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "SITE", description = "Site id or domain.")
    String site;
    @Option(names = "--yes", required = true, description = "Confirm: the site's data is deleted for good.")
    boolean yes;

    @Override
    public Integer call() {
      Site removed = CliDatabase.run(options.load(parent.root), pool -> {
        SiteService sites = new SiteService(pool);
        return sites.resolve(site).compose(found -> found
            .map(s -> sites.remove(s.id()).map(ok -> s))
            .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + site))));
      });
      parent.root.out.printf("Removed site %d: %s%n", removed.id(), removed.domain());
      return 0;
    }
  }
}
