package io.sightline.support;

import io.sightline.config.ConfigLoader;
import io.sightline.config.SightlineConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configs for tests: built-in defaults, the test database, port 0, plus any overrides. The bundled GeoIP database is off
 * ({@code ingest.geoipBundled=false}) unless a test sets it: tests send from documentation ranges such as 203.0.113.0/24,
 * which that data places in Australia, and expect locations only from the fixture databases they configure.
 */
public final class TestConfig {
  private TestConfig() {
  }

  public static SightlineConfig forDatabase(TestDatabase db, String... keyValues) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("database.url", db.url());
    flags.put("http.port", "0");
    flags.put("http.host", "127.0.0.1");
    flags.put("http.instances", "1");
    flags.put("shutdown.graceSeconds", "2");
    flags.put("ingest.geoipBundled", "false");
    flags.put("writer.partitions", "2"); // several partitions whatever the machine's cores (the suites with one set it to 1)
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], keyValues[i + 1]);
    }
    return new ConfigLoader().load(null, false, Map.of(), flags);
  }
}
