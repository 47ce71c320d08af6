package io.sightline.cli;

import io.vertx.core.Future;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A subcommand that acts on one site ({@code sightline goals add SITE ...}): the global options,
 * the SITE parameter (id or domain) as the first positional, and a database action on the site.
 */
abstract class SiteSubcommand implements Callable<Integer> {
  @ParentCommand
  CommandGroup parent;
  @Mixin
  GlobalOptions options = new GlobalOptions();
  @Parameters(index = "0", paramLabel = "SITE", description = "Site id or domain.")
  String site;

  /** Runs the action on the site (404 when there is no such site) against the configured database. */
  <T> T onSite(KeysCommand.SiteOperation<T> action) {
    return CliDatabase.run(options.load(parent.root), KeysCommand.withSite(site, action));
  }

  PrintStream out() {
    return parent.root.out;
  }
}
