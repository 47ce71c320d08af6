package io.sightline.cli;

import com.sun.net.httpserver.HttpServer;
import io.sightline.ingest.enrich.GeoLocation;
import io.sightline.ingest.enrich.MmdbGeoLookup;
import io.sightline.net.IpAddresses;
import io.sightline.support.MmdbWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sightline data update} against a local registry and file server: what it writes, and what it refuses. */
class DataUpdateCommandTest {
  private HttpServer http;
  private final Map<String, byte[]> files = new HashMap<>();
  private String base;

  @BeforeEach
  void serve() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", exchange -> {
      byte[] body = files.get(exchange.getRequestURI().getRawPath());
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  @Test
  void writesTheGeoIpDatabaseFromAUrlAndTheCrawlerListFromTheRegistry(@TempDir Path dir) throws IOException {
    Path mmdb = dir.resolve("fixture.mmdb");
    new MmdbWriter(4, "test-country").insert("193.0.0.0/20", Map.of("country_code", "NL")).write(mmdb);
    files.put("/geo/country.mmdb.gz", gzip(Files.readAllBytes(mmdb)));
    String indexJs = "var x = 1;\n// src/patterns.json\nvar patterns_default = [\n  \"(?<! cu)bots?(?:\\\\b|_)\",\n  \"^blogtrottr/\"\n];\n"
        + "var fullPattern = \"...\";\n";
    files.put("/isbot/-/isbot-9.9.9.tgz", tgz(Map.of("package/index.js", indexJs, "package/LICENSE", "Unlicense text",
        "package/package.json", "{\"name\":\"isbot\",\"license\":\"Unlicense\"}")));
    files.put("/isbot/latest", new JsonObject().put("name", "isbot").put("version", "9.9.9")
        .put("dist", new JsonObject().put("tarball", base + "/isbot/-/isbot-9.9.9.tgz")).encode().getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("data/country.mmdb");
    Path bots = dir.resolve("bots");

    Run r = cli("data", "update", "--geoip-url", base + "/geo/country.mmdb.gz", "--geoip-out", out.toString(), "--bots-into", bots.toString(),
        "--registry", base + "/");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("GeoIP: wrote " + out), r.out());
    assertTrue(r.out().contains("Crawler list: wrote " + bots.resolve("isbot.json") + " (isbot 9.9.9, 2 patterns)"), r.out());
    try (MmdbGeoLookup geo = MmdbGeoLookup.open(out, Optional.empty())) {
      assertEquals(new GeoLocation("NL", null, null), geo.locate(IpAddresses.literal("193.0.6.139")));
    }
    JsonObject list = new JsonObject(Files.readString(bots.resolve("isbot.json")));
    assertEquals("9.9.9", list.getString("version"));
    assertEquals("Unlicense", list.getString("license"));
    assertEquals(new JsonArray(List.of("(?<! cu)bots?(?:\\b|_)", "^blogtrottr/")), list.getJsonArray("patterns"));
    assertEquals("Unlicense text", Files.readString(bots.resolve("isbot.LICENSE")));
  }

  @Test
  void keepsTheOldFileWhenTheDownloadIsNotAMaxMindDatabase(@TempDir Path dir) throws IOException {
    files.put("/geo/broken.mmdb", "<html>moved</html>".getBytes(StandardCharsets.UTF_8));
    Path out = Files.writeString(dir.resolve("country.mmdb"), "the old one");
    Run r = cli("data", "update", "--geoip-url", base + "/geo/broken.mmdb", "--geoip-out", out.toString());
    assertEquals(SightlineCommand.EXIT_FAILURE, r.code());
    assertTrue(r.err().contains("is not a MaxMind DB"), r.err());
    assertTrue(!r.err().contains("\tat "), "one line, no stack trace: " + r.err());
    assertEquals("the old one", Files.readString(out));
    Run missing = cli("data", "update", "--geoip-url", base + "/geo/none.mmdb", "--geoip-out", out.toString());
    assertEquals(SightlineCommand.EXIT_FAILURE, missing.code());
    assertTrue(missing.err().contains("answered 404"), missing.err());
  }

  private record Run(int code, String out, String err) {
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SightlineCommand.create(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] tgz(Map<String, String> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(body.length);
        tar.putArchiveEntry(entry);
        tar.write(body);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }
}
