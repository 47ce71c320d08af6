package io.sightline.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void usesBuiltInDefaultsWhenNothingIsGiven() {
    SightlineConfig c = loader.load(null, false, Map.of(), Map.of());
    assertEquals(8080, c.http().port());
    assertTrue(c.database().embedded());
    assertEquals(Path.of("data"), c.database().embeddedDataDir());
    assertFalse(c.ops().separatePort());
    assertEquals(100, c.auth().defaultRateLimitPerMinute());
    assertEquals("localhost", c.bootstrap().domain());
  }

  @Test
  void fileOverridesDefaultsEnvOverridesFileAndFlagsOverrideEnv(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sightline.json");
    Files.writeString(file, "{\"http\":{\"port\":7001,\"host\":\"127.0.0.1\"},\"auth\":{\"cacheSeconds\":9}}");

    SightlineConfig fileOnly = loader.load(file, true, Map.of(), Map.of());
    assertEquals(7001, fileOnly.http().port());
    assertEquals("127.0.0.1", fileOnly.http().host());

    Map<String, String> env = Map.of("SIGHTLINE_HTTP_PORT", "7002", "SIGHTLINE_AUTH_CACHE_SECONDS", "3");
    SightlineConfig withEnv = loader.load(file, true, env, Map.of());
    assertEquals(7002, withEnv.http().port());
    assertEquals(3, withEnv.auth().cacheTtl().toSeconds());
    assertEquals("127.0.0.1", withEnv.http().host(), "file value not overridden by env stays");

    SightlineConfig withFlags = loader.load(file, true, env, Map.of("http.port", "7003"));
    assertEquals(7003, withFlags.http().port());
    assertEquals(3, withFlags.auth().cacheTtl().toSeconds(), "env value not overridden by a flag stays");
  }

  @Test
  void environmentNamesAreUpperSnakeCaseOfTheDottedKey() {
    assertEquals("SIGHTLINE_HTTP_PORT", ConfigLoader.envName("http.port"));
    assertEquals("SIGHTLINE_DATABASE_EMBEDDED_DATA_DIR", ConfigLoader.envName("database.embedded.dataDir"));
    assertEquals("SIGHTLINE_AUTH_DEFAULT_RATE_LIMIT_PER_MINUTE", ConfigLoader.envName("auth.defaultRateLimitPerMinute"));
    SightlineConfig c = loader.load(null, false, Map.of("SIGHTLINE_DATABASE_EMBEDDED_DATA_DIR", "/srv/sightline"), Map.of());
    assertEquals(Path.of("/srv/sightline"), c.database().embeddedDataDir());
  }

  @Test
  void databaseUrlSwitchesOffTheEmbeddedServer() {
    SightlineConfig c = loader.load(null, false, Map.of("SIGHTLINE_DATABASE_URL", "postgresql://u:p@db:5432/x"), Map.of());
    assertFalse(c.database().embedded());
    assertEquals("postgresql://u:p@db:5432/x", c.database().url().orElseThrow());
  }

  @Test
  void rejectsUnknownSettingsWrongTypesAndBadValuesWithTheirNames(@TempDir Path dir) throws Exception {
    ConfigException unknown = assertThrows(ConfigException.class, () -> loader.load(null, false, Map.of(), Map.of("http.prot", "1")));
    assertTrue(unknown.getMessage().contains("unknown setting 'http.prot'"), unknown.getMessage());

    ConfigException type = assertThrows(ConfigException.class, () -> loader.load(null, false, Map.of("SIGHTLINE_HTTP_PORT", "eighty"), Map.of()));
    assertTrue(type.getMessage().contains("environment variable") && type.getMessage().contains("http.port"), type.getMessage());

    ConfigException range = assertThrows(ConfigException.class, () -> loader.load(null, false, Map.of(), Map.of("http.port", "70000")));
    assertTrue(range.getMessage().contains("http.port must be between 0 and 65535"), range.getMessage());

    ConfigException zone = assertThrows(ConfigException.class, () -> loader.load(null, false, Map.of(), Map.of("bootstrap.timezone", "Mars/Olympus")));
    assertTrue(zone.getMessage().contains("IANA"), zone.getMessage());

    ConfigException url = assertThrows(ConfigException.class, () -> loader.load(null, false, Map.of(), Map.of("database.url", "mysql://x")));
    assertTrue(url.getMessage().contains("database.url"), url.getMessage());

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{ not json");
    ConfigException json = assertThrows(ConfigException.class, () -> loader.load(bad, true, Map.of(), Map.of()));
    assertTrue(json.getMessage().contains("not valid JSON"), json.getMessage());

    ConfigException missing = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("nope.json"), true, Map.of(), Map.of()));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
  }

  @Test
  void eachDialectHasItsVendorsQueryRateLimitAndEachCanBeSetAlone() {
    DialectRateLimits defaults = loader.load(null, false, Map.of(), Map.of()).auth().dialectRateLimits();
    // DATALYR documents 100 a minute; Clickport no per-request limit; the others publish no figure: a generous abuse guard
    assertEquals(new DialectRateLimits(6000, 100, 6000, 6000, 6000), defaults);
    SightlineConfig set = loader.load(null, false, Map.of("SIGHTLINE_AUTH_RATE_LIMIT_PER_MINUTE_HUBSPOT", "40"),
        Map.of("auth.rateLimitPerMinute.datalyr", "7"));
    assertEquals(new DialectRateLimits(6000, 7, 6000, 40, 6000), set.auth().dialectRateLimits());
    assertEquals(100, set.auth().defaultRateLimitPerMinute(), "the admin API keeps its own");
    ConfigException zero = assertThrows(ConfigException.class,
        () -> loader.load(null, false, Map.of(), Map.of("auth.rateLimitPerMinute.clickport", "0")));
    assertTrue(zero.getMessage().contains("auth.rateLimitPerMinute.clickport"), zero.getMessage());
  }

  @Test
  void aBackfillWindowLongerThanThePartitionsKeptBehindWidensThemInsteadOfStoppingTheStart() {
    SightlineConfig wide = loader.load(null, false, Map.of(), Map.of("ingest.backfillDays", "30"));
    assertEquals(30, wide.ingest().backfillDays());
    assertEquals(30, wide.storage().partitionDaysBehind(), "partitions for every day a backfill may land on");
    SightlineConfig more = loader.load(null, false, Map.of(), Map.of("ingest.backfillDays", "3", "storage.partitionDaysBehind", "40"));
    assertEquals(40, more.storage().partitionDaysBehind(), "more days behind than the window stay as set");
    assertEquals(7, loader.load(null, false, Map.of(), Map.of()).storage().partitionDaysBehind());
  }

  @Test
  void clusterModeIsOffByDefaultNeedsItsMembersKeepsRollupsAndReadUrlNeedsAUrl() {
    SightlineConfig single = loader.load(null, false, Map.of(), Map.of());
    assertEquals(false, single.cluster().enabled());
    assertEquals(java.util.Optional.empty(), single.database().readUrl());
    SightlineConfig cluster = loader.load(null, false, Map.of("SIGHTLINE_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701"),
        Map.of("cluster.enabled", "true", "writer.rollups", "false", "cluster.partitions", "24"));
    assertEquals(java.util.List.of("10.0.0.1:5701", "10.0.0.2:5701"), cluster.cluster().members());
    assertEquals(24, cluster.cluster().partitions());
    ConfigException noMembers = assertThrows(ConfigException.class,
        () -> loader.load(null, false, Map.of(), Map.of("cluster.enabled", "true", "writer.rollups", "false")));
    assertTrue(noMembers.getMessage().contains("cluster.members"), noMembers.getMessage());
    SightlineConfig withRollups = loader.load(null, false, Map.of(), Map.of("cluster.enabled", "true", "cluster.members", "a:5701"));
    assertTrue(withRollups.cluster().enabled() && withRollups.writer().rollups(), "cluster mode keeps the rollups (the default)");
    ConfigException badMember = assertThrows(ConfigException.class,
        () -> loader.load(null, false, Map.of(), Map.of("cluster.members", "a:5701,b")));
    assertTrue(badMember.getMessage().contains("'b'"), badMember.getMessage());
    ConfigException replicaAlone = assertThrows(ConfigException.class,
        () -> loader.load(null, false, Map.of(), Map.of("database.readUrl", "postgresql://u:p@replica:5432/db")));
    assertTrue(replicaAlone.getMessage().contains("database.readUrl"), replicaAlone.getMessage());
    assertEquals("postgresql://u:p@replica:5432/db", loader.load(null, false, Map.of(), Map.of("database.url", "postgresql://u:p@db:5432/db",
        "database.readUrl", "postgresql://u:p@replica:5432/db")).database().readUrl().orElseThrow());
  }

  @Test
  void aMissingDefaultConfigFileIsFine(@TempDir Path dir) {
    SightlineConfig c = loader.load(dir.resolve("absent.json"), false, Map.of(), Map.of());
    assertEquals(8080, c.http().port());
  }

  @Test
  void theShippedConfigFileListsExactlyTheBuiltInDefaults() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("config", "sightline.json")));
    JsonObject builtIn;
    try (var in = ConfigLoader.class.getResourceAsStream("defaults.json")) {
      builtIn = new JsonObject(new String(in.readAllBytes()));
    }
    assertEquals(builtIn, shipped, "config/sightline.json must document every setting with its default");
  }
}
