package io.sightline.dashboard;

import io.sightline.support.RunningServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver, as the tracker's
 * browser test): log in, the top stats against what the test sent, click-to-filter, a bookmarked
 * filtered URL, the period picker, the realtime counter, a shared link with and without login, and
 * a screenshot in {@code target/dashboard.png}. One server and one browser for the class, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class DashboardBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36";
  private static RunningServer server;
  private static WebDriver driver;
  private static Path profile;

  /** What the test sent: per visitor (address), its referrer and its pageviews as (path, seconds after the start). */
  private record Visit(String address, String referrer, List<Map.Entry<String, Integer>> pages) {
  }

  private static final List<Visit> VISITS = List.of(
      new Visit("203.0.113.1", "https://www.google.com/", List.of(Map.entry("/", 0), Map.entry("/pricing", 60))),
      new Visit("203.0.113.2", "https://www.google.com/", List.of(Map.entry("/pricing", 0))),
      new Visit("203.0.113.3", null, List.of(Map.entry("/", 0), Map.entry("/about", 30), Map.entry("/", 90))));

  /** The funnel's steps: goal name, page. */
  private static final List<String[]> FUNNEL = List.of(new String[] {"Home", "/"}, new String[] {"Pricing", "/pricing"});

  @BeforeAll
  static void start() throws Exception {
    assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
        "This test drives Debian's chromium and chromium-driver: apt-get install chromium chromium-driver (bash .ci/run does)");
    server = RunningServer.start();
    // 40 minutes ago: inside the last 7 days whenever the test runs, and outside the realtime window
    Instant start = Instant.now().minus(Duration.ofMinutes(40));
    for (Visit v : VISITS) {
      for (Map.Entry<String, Integer> page : v.pages()) {
        send(v.address(), new JsonObject().put("url", "https://localhost" + page.getKey()).put("referrer", v.referrer())
            .put("timestamp", start.plusSeconds(page.getValue()).toString()));
      }
    }
    server.foldRollups();
    // the site's funnel: the home page, then pricing (goals completed by those pageviews)
    for (String[] goal : FUNNEL) {
      HttpResponse<String> r = server.send("POST", "/admin/v1/sites/1/goals", new JsonObject().put("name", goal[0]).put("type", "pageview")
          .put("match", goal[1]).encode(), "Authorization", "Bearer " + server.adminKey(), "Content-Type", "application/json");
      assertEquals(201, r.statusCode(), r.body());
    }
    JsonArray steps = new JsonArray();
    for (int i = 0; i < FUNNEL.size(); i++) {
      steps.add(new JsonObject().put("step", i + 1).put("name", FUNNEL.get(i)[0]).put("goal", FUNNEL.get(i)[0]));
    }
    HttpResponse<String> hum = server.send("PUT", "/admin/v1/sites/1/hum", new JsonObject().put("funnel", steps).encode(),
        "Authorization", "Bearer " + server.adminKey(), "Content-Type", "application/json");
    assertEquals(200, hum.statusCode(), hum.body());
    profile = Files.createTempDirectory("sightline-dashboard-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--window-size=1280,1400");
    driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build(), options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (profile != null) {
      TestPostgres.deleteRecursively(profile);
    }
  }

  private static void send(String address, JsonObject event) {
    HttpResponse<String> r = server.send("POST", "/api/event", event.encode(), "Content-Type", "application/json",
        "x-api-key", server.siteKey(), "User-Agent", UA, "X-Forwarded-For", address);
    assertEquals(200, r.statusCode(), r.body());
  }

  private static String base() {
    return "http://localhost:" + server.server.httpPort();
  }

  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException stale) {
        // the page re-rendered under us: look again
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Timed out waiting for " + what + " on " + driver.getCurrentUrl() + ": " + ((JavascriptExecutor) driver).executeScript(
        "return document.body.dataset.state + ' | ' + (document.getElementById('notice') || {}).textContent + ' | ' + window.__errors"));
  }

  /** Waits for the page's data to be rendered (the page marks itself ready once every panel has its answer). */
  private static void ready() throws InterruptedException {
    await("the dashboard to render", () -> "ready".equals(driver.findElement(By.tagName("body")).getAttribute("data-state")));
  }

  private static String stat(String metric) {
    return driver.findElement(By.cssSelector("#stat-" + metric + " .value")).getAttribute("data-raw");
  }

  /** The rows of a panel: value → the texts of its metric cells. */
  private static Map<String, List<String>> rows(String panel) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (WebElement row : driver.findElements(By.cssSelector(".panel[data-panel='" + panel + "'] .row:not(.head)"))) {
      out.put(row.getAttribute("data-value"), row.findElements(By.cssSelector(".num")).stream().map(WebElement::getText).toList());
    }
    return out;
  }

  @Test
  @Order(1)
  void loggingInOpensTheDashboardAndTheTopStatsAreWhatWasSent() throws Exception {
    driver.get(base() + "/?period=7d");
    await("the login page", () -> driver.getCurrentUrl().contains("/login"));
    driver.findElement(By.id("email")).sendKeys("admin@localhost");
    driver.findElement(By.id("password")).sendKeys(server.dashboardPassword());
    driver.findElement(By.id("login")).click();
    await("the dashboard", () -> !driver.getCurrentUrl().contains("/login"));
    assertTrue(driver.getCurrentUrl().endsWith("/?period=7d"), driver.getCurrentUrl());
    ready();
    // computed from VISITS: 3 visitors in 3 visits, 6 pageviews, 2 views per visit, one bounce (the single /pricing view),
    // durations 60 s, 0 s and 90 s (a mean of 50 s)
    int pageviews = VISITS.stream().mapToInt(v -> v.pages().size()).sum();
    long bounces = VISITS.stream().filter(v -> v.pages().size() == 1).count();
    long durations = VISITS.stream().mapToLong(v -> v.pages().get(v.pages().size() - 1).getValue()).sum();
    assertEquals(String.valueOf(VISITS.size()), stat("visitors"));
    assertEquals(String.valueOf(VISITS.size()), stat("sessions"));
    assertEquals(String.valueOf(pageviews), stat("pageviews"));
    assertEquals(String.valueOf(pageviews / VISITS.size()), stat("views_per_visit"));
    assertEquals(String.valueOf(Math.round(100.0 * bounces / VISITS.size())), stat("bounce_rate"));
    assertEquals(String.valueOf(durations / VISITS.size()), stat("avg_duration"));
    assertEquals("50s", driver.findElement(By.cssSelector("#stat-avg_duration .value")).getText());
    assertEquals(Map.of("Google", List.of("2"), "", List.of("1")), rows("sources"));
    assertEquals(Map.of("/", List.of("2", "3"), "/pricing", List.of("2", "2"), "/about", List.of("1", "1")), rows("pages"));
    assertEquals(2, ((Number) ((JavascriptExecutor) driver).executeScript(
        "return document.querySelectorAll('#graph canvas').length + document.querySelectorAll('#graph .u-over').length")).intValue(),
        "uPlot drew the main graph");
    screenshot();
  }

  private static void screenshot() throws Exception {
    Path target = Path.of("target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  /**
   * The funnel panel: each step's visitors and conversion as computed here from VISITS (sequential: a visit reaches
   * step k when its pages hold the steps' pages in order).
   */
  @Test
  @Order(2)
  void theFunnelPanelShowsEachStepsVisitorsAndConversion() throws Exception {
    await("the funnel panel", () -> !rows("funnel").isEmpty());
    Map<String, List<String>> expected = new LinkedHashMap<>();
    long first = -1;
    for (int k = 0; k < FUNNEL.size(); k++) {
      int steps = k + 1;
      long reached = VISITS.stream().filter(v -> {
        int next = 0;
        for (Map.Entry<String, Integer> page : v.pages()) {
          if (next < steps && page.getKey().equals(FUNNEL.get(next)[1])) {
            next++;
          }
        }
        return next == steps;
      }).count();
      first = first < 0 ? reached : first;
      String rate = java.math.BigDecimal.valueOf(100 * reached).divide(java.math.BigDecimal.valueOf(first), 2, java.math.RoundingMode.HALF_UP)
          .stripTrailingZeros().toPlainString();
      expected.put(FUNNEL.get(k)[0], List.of(String.valueOf(reached), rate + "%"));
    }
    assertEquals(List.of("2", "100%"), expected.get("Home"), "two visits open the home page");
    assertEquals(expected, rows("funnel"));
  }

  @Test
  @Order(3)
  void clickingASourceFiltersThePageAndTheFilterIsKeptInTheUrl() throws Exception {
    driver.findElement(By.cssSelector(".panel[data-panel='sources'] .row[data-value='Google']")).click();
    await("the source filter", () -> driver.getCurrentUrl().contains("f=source%3AGoogle"));
    ready();
    assertEquals(List.of("Source is Google ×"), driver.findElements(By.cssSelector(".chip")).stream().map(WebElement::getText).toList());
    assertEquals("2", stat("visitors"));
    assertEquals("3", stat("pageviews"));
    // the Google visitors: /pricing twice (two visitors), / once
    assertEquals(Map.of("/pricing", List.of("2", "2"), "/", List.of("1", "1")), rows("pages"));
  }

  @Test
  @Order(4)
  void aBookmarkedUrlWithAFilterOpensFilteredAndAChipRemovesTheFilter() throws Exception {
    driver.get(base() + "/?period=7d&f=" + URLEncoder.encode("page:/about", StandardCharsets.UTF_8));
    ready();
    assertEquals("1", stat("visitors"));
    assertEquals("1", stat("pageviews"));
    assertEquals(Map.of("/about", List.of("1", "1")), rows("pages"));
    driver.findElement(By.cssSelector(".chip")).click();
    await("the filter's removal", () -> !driver.getCurrentUrl().contains("f="));
    ready();
    assertEquals("3", stat("visitors"));
  }

  @Test
  @Order(5)
  void thePeriodPickerChangesTheRangeAndTheUrl() throws Exception {
    driver.findElement(By.cssSelector("#period option[value='12m']")).click();
    await("the 12-month period", () -> driver.getCurrentUrl().contains("period=12m"));
    ready();
    assertEquals("3", stat("visitors"));
    assertEquals("month", driver.findElement(By.id("interval")).getAttribute("value"));
    // a custom range that ends before the visits: nothing, and the page says what to do next
    driver.findElement(By.cssSelector("#period option[value='custom']")).click();
    ((JavascriptExecutor) driver).executeScript("document.getElementById('from').value='2020-01-01';document.getElementById('to').value='2020-01-31'");
    driver.findElement(By.id("apply")).click();
    await("the custom period", () -> driver.getCurrentUrl().contains("from=2020-01-01"));
    ready();
    assertEquals("0", stat("visitors"));
    assertTrue(driver.findElement(By.id("snippet")).getText().contains("data-domain=\"localhost\""));
    driver.get(base() + "/?period=7d");
    ready();
  }

  @Test
  @Order(6)
  void theRealtimeCounterRisesAfterABeacon() throws Exception {
    await("the realtime stream", () -> driver.findElement(By.id("current")).getText().equals("0"));
    send("203.0.113.9", new JsonObject().put("url", "https://localhost/live"));
    await("the realtime counter to rise", () -> driver.findElement(By.id("current")).getText().equals("1"));
  }

  @Test
  @Order(7)
  void aSharedLinkOpensWithoutLoginAndStopsWorkingWhenRevoked() throws Exception {
    driver.findElement(By.id("share-name")).sendKeys("the team");
    driver.findElement(By.id("share-create")).click();
    await("the new shared link", () -> !driver.findElements(By.id("share-url")).isEmpty());
    String url = driver.findElement(By.id("share-url")).getAttribute("href");
    String token = url.substring(url.lastIndexOf('/') + 1);
    driver.manage().deleteAllCookies();
    assertEquals(401, server.get("/dashboard/api/me").statusCode());
    server.foldRollups(); // the realtime beacon, into the rollups the page reads
    driver.get(url + "?period=7d");
    ((JavascriptExecutor) driver).executeScript("window.__errors = []; window.addEventListener('error', e => window.__errors.push(e.message));"
        + "window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));");
    ready();
    assertEquals("4", stat("visitors"), "the three visits and the realtime beacon");
    assertTrue(driver.findElements(By.id("logout")).isEmpty());

    // the owner revokes it (through the API, logged in from this test), and the link is dead
    String form = "email=admin%40localhost&password=" + URLEncoder.encode(server.dashboardPassword(), StandardCharsets.UTF_8);
    HttpResponse<String> login = server.send("POST", "/login", form, "Content-Type", "application/x-www-form-urlencoded");
    String cookie = login.headers().allValues("Set-Cookie").get(0).split(";")[0];
    JsonObject me = new JsonObject(server.get("/dashboard/api/me", "Cookie", cookie).body());
    int site = me.getJsonArray("sites").getJsonObject(0).getInteger("id");
    JsonObject links = new JsonObject(server.get("/dashboard/api/sites/" + site + "/shares", "Cookie", cookie).body());
    int id = links.getJsonArray("links").getJsonObject(0).getInteger("id");
    assertEquals(204, server.send("DELETE", "/dashboard/api/sites/" + site + "/shares/" + id, null, "Cookie", cookie,
        "X-CSRF-Token", me.getString("csrf")).statusCode());
    driver.get(url);
    assertFalse(driver.findElements(By.id("gone")).isEmpty(), driver.getPageSource());
    assertEquals(404, server.send("POST", "/share/" + token + "/api/sites/" + site + "/query", "{}", "Content-Type", "application/json").statusCode());
  }
}
