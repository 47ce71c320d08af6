package io.sightline.cli;

import io.sightline.config.ConfigLoader;
import io.sightline.config.SightlineConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options every command takes: where the config is, and settings that override it. */
public final class GlobalOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Config file (default: config/sightline.json if present).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "Override any setting, e.g. --set http.port=8081 (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--port", paramLabel = "PORT", description = "Shortcut for --set http.port=PORT.")
  Integer port;

  @Option(names = "--database-url", paramLabel = "URL",
      description = "Shortcut for --set database.url=URL (postgresql://user:pass@host:5432/db).")
  String databaseUrl;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Shortcut for --set database.embedded.dataDir=DIR (embedded PostgreSQL data).")
  String dataDir;

  /**
   * A subcommand's configuration: its own options, and for those it did not set, the ones given
   * before the command name ({@code sightline --data-dir X sites list}).
   */
  SightlineConfig load(SightlineCommand root) {
    GlobalOptions merged = new GlobalOptions();
    GlobalOptions before = root.options;
    merged.config = config != null ? config : before.config;
    merged.settings.putAll(before.settings);
    merged.settings.putAll(settings);
    merged.port = port != null ? port : before.port;
    merged.databaseUrl = databaseUrl != null ? databaseUrl : before.databaseUrl;
    merged.dataDir = dataDir != null ? dataDir : before.dataDir;
    return merged.load(root.env);
  }

  SightlineConfig load(Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    if (port != null) {
      flags.put("http.port", port.toString());
    }
    if (databaseUrl != null) {
      flags.put("database.url", databaseUrl);
    }
    if (dataDir != null) {
      flags.put("database.embedded.dataDir", dataDir);
    }
    boolean explicit = config != null;
    return new ConfigLoader().load(explicit ? config : ConfigLoader.DEFAULT_FILE, explicit, env, flags);
  }
}
