package io.sightline.cli;

import io.sightline.config.IngestConfig;
import io.sightline.ingest.enrich.update.DataUpdate;
import io.sightline.ingest.enrich.update.NpmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sightline data update}: newer GeoIP and crawler-list data (see docs/ingestion.md, "Bundled data"). */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Keep the GeoIP database and the crawler list current.",
    subcommands = {DataCommand.Update.class})
public final class DataCommand extends CommandGroup {

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Download a newer GeoIP database (from ingest.geoipUpdateUrl into ingest.geoipDatabase, or the options) and, "
          + "with --bots-into, the newest crawler list from the npm registry. Files are checked, then replaced atomically; a running "
          + "server reads them at its next start.")
  static final class Update implements Callable<Integer> {
    @ParentCommand
    DataCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Option(names = "--geoip-url", paramLabel = "URL",
        description = "Where to fetch the database: an http(s) URL (.mmdb, gzipped, or a tarball) or npm:PACKAGE. Default: ingest.geoipUpdateUrl.")
    String geoipUrl;
    @Option(names = "--geoip-out", paramLabel = "FILE", description = "The file to write. Default: ingest.geoipDatabase.")
    Path geoipOut;
    @Option(names = "--bots-into", paramLabel = "DIR",
        description = "Also fetch the crawler list (isbot) into DIR (maintainers: src/main/resources/bots).")
    Path botsInto;
    @Option(names = "--registry", paramLabel = "URL", defaultValue = "https://registry.npmjs.org/",
        description = "The npm registry (default: ${DEFAULT-VALUE}).")
    URI registry;

    @Override
    public Integer call() {
      String url = geoipUrl;
      Path out = geoipOut;
      if (url == null || out == null) {
        IngestConfig in = options.load(parent.root).ingest();
        url = url != null ? url : in.geoipUpdateUrl().orElse(null);
        out = out != null ? out : in.geoipDatabase().orElse(null);
      }
      DataUpdate update = new DataUpdate(new NpmRegistry(registry));
      if (url == null) {
        parent.root.out.println("GeoIP: not updated (no ingest.geoipUpdateUrl or --geoip-url)");
      } else if (out == null) {
        throw new IllegalArgumentException("GeoIP: say which file to write: ingest.geoipDatabase or --geoip-out FILE");
      } else {
        DataUpdate.Written w = update.geoip(url, out);
        parent.root.out.printf("GeoIP: wrote %s%s, built %s%n", w.file(), w.version() == null ? "" : " (" + w.version() + ")", w.buildTime());
      }
      if (botsInto != null) {
        DataUpdate.Written w = update.botList(botsInto);
        parent.root.out.printf("Crawler list: wrote %s (%s, %d patterns)%n", w.file(), w.version(), w.entries());
      }
      return 0;
    }
  }
}
