package io.sightline.tracker;

import io.sightline.lifecycle.Await;
import io.sightline.support.PlausibleTrackerPackage;
import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs), against a Sightline started by the test and a test page served
 * from another port: page load, a single-page-app navigation, clicks, an outbound link, a download,
 * a form, custom events (one queued before the script loaded), scrolling, leaving the page. Then the
 * events are read back from PostgreSQL.
 */
@Tag("integration")
class TrackerBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static RunningServer server;
  private static Vertx vertx;
  private static HttpServer pages;
  private static Path profile;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "This test drives Debian's chromium and chromium-driver: apt-get install chromium chromium-driver (bash .ci/run does)");
    server = RunningServer.start();
    String ours = page("index.html");
    String official = page("plausible.html");
    String plausibleJs = PlausibleTrackerPackage.script();
    vertx = Vertx.vertx();
    pages = Await.result(vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/plausible.js")) {
        req.response().putHeader("Content-Type", "application/javascript; charset=utf-8").end(plausibleJs);
      } else {
        req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(req.path().startsWith("/plausible/") ? official : ours);
      }
    }).listen(0, "127.0.0.1"), Duration.ofSeconds(10));
    profile = Files.createTempDirectory("sightline-chromium-");
  }

  private static String page(String name) throws Exception {
    try (InputStream in = TrackerBrowserTest.class.getResourceAsStream("/tracker-pages/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SIGHTLINE", "http://localhost:" + server.server.httpPort());
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (vertx != null) {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
    if (profile != null) {
      TestPostgres.deleteRecursively(profile);
    }
  }

  private record Seen(String type, String name, String path, String label) {
  }

  /** Each test browses as its own visitor (its own User-Agent), so their sessions cannot mix. */
  private static WebDriver browser(String chromeVersion) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1200,800",
        // headless Chromium says "HeadlessChrome", which Sightline rightly drops as a bot; present as the real browser it is
        "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chromeVersion + " Safari/537.36");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  @Test
  void theOfficialPlausibleTrackerWorksUnchanged() throws Exception {
    WebDriver driver = browser("149.0.0.0");
    try {
      driver.get("http://localhost:" + pages.actualPort() + "/plausible/index.html");
      List<Row> first = waitFor("hostname = 'localhost' and pathname like '/plausible/%'", 1);
      assertEquals("pageview", first.get(0).getString("type"));
      driver.findElement(By.id("signup")).click();
      driver.findElement(By.id("next")).click();
      List<Row> rows = waitFor("pathname like '/plausible/%' and type <> 'engagement'", 3);
      List<String> seen = rows.stream().map(r -> r.getString("type") + " " + r.getString("name") + " " + r.getString("pathname")).sorted().toList();
      assertEquals(List.of("custom Signup /plausible/index.html", "pageview pageview /plausible/index.html",
          "pageview pageview /plausible/second"), seen);
      Row signup = rows.stream().filter(r -> "Signup".equals(r.getString("name"))).findFirst().orElseThrow();
      assertEquals(new JsonObject().put("plan", "pro").put("seats", "3"), new JsonObject(signup.getValue("props").toString()));
      assertEquals(0, new BigDecimal("19.9").compareTo(signup.getBigDecimal("revenue_amount")));
      assertEquals("USD", signup.getString("revenue_currency"));
      assertEquals(1L, rows.stream().map(r -> r.getLong("session_id")).distinct().count());
    } finally {
      driver.quit();
    }
  }

  @Test
  void recordsExactlyWhatAVisitorDidAndNothingTheyTyped() throws Exception {
    WebDriver driver = browser("150.0.0.0");
    try {
      driver.get("http://localhost:" + pages.actualPort() + "/tracker/index.html");
      waitFor("pathname = '/tracker/index.html'", 2); // the pageview and the queued custom event
      driver.findElement(By.id("go")).click();
      driver.findElement(By.id("save")).click();
      driver.findElement(By.id("out")).click();
      driver.findElement(By.id("dl")).click();
      driver.findElement(By.id("submit")).click();
      driver.findElement(By.id("buy")).click();
      ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 2400)");
      Thread.sleep(300);
      driver.get("about:blank"); // leaving the page sends its engagement
      List<Row> rows = waitFor("pathname in ('/tracker/index.html', '/app/settings')", 13); // 11 actions and events below, plus 2 engagements

      List<Seen> seen = new ArrayList<>();
      for (Row r : rows) {
        if (!r.getString("type").equals("engagement")) {
          seen.add(new Seen(r.getString("type"), r.getString("name"), r.getString("pathname"), r.getString("target_label")));
        }
      }
      // beacons sent in the same instant (a click and the form it submits) may be handled in either order: compare as a multiset
      java.util.Comparator<Seen> order = java.util.Comparator.comparing(Seen::toString);
      assertEquals(java.util.stream.Stream.of(
          new Seen("pageview", "pageview", "/tracker/index.html", null),
          new Seen("custom", "Early", "/tracker/index.html", null),
          new Seen("click", "click", "/tracker/index.html", "Open settings"),
          new Seen("pageview", "pageview", "/app/settings", null),
          new Seen("click", "click", "/app/settings", "Save changes"),
          new Seen("click", "Outbound Link: Click", "/app/settings", "Partner offer"),
          new Seen("click", "File Download", "/app/settings", "Report"),
          new Seen("click", "click", "/app/settings", "Sign up"),
          new Seen("form", "form", "/app/settings", "signup"),
          new Seen("click", "click", "/app/settings", "Buy"),
          new Seen("custom", "Purchase", "/app/settings", null)).sorted(order).toList(), seen.stream().sorted(order).toList());

      List<Row> engagements = rows.stream().filter(r -> r.getString("type").equals("engagement")).toList();
      assertEquals(List.of("/tracker/index.html", "/app/settings"), engagements.stream().map(r -> r.getString("pathname")).toList(),
          "one engagement per page: on the SPA navigation and on leaving");
      assertTrue(engagements.get(1).getInteger("scroll_depth") >= 70, "scrolled to 2400 + 800 of 4000 px");
      assertTrue(engagements.get(0).getInteger("scroll_depth") < engagements.get(1).getInteger("scroll_depth"));

      Row outbound = rows.stream().filter(r -> "Outbound Link: Click".equals(r.getString("name"))).findFirst().orElseThrow();
      assertEquals("https://outbound.example/offer", new JsonObject(outbound.getValue("props").toString()).getString("url"));
      assertEquals("https://outbound.example/offer", outbound.getString("target_secondary"));
      Row purchase = rows.stream().filter(r -> "Purchase".equals(r.getString("name"))).findFirst().orElseThrow();
      assertEquals(0, new BigDecimal("49.99").compareTo(purchase.getBigDecimal("revenue_amount")));
      assertEquals("EUR", purchase.getString("revenue_currency"));
      assertEquals("pro", new JsonObject(purchase.getValue("props").toString()).getString("plan"));
      Row form = rows.stream().filter(r -> "form".equals(r.getString("type"))).findFirst().orElseThrow();
      assertEquals("/signup", form.getString("target_secondary"));
      for (Row r : rows) {
        for (int i = 0; i < r.size(); i++) {
          Object v = r.getValue(i);
          assertFalse(v != null && v.toString().contains("secret@example.com"), "a typed value reached column " + r.getColumnName(i));
        }
        assertEquals(1200, r.getInteger("screen_width"));
        assertEquals("Chrome", r.getString("browser"));
      }
      assertEquals(1L, rows.stream().map(r -> r.getLong("session_id")).distinct().count(), "one session");
      // every beacon carried its own event_id (the official Plausible tracker's beacons carry none)
      assertEquals(rows.size(), server.sql("select count(*) as n from event_keys where session_id = $1", rows.get(0).getLong("session_id"))
          .iterator().next().getLong("n"));
      Row session = server.sql("select * from sessions where session_id = $1", rows.get(0).getLong("session_id")).iterator().next();
      assertEquals(2, session.getInteger("pageviews"));
      assertEquals("/tracker/index.html", session.getString("entry_page"));
      assertEquals("/app/settings", session.getString("exit_page"));
      assertEquals(true, session.getBoolean("interactive"));
    } finally {
      driver.quit();
    }
  }

  private static List<Row> waitFor(String where, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<Row> rows = List.of();
    String sql = "select * from events where " + where + " order by ts, event_id";
    while (System.nanoTime() < deadline) {
      rows = new ArrayList<>();
      server.sql(sql).forEach(rows::add);
      if (rows.size() >= expected) {
        Thread.sleep(500); // anything beyond the expected would show up now
        rows = new ArrayList<>();
        server.sql(sql).forEach(rows::add);
        return rows;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected " + expected + " events, got " + rows.size() + ": "
        + rows.stream().map(r -> r.getString("type") + " " + r.getString("name") + " " + r.getString("pathname")).toList());
  }
}
