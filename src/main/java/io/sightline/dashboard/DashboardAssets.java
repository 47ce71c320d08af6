package io.sightline.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's static files, read from the jar once: its own ES modules and stylesheet, and
 * uPlot's module and stylesheet from the {@code org.webjars.npm:uplot} WebJar. They are served
 * under {@code assets/<fingerprint>/<name>}, the fingerprint being the SHA-256 of them all, with an
 * immutable Cache-Control: a new build changes the path, so a browser never runs a stale module
 * beside a new one (the modules import each other by relative name within that path).
 */
public final class DashboardAssets {
  private static final String OWN = "/dashboard/";
  private static final String[] OWN_FILES = {"dashboard.js", "api.js", "chart.js", "dashboard.css"};
  static final String CACHE_FOREVER = "public, max-age=31536000, immutable";

  private record Asset(Buffer body, String contentType) {
  }

  private final Map<String, Asset> assets = new LinkedHashMap<>();
  private final String fingerprint;

  private DashboardAssets() {
    for (String name : OWN_FILES) {
      assets.put(name, new Asset(Buffer.buffer(read(OWN + name)), type(name)));
    }
    String uplot = "/META-INF/resources/webjars/uplot/" + webjarVersion("org.webjars.npm", "uplot") + "/dist/";
    assets.put("uPlot.esm.js", new Asset(Buffer.buffer(read(uplot + "uPlot.esm.js")), type("x.js")));
    assets.put("uPlot.min.css", new Asset(Buffer.buffer(read(uplot + "uPlot.min.css")), type("x.css")));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, Asset> e : assets.entrySet()) {
        digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update(e.getValue().body().getBytes());
      }
      fingerprint = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the files from the classpath (blocking: at start-up). */
  public static DashboardAssets load() {
    return new DashboardAssets();
  }

  /** The path of the assets relative to the site's root, with its trailing slash: {@code assets/<fingerprint>/}. */
  public String path() {
    return "assets/" + fingerprint + "/";
  }

  void mount(Router router) {
    router.get("/assets/:fingerprint/:name").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    Asset asset = assets.get(ctx.pathParam("name"));
    if (asset == null || !fingerprint.equals(ctx.pathParam("fingerprint"))) {
      ctx.next(); // a 404 from the router
      return;
    }
    ctx.response().putHeader("Content-Type", asset.contentType()).putHeader("Cache-Control", CACHE_FOREVER)
        .putHeader("X-Content-Type-Options", "nosniff").end(asset.body());
  }

  static byte[] read(String resource) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String webjarVersion(String group, String artifact) {
    Properties p = new Properties();
    try (InputStream in = DashboardAssets.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("The " + artifact + " WebJar is missing from the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static String type(String name) {
    return name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  }
}
