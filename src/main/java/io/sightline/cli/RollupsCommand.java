package io.sightline.cli;

import io.sightline.rollup.RollupRebuild;
import picocli.CommandLine.Command;

/** {@code sightline rollups rebuild SITE}. */
@Command(name = "rollups", mixinStandardHelpOptions = true, description = "Maintain the rollup tables dashboards read.",
    subcommands = {RollupsCommand.Rebuild.class})
public final class RollupsCommand extends CommandGroup {

  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = "Recompute a site's rollups from its raw events (after an upgrade, or data loaded by hand). Safe while the server "
          + "runs: its writer waits for the rebuild, then adds to the new rows.")
  static final class Rebuild extends SiteSubcommand {
    @Override
    public Integer call() {
      long started = System.nanoTime();
      RollupRebuild.Result r = onSite((pool, s) -> RollupRebuild.site(pool, s.id()));
      out().printf("Rebuilt rollups of site %s from %,d events and %,d sessions: %,d total rows, %,d dimension rows (%.1f s)%n", site,
          r.events(), r.sessions(), r.totalRows(), r.dimRows(), (System.nanoTime() - started) / 1e9);
      return 0;
    }
  }
}
