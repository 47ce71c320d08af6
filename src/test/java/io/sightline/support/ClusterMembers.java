package io.sightline.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sightline cluster members as real processes on loopback: each a JVM of its own ({@code java -cp <test classpath>
 * io.sightline.Main}) with free HTTP and Hazelcast ports, one PostgreSQL for all. Started together; killed with SIGKILL or
 * stopped with SIGTERM.
 */
public final class ClusterMembers implements AutoCloseable {
  final Path dir;
  final int[] httpPorts;
  final int[] clusterPorts;
  final Process[] processes;
  /** The members' heap (-Xmx). */
  private String heap = "256m";
  private final String databaseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public ClusterMembers(String databaseUrl, int count) throws IOException {
    this.databaseUrl = databaseUrl;
    this.dir = TestPostgres.tempDir("sightline-cluster-");
    this.httpPorts = new int[count];
    this.clusterPorts = new int[count];
    this.processes = new Process[count];
    for (int i = 0; i < count; i++) {
      httpPorts[i] = freePort();
      clusterPorts[i] = freePort();
    }
  }

  /** For benchmarks: a larger heap and the JIT's second tier. */
  public ClusterMembers forBenchmark() {
    heap = "1g";
    benchmark = true;
    return this;
  }

  private boolean benchmark;

  public String members() {
    List<String> m = new ArrayList<>();
    for (int port : clusterPorts) {
      m.add("127.0.0.1:" + port);
    }
    return String.join(",", m);
  }

  public void start(int i, String... settings) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
    // tests: start fast (C1 only, the serial collector); benchmarks: the server's own settings (README)
    command.addAll(benchmark ? List.of("-XX:MaxGCPauseMillis=20") : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(List.of(
        // what Hazelcast asks for to use the JDK's internals (docs/cluster.md)
        "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), "io.sightline.Main",
        "--database-url", databaseUrl, "--port", Integer.toString(httpPorts[i]),
        "--set", "http.host=127.0.0.1", "--set", "http.instances=1", "--set", "database.poolSize=6",
        "--set", "shutdown.graceSeconds=2", "--set", "writer.ackTimeoutSeconds=3",
        "--set", "cluster.enabled=true", "--set", "cluster.host=127.0.0.1", "--set", "cluster.port=" + clusterPorts[i],
        "--set", "cluster.members=" + members(), "--set", "cluster.partitions=12", "--set", "cluster.failureDetectionSeconds=10"));
    for (String s : settings) {
      command.add("--set");
      command.add(s);
    }
    processes[i] = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out" + i + ".txt").toFile())
        .redirectError(dir.resolve("err" + i + ".txt").toFile())
        .start();
  }

  public String base(int i) {
    return "http://127.0.0.1:" + httpPorts[i];
  }

  public void awaitReady(int i, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!processes[i].isAlive()) {
        throw new AssertionError("member " + i + " exited " + processes[i].exitValue() + ":\n" + log(i));
      }
      try {
        if (get(i, "/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("member " + i + " not ready in time:\n" + log(i));
  }

  public HttpResponse<String> get(int i, String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(i) + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(int i, String path, String body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(i) + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A gauge's value on member {@code i} (NaN if absent). */
  public double metric(int i, String name) throws IOException, InterruptedException {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(get(i, "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  public String log(int i) {
    try {
      return Files.readString(dir.resolve("err" + i + ".txt"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public void kill(int i) throws InterruptedException {
    processes[i].destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Hazelcast or PostgreSQL
    processes[i].waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      if (p != null) {
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (!Boolean.getBoolean("sightline.keepClusterLogs")) {
      TestPostgres.deleteRecursively(dir);
    } else {
      System.out.println("Cluster logs kept in " + dir);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
