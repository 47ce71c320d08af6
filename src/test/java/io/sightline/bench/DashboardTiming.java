package io.sightline.bench;

import io.sightline.account.AccountService;
import io.sightline.account.Passwords;
import io.sightline.account.Role;
import io.sightline.lifecycle.SightlineServer;
import io.sightline.query.QueryEngine;
import io.sightline.support.RunningServer;
import io.sightline.support.TestConfig;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's first render as a browser measures it: loads N synthetic events with
 * {@link QueryBenchmark}'s loader (30 days, rollups rebuilt), starts Sightline on that database, logs
 * in with headless Chromium and reads the page's {@code sightline-ready} performance mark (set when
 * every panel has its answer) for the unfiltered 30-day view and with one filter, several runs each.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.sightline.bench.DashboardTiming \
 *     -Dexec.args="--events 1000000 --runs 5"
 * </pre>
 */
public final class DashboardTiming {
  private DashboardTiming() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--events", "1000000", "--runs", "5"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    int runs = Integer.parseInt(o.get("--runs"));
    // --database-url: a database QueryBenchmark already loaded (then nothing is loaded)
    TestDatabase db = o.containsKey("--database-url")
        ? new TestDatabase(io.vertx.pgclient.PgConnectOptions.fromUri(o.get("--database-url")), o.get("--database-url")) : TestPostgres.newDatabase();
    if (!o.containsKey("--database-url")) {
      QueryBenchmark.run(new String[] {"--database-url", db.url(), "--events", o.get("--events"), "--runs", "1", "--raw-runs", "0",
          "--only", "^$"});
    }
    SightlineServer server = SightlineServer.start(TestConfig.forDatabase(db), new PrintStream(new ByteArrayOutputStream()));
    Path profile = Files.createTempDirectory("sightline-timing-chromium-");
    WebDriver driver = null;
    try {
      String hash = Passwords.hash("timing-password");
      AccountService accounts = new AccountService(server.database().pool());
      String email = "timing-" + System.nanoTime() + "@example.com";
      var account = RunningServer.await(accounts.create(email, hash));
      RunningServer.await(accounts.grant(account.id(), 1, Role.OWNER));
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
          "--user-data-dir=" + profile, "--window-size=1280,1400");
      driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(),
          options);
      String base = "http://localhost:" + server.httpPort() + "/";
      driver.get(base + "login");
      driver.findElement(By.id("email")).sendKeys(email);
      driver.findElement(By.id("password")).sendKeys("timing-password");
      driver.findElement(By.id("login")).click();
      // the 30 loaded days (the loader's rollups cover them; a range reaching today would not be covered here, unlike a live server's)
      java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
      String range = "?site=bench.example&period=custom&from=" + today.minusDays(31) + "&to=" + today.minusDays(2);
      Map<String, String> views = new LinkedHashMap<>();
      views.put("30 days, unfiltered", range);
      views.put("30 days, source is Google", range + "&f=source:Google");
      views.put("30 days, country is DE", range + "&f=country:DE");
      views.put("30 days, device is mobile", range + "&f=device:mobile");
      views.put("30 days, page is /page/1", range + "&f=page:/page/1");
      views.put("30 days, channel is Organic Search", range + "&f=channel:Organic%20Search");
      views.put("30 days, browser is Chrome", range + "&f=browser:Chrome");
      views.put("30 days, entry page is /page/1", range + "&f=entry_page:/page/1");
      views.put("30 days, goal is Signup", range + "&f=goal:Signup");
      if (o.containsKey("--only")) {
        views.keySet().removeIf(k -> !k.matches(o.get("--only")));
      }
      System.out.printf("%-32s %14s %14s   %s%n", "view", "ready p50 ms", "ready max ms", "queries per plan (rollup/flags/raw) per load");
      for (Map.Entry<String, String> view : views.entrySet()) {
        List<Long> times = new ArrayList<>();
        long[] before = new long[3];
        for (int r = 0; r < runs + 1; r++) {
          if (r == 1) {
            for (QueryEngine.Plan p : QueryEngine.Plan.values()) {
              before[p.ordinal()] = QueryEngine.answered(p);
            }
          }
          driver.get(base + view.getValue());
          long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
          Object ready = null;
          while (ready == null && System.nanoTime() < deadline) {
            ready = ((JavascriptExecutor) driver).executeScript(
                "const m = performance.getEntriesByName('sightline-ready'); return m.length ? Math.round(m[0].startTime) : null");
            if (ready == null) {
              Thread.sleep(20);
            }
          }
          if (r > 0) { // the first load warms the browser's module cache and the server's plans
            times.add(ready == null ? -1 : ((Number) ready).longValue());
          }
        }
        Collections.sort(times);
        String plans = java.util.Arrays.stream(QueryEngine.Plan.values()).map(p -> Long.toString((QueryEngine.answered(p) - before[p.ordinal()]) / runs))
            .collect(java.util.stream.Collectors.joining("/"));
        System.out.printf("%-32s %14d %14d   %s%n", view.getKey(), times.get(times.size() / 2), times.get(times.size() - 1), plans);
      }
    } finally {
      if (driver != null) {
        driver.quit();
      }
      server.stop();
      TestPostgres.deleteRecursively(profile);
      System.exit(0);
    }
  }
}
