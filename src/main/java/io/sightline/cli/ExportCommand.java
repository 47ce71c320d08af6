package io.sightline.cli;

import io.sightline.export.EventExport;
import io.sightline.export.ExportFormat;
import io.sightline.export.ParquetExport;
import io.sightline.export.ExportRange;
import io.sightline.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/** {@code sightline export --site D --from DAY --to DAY [--format ndjson|csv|parquet] [--output FILE]}: a site's raw events, every stored column. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a site's raw events (every stored column) of a range of days, oldest first, as NDJSON, CSV or Parquet.",
    footer = {"", "Days are in the site's time zone, both included. Without --output the events go to standard output;",
        "a FILE ending in .gz is gzip-compressed. The summary line goes to standard error."})
public final class ExportCommand extends CommandGroup implements Callable<Integer> {
  @Mixin
  GlobalOptions options = new GlobalOptions();
  @Option(names = "--site", required = true, paramLabel = "SITE", description = "Site id or domain.")
  String site;
  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First day.")
  String from;
  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last day (included).")
  String to;
  @Option(names = "--format", defaultValue = "ndjson", paramLabel = "FORMAT", description = "ndjson (default), csv or parquet.")
  String format;
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Override
  public Integer call() {
    ExportFormat f = ExportFormat.parse(format);
    long started = System.nanoTime();
    OutputStream out = open();
    long n;
    try {
      n = CliDatabase.runWithVertx(options.load(root), (vertx, p) -> KeysCommand.withSite(site, (pool, s) -> {
        ExportRange range = ExportRange.parse(from, to, s);
        // the file is written on a worker thread; the next page is read once it is
        if (f == ExportFormat.PARQUET) {
          return ParquetExport.run(vertx, pool, s.id(), range, bytes -> vertx.executeBlocking(() -> {
            out.write(bytes.getBytes());
            return null;
          }));
        }
        return EventExport.run(pool, s.id(), range, f, chunk -> vertx.executeBlocking(() -> {
          out.write(chunk.getBytes(StandardCharsets.UTF_8));
          return null;
        }));
      }).apply(p));
    } finally {
      close(out);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.err.printf("Exported %,d events of site %s in %.1f s (%,.0f events/s).%n", n, site, seconds, n / Math.max(seconds, 1e-3));
    return 0;
  }

  private OutputStream open() {
    if (output == null) {
      return new BufferedOutputStream(root.out, 1 << 16);
    }
    try {
      OutputStream file = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16);
      return output.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(file, 1 << 16) : file;
    } catch (IOException e) {
      throw ApiException.badRequest("cannot write " + output + ": " + e.getMessage());
    }
  }

  private void close(OutputStream out) {
    try {
      if (output == null) {
        out.flush();
      } else {
        out.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
