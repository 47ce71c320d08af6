package io.sightline.ingest.enrich.update;

import io.vertx.core.json.JsonObject;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Downloads for {@code sightline data update}: any http(s) URL, and npm packages (the registry's
 * latest version, its tarball, the files in it). Blocking; for the command line only, never the server.
 */
public final class NpmRegistry {
  private static final long MAX_BYTES = 200L * 1024 * 1024;

  /** A package version and where its tarball is. */
  public record Release(String name, String version, URI tarball) {
  }

  private final HttpClient http;
  private final URI registry;

  public NpmRegistry(URI registry) {
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    this.registry = URI.create(registry.toString().endsWith("/") ? registry.toString() : registry + "/");
  }

  /** The latest published version of a package ({@code isbot}, {@code @scope/name}). */
  public Release latest(String name) {
    String path = name.startsWith("@") ? "@" + URLEncoder.encode(name.substring(1), StandardCharsets.UTF_8) : name;
    JsonObject meta = new JsonObject(new String(get(registry.resolve(path + "/latest")), StandardCharsets.UTF_8));
    JsonObject dist = meta.getJsonObject("dist");
    if (dist == null || dist.getString("tarball") == null) {
      throw new DataUpdateException("the registry gave no tarball for " + name);
    }
    return new Release(name, meta.getString("version"), URI.create(dist.getString("tarball")));
  }

  /** The body of a GET (2xx only). */
  public byte[] get(URI uri) {
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not an http(s) URL: " + uri);
    }
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() / 100 != 2) {
        throw new DataUpdateException("GET " + uri + " answered " + r.statusCode());
      }
      if (r.body().length > MAX_BYTES) {
        throw new DataUpdateException("GET " + uri + " is larger than " + MAX_BYTES + " bytes");
      }
      return r.body();
    } catch (IOException e) {
      throw new DataUpdateException("GET " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataUpdateException("interrupted", e);
    }
  }

  /** The regular files of a gzipped tarball whose names the filter accepts, by name (npm's start with {@code package/}). */
  public static Map<String, byte[]> files(byte[] tgz, Predicate<String> wanted) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isFile() && wanted.test(e.getName())) {
          out.put(e.getName(), tar.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new DataUpdateException("not a gzipped tarball: " + e.getMessage(), e);
    }
    return out;
  }
}
