package io.sightline.cli;

import io.sightline.config.SightlineConfig;
import io.sightline.imports.ImportSource;
import io.sightline.imports.ImportStore;
import io.sightline.imports.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sightline import SOURCE FILE... --site DOMAIN}, {@code sightline import list --site DOMAIN} and
 * {@code sightline import undo ID}: another tool's data into a site (docs/import-export.md).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import another tool's data into a site: umami (website_event, session and event_data CSV files), ga4 "
        + "(BigQuery events_YYYYMMDD as NDJSON), sightline (its raw NDJSON export) or plausible (Plausible CE's CSV export: its zip "
        + "or its imported_*.csv files, daily aggregates). Importing the same files again replaces them; `import undo ID` removes them.",
    subcommands = {ImportCommand.ListImports.class, ImportCommand.Undo.class})
public final class ImportCommand extends CommandGroup implements Callable<Integer> {
  @Mixin
  GlobalOptions options = new GlobalOptions();
  @Option(names = "--site", paramLabel = "SITE", description = "Site id or domain.")
  String site;
  @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "umami, ga4, sightline or plausible.")
  String source;
  @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILE", description = "The export's files.")
  List<Path> files;

  @Override
  public Integer call() {
    if (source == null || files == null || files.isEmpty() || site == null) {
      throw new IllegalArgumentException("usage: sightline import SOURCE FILE... --site SITE (or: import list --site SITE, import undo ID)");
    }
    ImportSource s = ImportSource.parse(source);
    SightlineConfig config = options.load(root);
    ProgressBar bar = new ProgressBar(System.err, System.console() != null);
    Importer.Result r;
    try {
      r = CliDatabase.runWithVertx(config, (vertx, p) -> KeysCommand.withSite(site, (pool, found) ->
          new Importer(vertx, pool, config.ingest()).run(found, s, files, bar)).apply(p));
    } finally {
      bar.finish();
    }
    root.out.printf("Import %d (%s into site %s): %,d rows read, %,d stored, %,d skipped in %.1f s (%,.0f rows/s).%n", r.importId(), s.id(), site,
        r.report().rowsRead(), r.report().rowsStored(), r.report().rowsSkipped(), r.seconds(), r.report().rowsRead() / Math.max(r.seconds(), 1e-3));
    r.report().skippedByReason().forEach((reason, n) -> root.out.printf("  skipped %,d: %s%n", n, reason));
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Show a site's imports.")
  static final class ListImports implements Callable<Integer> {
    @ParentCommand
    ImportCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Option(names = "--site", required = true, paramLabel = "SITE", description = "Site id or domain.")
    String site;

    @Override
    public Integer call() {
      List<ImportStore.ImportInfo> list = CliDatabase.run(options.load(parent.root),
          KeysCommand.withSite(site, (pool, s) -> new ImportStore(pool).list(s.id())));
      Table table = new Table("ID", "SOURCE", "STATUS", "READ", "STORED", "SKIPPED", "FIRST EVENT", "LAST EVENT", "FILES");
      list.forEach(i -> table.row(Integer.toString(i.id()), i.source(), i.status(), Long.toString(i.rowsRead()), Long.toString(i.rowsStored()),
          Long.toString(i.rowsSkipped()), i.firstTs() == null ? "-" : i.firstTs().toInstant().toString(),
          i.lastTs() == null ? "-" : i.lastTs().toInstant().toString(), String.join(" ", i.files())));
      table.print(parent.root.out);
      return 0;
    }
  }

  @Command(name = "undo", mixinStandardHelpOptions = true, description = "Remove everything an import stored (its id from `import list`).")
  static final class Undo implements Callable<Integer> {
    @ParentCommand
    ImportCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Parameters(index = "0", paramLabel = "ID", description = "The import's id.")
    int id;

    @Override
    public Integer call() {
      SightlineConfig config = options.load(parent.root);
      ImportStore.ImportInfo info = CliDatabase.runWithVertx(config, (vertx, pool) -> new Importer(vertx, pool, config.ingest()).undo(id));
      parent.root.out.printf("Undid import %d (%s, %,d events): its rows are removed and the site's rollups rebuilt.%n", info.id(),
          info.source(), info.rowsStored());
      return 0;
    }
  }
}
