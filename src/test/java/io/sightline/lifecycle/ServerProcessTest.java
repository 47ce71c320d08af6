package io.sightline.lifecycle;

import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real process, as an operator runs it: start, serve, SIGTERM, clean stop. */
@Tag("integration")
class ServerProcessTest {
  private static final int SIGTERM_EXIT = 143;

  @Test
  void stopsCleanlyOnSigtermWithoutAStackTrace() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    Path logs = TestPostgres.tempDir("sightline-proc-");
    try {
      int port = freePort();
      Process process = start(logs, "--database-url", db.url(), "--port", Integer.toString(port));
      waitReady(process, port, logs);
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped within the grace period");
      assertEquals(SIGTERM_EXIT, process.exitValue());
      String err = Files.readString(logs.resolve("err.txt"));
      assertTrue(err.contains("Stopping: refusing new requests") && err.contains("Sightline stopped"), err);
      assertFalse(err.contains("Exception") || err.contains("\tat "), err);
    } finally {
      TestPostgres.deleteRecursively(logs);
    }
  }

  @Test
  void startsOnItsOwnEmbeddedPostgresKeepsTheDataAndPrintsTheKeysOnlyOnce() throws Exception {
    Path dir = TestPostgres.tempDir("sightline-proc-embedded-");
    try {
      int port = freePort();
      String dataDir = dir.resolve("data").toString();
      Process first = start(dir, "--data-dir", dataDir, "--port", Integer.toString(port), "--set", "bootstrap.domain=Example.net");
      waitReady(first, port, dir);
      first.destroy();
      assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      // standard output is a file here, as under Docker or systemd: the keys go to an owner-only file in the data directory
      String out = Files.readString(dir.resolve("out.txt"));
      Path keyFile = dir.resolve("data").resolve(FirstStartBanner.KEY_FILE).toAbsolutePath();
      assertTrue(out.contains("Created site 'example.net'") && out.contains(keyFile.toString()), out);
      assertFalse(out.contains("sl_") || Files.readString(dir.resolve("err.txt")).contains("sl_"), "no key in the logs: " + out);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
      Matcher admin = Pattern.compile("admin key \\([^)]*\\):\\s+(sl_\\S+)").matcher(Files.readString(keyFile));
      assertTrue(admin.find(), Files.readString(keyFile));
      String keys = Files.readString(keyFile);
      assertFalse(Files.exists(dir.resolve("data/postgres/postmaster.pid")), "embedded PostgreSQL stopped with the server");
      assertTrue(Files.readString(dir.resolve("err.txt")).contains("Stopping embedded PostgreSQL"));

      Process second = start(dir, "--data-dir", dataDir, "--port", Integer.toString(port));
      waitReady(second, port, dir);
      HttpResponse<String> sites = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/v1/sites"))
          .header("Authorization", "Bearer " + admin.group(1)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, sites.statusCode(), "the admin key from the file works: " + sites.body());
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS));
      String secondOut = Files.readString(dir.resolve("out.txt"));
      assertFalse(secondOut.contains("admin key") || secondOut.contains(FirstStartBanner.KEY_FILE), "keys are given once, at the first start only: "
          + secondOut);
      assertEquals(keys, Files.readString(keyFile), "the key file is not rewritten");
      assertFalse(Files.readString(dir.resolve("err.txt")).contains("Applied migration"), "schema kept between runs");
    } finally {
      TestPostgres.deleteRecursively(dir);
    }
  }

  @Test
  void exitsNonZeroWithAClearMessageWhenTheDatabaseCannotBeReached() throws Exception {
    Path logs = TestPostgres.tempDir("sightline-proc-");
    try {
      int closed = freePort();
      Process process = start(logs, "--database-url", "postgresql://u:p@127.0.0.1:" + closed + "/x", "--port", "0");
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(1, process.exitValue());
      String err = Files.readString(logs.resolve("err.txt"));
      assertTrue(err.contains("error: Cannot connect to PostgreSQL at 127.0.0.1:" + closed), err);
      assertFalse(err.contains("\tat "), err);
    } finally {
      TestPostgres.deleteRecursively(logs);
    }
  }

  @Test
  void aPortInUseIsOneClearLineAndLeavesNoPostgresRunning() throws Exception {
    Path dir = TestPostgres.tempDir("sightline-proc-busy-");
    try (ServerSocket busy = new ServerSocket(0)) {
      Process process = start(dir, "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(busy.getLocalPort()));
      assertTrue(process.waitFor(90, TimeUnit.SECONDS));
      assertEquals(1, process.exitValue());
      String err = Files.readString(dir.resolve("err.txt"));
      assertTrue(err.contains("error: Cannot listen on 0.0.0.0:" + busy.getLocalPort()), err);
      assertFalse(err.contains("\tat "), err);
      assertFalse(Files.exists(dir.resolve("data/postgres/postmaster.pid")), "the embedded PostgreSQL it started was stopped");
    } finally {
      TestPostgres.deleteRecursively(dir);
    }
  }

  private static Process start(Path logs, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), "io.sightline.Main"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(logs.toFile())
        .redirectOutput(logs.resolve("out.txt").toFile())
        .redirectError(logs.resolve("err.txt").toFile())
        .start();
  }

  private static void waitReady(Process process, int port, Path logs) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited " + process.exitValue() + ":\n" + Files.readString(logs.resolve("err.txt")));
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new AssertionError("not ready in time:\n" + Files.readString(logs.resolve("err.txt")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

}
