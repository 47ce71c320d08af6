package io.sightline.ingest.enrich.update;

import com.maxmind.db.NoCache;
import com.maxmind.db.Reader;
import io.sightline.ingest.enrich.BotPatterns;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * What {@code sightline data update} does: fetches a newer GeoIP database and the maintained
 * crawler list, checks them, and replaces the files atomically. Never run by the server or the build.
 */
public final class DataUpdate {
  /** The crawler list's npm package: its pattern list merges several maintained lists. */
  public static final String BOT_LIST_PACKAGE = "isbot";

  /** What was written. */
  public record Written(Path file, String version, Instant buildTime, int entries) {
  }

  private final NpmRegistry registry;

  public DataUpdate(NpmRegistry registry) {
    this.registry = registry;
  }

  /**
   * Fetches a MaxMind DB from {@code source}: {@code npm:PACKAGE} (the largest {@code .mmdb} in the
   * package's latest tarball), or an http(s) URL of an {@code .mmdb}, a gzipped one, or a tarball.
   * It must open as a MaxMind DB; then it replaces {@code out}.
   */
  public Written geoip(String source, Path out) {
    String version = null;
    byte[] body;
    if (source.startsWith("npm:")) {
      NpmRegistry.Release release = registry.latest(source.substring(4));
      version = release.name() + " " + release.version();
      body = largestMmdb(registry.get(release.tarball()));
    } else {
      body = registry.get(URI.create(source));
      if (gzipped(body)) {
        byte[] inner = gunzip(body);
        body = tar(inner) ? largestMmdb(body) : inner;
      }
    }
    Instant built;
    try (Reader reader = new Reader(new ByteArrayInputStream(body), NoCache.getInstance())) {
      built = reader.getMetadata().buildTime();
    } catch (IOException | RuntimeException e) {
      throw new DataUpdateException("the download from " + source + " is not a MaxMind DB: " + e.getMessage(), e);
    }
    replace(out, body);
    return new Written(out, version, built, 0);
  }

  /**
   * Fetches the latest {@value #BOT_LIST_PACKAGE} from the npm registry, reads its pattern list out
   * of the package, checks that every pattern compiles in Java, and writes {@code bots/isbot.json}
   * (with name, version, licence and source) and the licence text into {@code dir}.
   */
  public Written botList(Path dir) {
    NpmRegistry.Release release = registry.latest(BOT_LIST_PACKAGE);
    Map<String, byte[]> files = NpmRegistry.files(registry.get(release.tarball()),
        n -> n.equals("package/index.js") || n.equals("package/LICENSE") || n.equals("package/package.json"));
    byte[] index = files.get("package/index.js");
    if (index == null) {
      throw new DataUpdateException(release.tarball() + " has no package/index.js");
    }
    JsonArray patterns = patternList(new String(index, StandardCharsets.UTF_8));
    for (int i = 0; i < patterns.size(); i++) {
      Pattern.compile(patterns.getString(i), Pattern.CASE_INSENSITIVE);
    }
    JsonObject pkg = files.containsKey("package/package.json")
        ? new JsonObject(new String(files.get("package/package.json"), StandardCharsets.UTF_8)) : new JsonObject();
    JsonObject list = new JsonObject()
        .put("name", release.name())
        .put("version", release.version())
        .put("license", pkg.getString("license", "see isbot.LICENSE"))
        .put("source", release.tarball().toString())
        .put("fetched", LocalDate.now(ZoneOffset.UTC).toString())
        .put("patterns", patterns);
    Path out = dir.resolve(Path.of(BotPatterns.LIST_RESOURCE).getFileName());
    replace(out, (list.encodePrettily() + "\n").getBytes(StandardCharsets.UTF_8));
    if (files.containsKey("package/LICENSE")) {
      replace(dir.resolve("isbot.LICENSE"), files.get("package/LICENSE"));
    }
    return new Written(out, release.name() + " " + release.version(), null, patterns.size());
  }

  /** The array isbot's build inlines from its {@code src/patterns.json}: JSON between the marker's {@code [} and {@code ];}. */
  static JsonArray patternList(String indexJs) {
    int marker = indexJs.indexOf("src/patterns.json");
    int start = marker < 0 ? -1 : indexJs.indexOf('[', marker);
    int end = start < 0 ? -1 : indexJs.indexOf("\n];", start);
    if (end < 0) {
      throw new DataUpdateException("isbot's index.js no longer inlines src/patterns.json as expected: update DataUpdate");
    }
    JsonArray patterns = new JsonArray(indexJs.substring(start, end + 2));
    if (patterns.isEmpty()) {
      throw new DataUpdateException("isbot's pattern list is empty");
    }
    return patterns;
  }

  private static byte[] largestMmdb(byte[] tgz) {
    return NpmRegistry.files(tgz, n -> n.endsWith(".mmdb")).values().stream().max(Comparator.comparingInt(b -> b.length))
        .orElseThrow(() -> new DataUpdateException("the tarball has no .mmdb file"));
  }

  private static boolean gzipped(byte[] b) {
    return b.length > 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
  }

  /** A POSIX tar: "ustar" at offset 257 of the first header. */
  private static boolean tar(byte[] b) {
    return b.length > 262 && new String(b, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
  }

  private static byte[] gunzip(byte[] b) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new DataUpdateException("not gzip: " + e.getMessage(), e);
    }
  }

  private static void replace(Path out, byte[] body) {
    try {
      Path dir = out.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
      Files.write(tmp, body);
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) { // a temp file is owner-only; data is not secret
        Files.setPosixFilePermissions(tmp, Files.exists(out) ? Files.getPosixFilePermissions(out) : PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new DataUpdateException("cannot write " + out + ": " + e, e);
    }
  }
}
