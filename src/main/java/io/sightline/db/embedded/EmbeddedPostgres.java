package io.sightline.db.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server run from the binaries in a Maven dependency, with its data in a local
 * directory that survives restarts.
 *
 * <p>Layout of {@code dataDir}: {@code postgres/} (PGDATA), {@code postgres.log}, and
 * {@code embedded-postgres.properties} (the generated password). The server listens on
 * 127.0.0.1 only, with scram-sha-256 password authentication, and no Unix socket.
 *
 * <p>PostgreSQL refuses to run as root. When Sightline runs as root (containers, CI), the
 * PostgreSQL processes are started inside a user namespace ({@code unshare --user}), where they run
 * as an unprivileged user while the files stay owned by the caller.
 *
 * <p>If the data directory is already served by a live server (the CLI while Sightline runs,
 * or a server left by a killed process), that server is reused and left running at close.
 * Every method here blocks: call it from {@code main} or a worker, never from an event loop.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  public static final String USER = "sightline";
  public static final String DATABASE = "sightline";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

  private final Path dataDir;
  private final Path pgData;
  private final Path binDir;
  private final List<String> prefix;
  private final int port;
  private final String password;
  private final boolean owned;
  private boolean stopped;

  private EmbeddedPostgres(Path dataDir, Path binDir, List<String> prefix, int port, String password, boolean owned) {
    this.dataDir = dataDir;
    this.pgData = dataDir.resolve("postgres");
    this.binDir = binDir;
    this.prefix = prefix;
    this.port = port;
    this.password = password;
    this.owned = owned;
  }

  /**
   * Starts (initialising on first use) the server for {@code dataDir}, or attaches to the one
   * already serving it.
   *
   * @param requestedPort the TCP port, or 0 for any free port
   */
  public static EmbeddedPostgres start(Path dataDir, int requestedPort, Path binariesCache) {
    Path data = dataDir.toAbsolutePath().normalize();
    Path pgData = data.resolve("postgres");
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Cannot create the data directory " + data + ": " + e.getMessage(), e);
    }
    Path bin = PostgresBinaries.install(binariesCache).resolve("bin");
    List<String> prefix = privilegeDropPrefix();
    boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
    String password = fresh ? newPassword(data) : readPassword(data);

    Optional<Integer> running = fresh ? Optional.empty() : runningServerPort(pgData);
    if (running.isPresent()) {
      LOG.info("Embedded PostgreSQL for {} is already running on port {}; reusing it", data, running.get());
      return new EmbeddedPostgres(data, bin, prefix, running.get(), password, false);
    }
    int port = requestedPort == 0 ? freePort() : requestedPort;
    EmbeddedPostgres pg = new EmbeddedPostgres(data, bin, prefix, port, password, true);
    if (fresh) {
      pg.initialise();
    }
    pg.startServer();
    return pg;
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  public String database() {
    return DATABASE;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** True when this process started the server (and so stops it at close). */
  public boolean owned() {
    return owned;
  }

  private void initialise() {
    LOG.info("Initialising embedded PostgreSQL in {}", pgData);
    Path pwFile = dataDir.resolve(".initdb-pw");
    try {
      Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
      run(List.of(bin("initdb"), "-D", pgData.toString(), "-U", USER, "--pwfile=" + pwFile,
          "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions"), null);
      Files.writeString(pgData.resolve("postgresql.conf"), String.join("\n",
          "",
          "# Sightline embedded defaults",
          "listen_addresses = '127.0.0.1'",
          "unix_socket_directories = ''",
          "max_connections = 100",
          "shared_buffers = 256MB",
          "work_mem = 64MB",
          "fsync = on",
          "synchronous_commit = on",
          "logging_collector = off",
          "timezone = 'UTC'",
          ""), StandardOpenOption.APPEND);
      run(List.of(bin("postgres"), "--single", "-D", pgData.toString(), "postgres"),
          "CREATE DATABASE " + DATABASE + ";\n");
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Cannot initialise the embedded PostgreSQL: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(pwFile);
      } catch (IOException ignored) {
        // best effort; the file only holds the password that is also in the properties file
      }
    }
  }

  private void startServer() {
    LOG.info("Starting embedded PostgreSQL on 127.0.0.1:{} (data in {})", port, pgData);
    run(List.of(bin("pg_ctl"), "-D", pgData.toString(), "-l", dataDir.resolve("postgres.log").toString(),
        "-w", "-t", "60", "-o", "-p " + port, "start"), null);
  }

  /** Stops the server if this process started it (fast shutdown: open transactions roll back). */
  @Override
  public synchronized void close() {
    if (stopped || !owned) {
      return;
    }
    stopped = true;
    LOG.info("Stopping embedded PostgreSQL");
    run(List.of(bin("pg_ctl"), "-D", pgData.toString(), "-m", "fast", "-w", "-t", "60", "stop"), null);
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private void run(List<String> command, String stdin) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.environment().put("LC_ALL", "C");
    builder.environment().remove("PGDATA");
    try {
      Process process = builder.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        process.getOutputStream().close();
      }
      byte[] output;
      try (InputStream out = process.getInputStream()) {
        output = out.readAllBytes();
      }
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new EmbeddedPostgresException("Timed out: " + String.join(" ", command));
      }
      if (process.exitValue() != 0) {
        throw new EmbeddedPostgresException("Embedded PostgreSQL command failed (" + Path.of(command.get(0)).getFileName()
            + ", exit " + process.exitValue() + "): " + new String(output, StandardCharsets.UTF_8).trim()
            + logTail());
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedPostgresException("Interrupted while running " + command.get(0), e);
    }
  }

  private String logTail() {
    Path log = dataDir.resolve("postgres.log");
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n--- " + log + " (last lines) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** Port of a live server already serving {@code pgData}, from its {@code postmaster.pid}. */
  private static Optional<Integer> runningServerPort(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      long pid = Long.parseLong(lines.get(0).trim());
      int port = Integer.parseInt(lines.get(3).trim());
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && accepts(port)) {
        return Optional.of(port);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Ignoring unreadable postmaster.pid", e);
    }
    return Optional.empty(); // stale: PostgreSQL itself discards a pid file whose process is gone
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** PostgreSQL refuses to run as root; as root, run it in a user namespace as an unprivileged id. */
  private static List<String> privilegeDropPrefix() {
    if (!isRoot()) {
      return List.of();
    }
    for (String candidate : List.of("/usr/bin/unshare", "/bin/unshare")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return List.of(candidate, "--user");
      }
    }
    throw new EmbeddedPostgresException("PostgreSQL cannot run as root and 'unshare' (util-linux) is not available. "
        + "Run Sightline as a non-root user, or set database.url to an existing PostgreSQL server.");
  }

  static boolean isRoot() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    } catch (Throwable e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path propertiesFile(Path dataDir) {
    return dataDir.resolve("embedded-postgres.properties");
  }

  private static String newPassword(Path dataDir) {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String password = HexFormat.of().formatHex(bytes);
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", password);
    Path file = propertiesFile(dataDir);
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "Sightline embedded PostgreSQL credentials (generated at initialisation)");
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Cannot write " + file + ": " + e.getMessage(), e);
    }
    return password;
  }

  private static String readPassword(Path dataDir) {
    Path file = propertiesFile(dataDir);
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    } catch (IOException e) {
      throw new EmbeddedPostgresException("The embedded PostgreSQL in " + dataDir + " has no readable " + file.getFileName()
          + " (" + e.getMessage() + "). Restore it, or move the data directory away to start afresh.", e);
    }
    return props.getProperty("password");
  }
}
