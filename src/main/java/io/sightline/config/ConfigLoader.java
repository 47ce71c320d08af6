package io.sightline.config;

import io.sightline.net.AddressRanges;
import io.sightline.net.CidrSet;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the configuration: built-in defaults &lt; config file &lt; environment &lt; flags.
 *
 * <p>Every setting has a dotted key (its path in the JSON file, e.g. {@code http.port}). The
 * environment overrides it with {@code SIGHTLINE_} + the key in upper snake case
 * ({@code SIGHTLINE_HTTP_PORT}, {@code SIGHTLINE_DATABASE_EMBEDDED_DATA_DIR}); flags override it
 * with {@code --set key=value} (and a few shortcuts such as {@code --port}). The built-in defaults
 * ({@code defaults.json}) are the list of settings: an unknown key is an error, not a silent no-op.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("config", "sightline.json");
  private static final String ENV_PREFIX = "SIGHTLINE_";

  private final JsonObject defaults;

  public ConfigLoader() {
    this.defaults = builtInDefaults();
  }

  /**
   * @param file         the config file; when {@code explicit} is false a missing file is fine
   * @param env          the process environment
   * @param flagSettings {@code key -> value} from the command line
   */
  public SightlineConfig load(Path file, boolean explicit, Map<String, String> env, Map<String, String> flagSettings) {
    JsonObject merged = defaults.copy();
    if (file != null) {
      if (Files.exists(file)) {
        mergeFile(merged, file);
      } else if (explicit) {
        throw new ConfigException("Config file not found: " + file);
      }
    }
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (String key : keys()) {
      String value = env.get(envName(key));
      if (value != null) {
        fromEnv.put(key, value);
      }
    }
    apply(merged, fromEnv, "environment variable ");
    apply(merged, flagSettings, "flag --set ");
    return build(merged);
  }

  /** Every setting's dotted key, in file order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    collectKeys(defaults, "", keys);
    return keys;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static void collectKeys(JsonObject obj, String prefix, List<String> out) {
    for (String field : obj.fieldNames()) {
      Object value = obj.getValue(field);
      if (value instanceof JsonObject nested) {
        collectKeys(nested, prefix + field + ".", out);
      } else {
        out.add(prefix + field);
      }
    }
  }

  private void mergeFile(JsonObject merged, Path file) {
    JsonObject fromFile;
    try {
      fromFile = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new ConfigException("Config file " + file + " is not valid JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten(fromFile, "", flat, file);
    apply(merged, flat, "config file " + file + ": ");
  }

  private void flatten(JsonObject obj, String prefix, Map<String, String> out, Path file) {
    for (String field : obj.fieldNames()) {
      Object value = obj.getValue(field);
      String key = prefix + field;
      if (value instanceof JsonObject nested) {
        flatten(nested, key + ".", out, file);
      } else if (value == null) {
        out.put(key, "");
      } else {
        out.put(key, String.valueOf(value));
      }
    }
  }

  private void apply(JsonObject merged, Map<String, String> settings, String source) {
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      String key = setting.getKey();
      String[] path = key.split("\\.");
      JsonObject parent = merged;
      JsonObject defaultParent = defaults;
      for (int i = 0; i < path.length - 1; i++) {
        defaultParent = defaultParent.getValue(path[i]) instanceof JsonObject o ? o : null;
        if (defaultParent == null) {
          break;
        }
        parent = parent.getJsonObject(path[i]);
      }
      String leaf = path[path.length - 1];
      if (defaultParent == null || !defaultParent.containsKey(leaf) || defaultParent.getValue(leaf) instanceof JsonObject) {
        throw new ConfigException(source + "unknown setting '" + key + "'. Known settings: " + String.join(", ", keys()));
      }
      Object type = defaultParent.getValue(leaf);
      String raw = setting.getValue().trim();
      try {
        if (type instanceof Integer || type instanceof Long) {
          parent.put(leaf, Long.parseLong(raw));
        } else if (type instanceof Boolean) {
          if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new NumberFormatException();
          }
          parent.put(leaf, Boolean.parseBoolean(raw.toLowerCase(Locale.ROOT)));
        } else {
          parent.put(leaf, raw);
        }
      } catch (NumberFormatException e) {
        throw new ConfigException(source + "setting '" + key + "' must be " + (type instanceof Boolean ? "true or false" : "a whole number")
            + ", got '" + raw + "'");
      }
    }
  }

  private SightlineConfig build(JsonObject c) {
    JsonObject http = c.getJsonObject("http");
    JsonObject ops = c.getJsonObject("ops");
    JsonObject db = c.getJsonObject("database");
    JsonObject embedded = db.getJsonObject("embedded");
    JsonObject bootstrap = c.getJsonObject("bootstrap");
    JsonObject auth = c.getJsonObject("auth");
    JsonObject storage = c.getJsonObject("storage");

    HttpConfig httpConfig = new HttpConfig(http.getString("host"), port(http, "http.port", true),
        range(http, "instances", "http.instances", 0, 256), range(http, "maxBodyBytes", "http.maxBodyBytes", 1024, 1L << 30),
        http.getString("publicUrl"), Duration.ofSeconds(range(http, "headerTimeoutSeconds", "http.headerTimeoutSeconds", 1, 3600)),
        Duration.ofSeconds(range(http, "bodyTimeoutSeconds", "http.bodyTimeoutSeconds", 1, 3600)),
        range(http, "maxConnectionsPerAddress", "http.maxConnectionsPerAddress", 0, 1_000_000));
    OpsConfig opsConfig = new OpsConfig(ops.getBoolean("separatePort"), ops.getString("host"), port(ops, "ops.port", true));
    if (opsConfig.separatePort() && opsConfig.port() == httpConfig.port() && httpConfig.port() != 0) {
      throw new ConfigException("ops.port must differ from http.port when ops.separatePort is true");
    }
    Optional<String> url = nonEmpty(db.getString("url"));
    url.ifPresent(ConfigLoader::validateDatabaseUrl);
    String cache = embedded.getString("binariesCache");
    Optional<String> readUrl = nonEmpty(db.getString("readUrl"));
    readUrl.ifPresent(ConfigLoader::validateDatabaseUrl);
    if (readUrl.isPresent() && url.isEmpty()) {
      throw new ConfigException("database.readUrl needs database.url: a replica of the embedded PostgreSQL is not supported");
    }
    DatabaseConfig dbConfig = new DatabaseConfig(url, nonEmpty(db.getString("user")), nonEmpty(db.getString("password")),
        range(db, "poolSize", "database.poolSize", 1, 1000), range(db, "connectTimeoutSeconds", "database.connectTimeoutSeconds", 1, 600),
        Path.of(embedded.getString("dataDir")), port(embedded, "database.embedded.port", true),
        cache.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "sightline-postgres") : Path.of(cache), readUrl);
    String domain = bootstrap.getString("domain").trim().toLowerCase(Locale.ROOT);
    if (domain.isEmpty()) {
      throw new ConfigException("bootstrap.domain must not be empty");
    }
    String email = bootstrap.getString("email").trim().toLowerCase(Locale.ROOT);
    if (email.indexOf('@') < 1 || email.indexOf('@') == email.length() - 1) {
      throw new ConfigException("bootstrap.email must be an e-mail address (the first dashboard account), got '" + email + "'");
    }
    BootstrapConfig bootstrapConfig = new BootstrapConfig(domain, zone(bootstrap.getString("timezone"), "bootstrap.timezone"), email);
    AuthConfig authConfig = new AuthConfig(Duration.ofSeconds(range(auth, "cacheSeconds", "auth.cacheSeconds", 0, 300)),
        range(auth, "defaultRateLimitPerMinute", "auth.defaultRateLimitPerMinute", 1, 1_000_000_000), dialectRateLimits(auth));
    IngestConfig ingestConfig = ingest(c.getJsonObject("ingest"));
    JsonObject writer = c.getJsonObject("writer");
    WriterConfig writerConfig = new WriterConfig(range(writer, "batchSize", "writer.batchSize", 1, 100_000),
        Duration.ofMillis(range(writer, "flushMillis", "writer.flushMillis", 1, 60_000)),
        range(writer, "queueEvents", "writer.queueEvents", 1, 10_000_000),
        Duration.ofSeconds(range(writer, "ackTimeoutSeconds", "writer.ackTimeoutSeconds", 1, 600)),
        range(writer, "concurrentCommits", "writer.concurrentCommits", 1, 64), writer.getBoolean("rollups", true),
        Duration.ofMillis(range(writer, "rollupFoldMillis", "writer.rollupFoldMillis", 10, 60_000)),
        range(writer, "rollupFoldRows", "writer.rollupFoldRows", 1_000, 10_000_000),
        range(writer, "partitions", "writer.partitions", 0, 64),
        range(writer, "rollupStateEntries", "writer.rollupStateEntries", 0, 2_000_000_000));
    // backfilled events need their day's partition: the days kept behind cover the backfill window whatever is set
    StorageConfig storageConfig = new StorageConfig(range(storage, "partitionDaysAhead", "storage.partitionDaysAhead", 1, 366),
        Math.max(range(storage, "partitionDaysBehind", "storage.partitionDaysBehind", 0, 3660), ingestConfig.backfillDays()),
        range(storage, "retentionDays", "storage.retentionDays", 0, 36_600), range(storage, "rollupRetentionDays", "storage.rollupRetentionDays", 0, 36_600));
    if (storageConfig.retentionDays() > 0 && storageConfig.retentionDays() < ingestConfig.backfillDays() + 2) {
      throw new ConfigException("storage.retentionDays (" + storageConfig.retentionDays() + ") must be 0 (keep) or at least ingest.backfillDays + 2 ("
          + (ingestConfig.backfillDays() + 2) + "): the writer rebuilds its rollup state from those days");
    }
    Duration grace = Duration.ofSeconds(range(c.getJsonObject("shutdown"), "graceSeconds", "shutdown.graceSeconds", 0, 600));
    JsonObject dashboard = c.getJsonObject("dashboard");
    DashboardConfig dashboardConfig = new DashboardConfig(Duration.ofHours(range(dashboard, "sessionHours", "dashboard.sessionHours", 1, 24 * 366)),
        range(dashboard, "loginAttemptsPerAddressPerMinute", "dashboard.loginAttemptsPerAddressPerMinute", 1, 100_000),
        range(dashboard, "loginAttemptsPerAccountPerMinute", "dashboard.loginAttemptsPerAccountPerMinute", 1, 100_000));
    ClusterConfig clusterConfig = cluster(c.getJsonObject("cluster"));
    return new SightlineConfig(httpConfig, opsConfig, dbConfig, bootstrapConfig, authConfig, ingestConfig, writerConfig, storageConfig, grace,
        clusterConfig, mail(c.getJsonObject("mail")), dashboardConfig);
  }

  private static ClusterConfig cluster(JsonObject c) {
    List<String> members = new ArrayList<>();
    for (String m : c.getString("members").split(",")) {
      if (!m.isBlank()) {
        String member = m.trim();
        int colon = member.lastIndexOf(':');
        if (colon <= 0 || !member.substring(colon + 1).matches("[0-9]{1,5}")) {
          throw new ConfigException("cluster.members must list host:port entries separated by commas, got '" + member + "'");
        }
        members.add(member);
      }
    }
    String host = c.getString("host").trim();
    if (host.isEmpty()) {
      throw new ConfigException("cluster.host must not be empty");
    }
    ClusterConfig config = new ClusterConfig(c.getBoolean("enabled"), host, port(c, "cluster.port", false), port(c, "cluster.busPort", true),
        List.copyOf(members), range(c, "partitions", "cluster.partitions", 1, 1024),
        range(c, "failureDetectionSeconds", "cluster.failureDetectionSeconds", 2, 300));
    if (config.enabled() && members.isEmpty()) {
      throw new ConfigException("cluster.members must list the members' host:port (TCP-IP discovery, no multicast) when cluster.enabled is true");
    }
    return config;
  }

  private static MailConfig mail(JsonObject m) {
    MailConfig mail = new MailConfig(m.getString("host").trim(), port(m, "mail.port", false), m.getString("from").trim(),
        m.getString("username"), m.getString("password"), m.getBoolean("starttls"),
        Duration.ofSeconds(range(m, "checkIntervalSeconds", "mail.checkIntervalSeconds", 1, 86_400)),
        Duration.ofMinutes(range(m, "retryMinutes", "mail.retryMinutes", 1, 10_080)), range(m, "maxAttempts", "mail.maxAttempts", 1, 100));
    if (mail.enabled() && !mail.from().matches("[^@\\s]+@[^@\\s]+")) {
      throw new ConfigException("mail.from must be an e-mail address when mail.host is set");
    }
    return mail;
  }

  private static DialectRateLimits dialectRateLimits(JsonObject auth) {
    JsonObject d = auth.getJsonObject("rateLimitPerMinute");
    return new DialectRateLimits(range(d, "clickport", "auth.rateLimitPerMinute.clickport", 1, 1_000_000_000),
        range(d, "datalyr", "auth.rateLimitPerMinute.datalyr", 1, 1_000_000_000),
        range(d, "humblytics", "auth.rateLimitPerMinute.humblytics", 1, 1_000_000_000),
        range(d, "hubspot", "auth.rateLimitPerMinute.hubspot", 1, 1_000_000_000),
        range(d, "hum", "auth.rateLimitPerMinute.hum", 1, 1_000_000_000));
  }

  private static IngestConfig ingest(JsonObject in) {
    CidrSet trusted;
    CidrSet excluded;
    try {
      trusted = CidrSet.parse(in.getString("trustedProxies"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ingest.trustedProxies: " + e.getMessage());
    }
    try {
      excluded = CidrSet.parse(in.getString("excludedIps"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ingest.excludedIps: " + e.getMessage());
    }
    List<String> clickIds = new ArrayList<>();
    for (String p : in.getString("extraClickIdParams").split(",")) {
      if (!p.isBlank()) {
        clickIds.add(p.trim().toLowerCase(Locale.ROOT));
      }
    }
    return new IngestConfig(trusted, excluded, in.getBoolean("respectGpc"),
        range(in, "keylessRateLimitPerMinute", "ingest.keylessRateLimitPerMinute", 1, 1_000_000),
        range(in, "maxBatchEvents", "ingest.maxBatchEvents", 1, 100_000),
        range(in, "backfillDays", "ingest.backfillDays", 0, 3660),
        range(in, "userAgentCacheSize", "ingest.userAgentCacheSize", 100, 10_000_000),
        range(in, "maxSessionsInMemory", "ingest.maxSessionsInMemory", 1000, 100_000_000),
        file(in, "geoipDatabase"), file(in, "geoipDatabaseV6"), nonEmpty(in.getString("cdnCountryHeader")),
        file(in, "botPatternsFile"), file(in, "spamReferrersFile"), file(in, "referrersFile"), List.copyOf(clickIds),
        range(in, "monthlyEventQuota", "ingest.monthlyEventQuota", 0, 2_000_000_000),
        range(in, "eventIdsInMemory", "ingest.eventIdsInMemory", 0, 100_000_000),
        in.getBoolean("geoipBundled"), updateUrl(in.getString("geoipUpdateUrl")), file(in, "botAllowFile"),
        datacenters(file(in, "datacenterIpsFile")));
  }

  private static Optional<String> updateUrl(String value) {
    Optional<String> url = nonEmpty(value);
    if (url.isPresent() && !url.get().startsWith("npm:") && !url.get().startsWith("https://") && !url.get().startsWith("http://")) {
      throw new ConfigException("ingest.geoipUpdateUrl must be an http(s) URL or npm:PACKAGE, got '" + url.get() + "'");
    }
    return url;
  }

  private static AddressRanges datacenters(Optional<Path> file) {
    if (file.isEmpty()) {
      return AddressRanges.EMPTY;
    }
    try {
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(file.get())) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          lines.add(t);
        }
      }
      return AddressRanges.parse(lines);
    } catch (IOException e) {
      throw new ConfigException("ingest.datacenterIpsFile: cannot read " + file.get() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ingest.datacenterIpsFile: " + e.getMessage());
    }
  }

  private static Optional<Path> file(JsonObject in, String field) {
    Optional<String> value = nonEmpty(in.getString(field));
    if (value.isPresent() && !Files.isReadable(Path.of(value.get()))) {
      throw new ConfigException("ingest." + field + ": cannot read " + value.get());
    }
    return value.map(Path::of);
  }

  private static void validateDatabaseUrl(String url) {
    try {
      URI uri = URI.create(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("database.url must look like postgresql://user:password@host:5432/database, got a value"
          + " starting with '" + url.substring(0, Math.min(12, url.length())) + "'");
    }
  }

  static String zone(String id, String key) {
    try {
      return ZoneId.of(id).getId();
    } catch (DateTimeException e) {
      throw new ConfigException(key + " must be an IANA time zone such as Europe/Berlin, got '" + id + "'");
    }
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }

  private static int port(JsonObject obj, String key, boolean zeroAllowed) {
    return range(obj, key.substring(key.lastIndexOf('.') + 1), key, zeroAllowed ? 0 : 1, 65535);
  }

  private static int range(JsonObject obj, String field, String key, long min, long max) {
    long value = obj.getLong(field);
    if (value < min || value > max) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }

  private static JsonObject builtInDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.json")) {
      if (in == null) {
        throw new IllegalStateException("defaults.json missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
