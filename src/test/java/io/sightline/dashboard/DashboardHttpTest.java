package io.sightline.dashboard;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's HTTP surface without a browser: access, login, its limits, cross-site refusals, shared links, assets. */
@Tag("integration")
class DashboardHttpTest {
  private static final int PER_ACCOUNT = 5;
  private static final int PER_ADDRESS = 6;
  private static RunningServer server;
  private static int localhost;
  private static int other;
  private static String adminCookie;

  @BeforeAll
  static void start() {
    server = RunningServer.start("dashboard.loginAttemptsPerAccountPerMinute", String.valueOf(PER_ACCOUNT),
        "dashboard.loginAttemptsPerAddressPerMinute", String.valueOf(PER_ADDRESS));
    localhost = new JsonObject(admin("GET", "/admin/v1/sites/localhost", null).body()).getInteger("id");
    other = new JsonObject(admin("POST", "/admin/v1/sites", "{\"domain\":\"other.example\",\"timezone\":\"Europe/Berlin\"}").body()).getInteger("id");
    HttpResponse<String> viewer = admin("POST", "/admin/v1/users",
        "{\"email\":\"Viewer@Example.com\",\"password\":\"viewer-password-1\",\"sites\":{\"localhost\":\"viewer\"}}");
    assertEquals(201, viewer.statusCode(), viewer.body());
    assertEquals("viewer@example.com", new JsonObject(viewer.body()).getString("email"));
    assertFalse(new JsonObject(viewer.body()).containsKey("password"), "a given password is not echoed");
    adminCookie = session(login("admin@localhost", server.dashboardPassword(), "198.51.100.1"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> admin(String method, String path, String body) {
    return server.send(method, path, body, "Authorization", "Bearer " + server.adminKey(), "Content-Type", "application/json");
  }

  /** Logs in from the given client address (the server trusts loopback proxies' X-Forwarded-For). */
  private static HttpResponse<String> login(String email, String password, String address) {
    String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return server.send("POST", "/login", form, "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", address);
  }

  private static String session(HttpResponse<String> login) {
    assertEquals(303, login.statusCode(), login.body());
    String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sl_session=")).findFirst().orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static HttpResponse<String> query(String cookie, int site, String body) {
    return server.send("POST", "/dashboard/api/sites/" + site + "/query", body, "Cookie", cookie, "Content-Type", "application/json");
  }

  @Test
  void aLoggedOutRequestForDashboardDataIs401AndThePageSendsToTheLogin() {
    assertEquals(401, server.get("/dashboard/api/me").statusCode());
    assertEquals(401, query("sl_session=" + "x".repeat(43), localhost, "{}").statusCode());
    assertEquals(401, server.get("/dashboard/api/sites/" + localhost + "/realtime").statusCode());
    HttpResponse<String> page = server.get("/?period=7d&f=source:Google");
    assertEquals(303, page.statusCode());
    assertEquals("login?next=" + URLEncoder.encode("./?period=7d&f=source:Google", StandardCharsets.UTF_8), page.headers().firstValue("Location").orElseThrow());
    assertEquals(200, server.get("/login").statusCode());
  }

  @Test
  void aLoginSetsAnHttpOnlySameSiteCookieAndLoggingOutEndsTheSession() {
    JsonObject first = new JsonObject(server.get("/dashboard/api/me", "Cookie", adminCookie).body());
    assertEquals("admin@localhost", first.getString("email"));
    assertEquals(List.of("localhost"), first.getJsonArray("sites").stream().map(s -> ((JsonObject) s).getString("domain")).toList());
    assertEquals("owner", first.getJsonArray("sites").getJsonObject(0).getString("role"), "the first start's account owns the first site");

    HttpResponse<String> login = login("viewer@example.com", "viewer-password-1", "198.51.100.5");
    String setCookie = login.headers().allValues("Set-Cookie").get(0).toLowerCase(java.util.Locale.ROOT);
    assertTrue(setCookie.contains("httponly") && setCookie.contains("samesite=lax") && !setCookie.contains("secure"), setCookie);
    assertEquals("./", login.headers().firstValue("Location").orElseThrow());
    String cookie = session(login);
    JsonObject me = new JsonObject(server.get("/dashboard/api/me", "Cookie", cookie).body());
    assertEquals("viewer", me.getJsonArray("sites").getJsonObject(0).getString("role"));
    HttpResponse<String> page = server.get("/", "Cookie", cookie);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("type=\"module\""), page.body());

    assertEquals(403, server.send("POST", "/logout", "csrf=wrong", "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded").statusCode());
    HttpResponse<String> out = server.send("POST", "/logout", "csrf=" + me.getString("csrf"), "Cookie", cookie,
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, out.statusCode());
    assertEquals(401, server.get("/dashboard/api/me", "Cookie", cookie).statusCode());
  }

  @Test
  void anExpiredSessionIsLoggedOut() {
    String cookie = session(login("viewer@example.com", "viewer-password-1", "198.51.100.8"));
    assertEquals(200, server.get("/dashboard/api/me", "Cookie", cookie).statusCode());
    server.sql("update account_sessions set expires_at = now() - interval '1 second' where token_hash = sha256(convert_to($1, 'UTF8'))",
        cookie.substring(cookie.indexOf('=') + 1));
    assertEquals(401, server.get("/dashboard/api/me", "Cookie", cookie).statusCode());
    assertEquals("login", server.get("/", "Cookie", cookie).headers().firstValue("Location").orElseThrow());
  }

  @Test
  void overHttpsTheCookieIsSecureAndTheNextPageStaysOnTheDashboard() {
    String form = "email=viewer%40example.com&password=viewer-password-1&next=" + URLEncoder.encode("https://evil.example/", StandardCharsets.UTF_8);
    HttpResponse<String> login = server.send("POST", "/login", form, "Content-Type", "application/x-www-form-urlencoded",
        "X-Forwarded-Proto", "https", "X-Forwarded-For", "198.51.100.9");
    assertEquals(303, login.statusCode(), login.body());
    assertTrue(login.headers().allValues("Set-Cookie").get(0).toLowerCase(java.util.Locale.ROOT).contains("secure"));
    assertEquals("./", login.headers().firstValue("Location").orElseThrow(), "only a page of the dashboard itself");
  }

  @Test
  void aViewerSeesItsSiteButAnotherSiteIs403AndSharingIsForOwners() {
    String cookie = session(login("viewer@example.com", "viewer-password-1", "198.51.100.2"));
    assertEquals(200, query(cookie, localhost, "{\"metrics\":[\"visitors\"],\"period\":\"7d\"}").statusCode());
    HttpResponse<String> forbidden = query(cookie, other, "{\"metrics\":[\"visitors\"],\"period\":\"7d\"}");
    assertEquals(403, forbidden.statusCode(), forbidden.body());
    assertEquals("forbidden", new JsonObject(forbidden.body()).getString("error"));
    assertEquals(403, server.get("/dashboard/api/sites/" + other + "/realtime", "Cookie", cookie).statusCode());
    assertEquals(403, server.get("/dashboard/api/sites/" + localhost + "/shares", "Cookie", cookie).statusCode());
    HttpResponse<String> bad = query(cookie, localhost, "{\"metrics\":[\"nonsense\"]}");
    assertEquals(400, bad.statusCode(), "the query API's own validation: " + bad.body());
  }

  @Test
  void crossSiteFormsAndWritesWithoutTheCsrfTokenAreRefused() {
    HttpResponse<String> evil = server.send("POST", "/login", "email=admin%40localhost&password=x", "Content-Type", "application/x-www-form-urlencoded",
        "Origin", "https://evil.example");
    assertEquals(403, evil.statusCode());
    String cookie = adminCookie;
    HttpResponse<String> noToken = server.send("POST", "/dashboard/api/sites/" + localhost + "/shares", "{}", "Cookie", cookie,
        "Content-Type", "application/json");
    assertEquals(403, noToken.statusCode(), noToken.body());
  }

  @Test
  void loginAttemptsAreLimitedPerAccountAndPerAddress() throws Exception {
    awayFromAMinuteBoundary();
    // per account, each attempt from another address: the right password is refused once the account's window is full
    for (int i = 0; i < PER_ACCOUNT; i++) {
      assertEquals(401, login("limited@example.com", "wrong password", "203.0.113." + (10 + i)).statusCode());
    }
    HttpResponse<String> limited = login("limited@example.com", "whatever-else", "203.0.113.50");
    assertEquals(429, limited.statusCode());
    assertTrue(limited.headers().firstValue("Retry-After").isPresent());
    // per address, each attempt on another account
    for (int i = 0; i < PER_ADDRESS; i++) {
      assertEquals(401, login("nobody" + i + "@example.com", "wrong password", "192.0.2.77").statusCode());
    }
    assertEquals(429, login("admin@localhost", server.dashboardPassword(), "192.0.2.77").statusCode());
    assertEquals(303, login("admin@localhost", server.dashboardPassword(), "192.0.2.78").statusCode(), "another address still logs in");
  }

  /** The limits count in windows aligned to the minute: start a sequence with at least 10 s of the window left. */
  private static void awayFromAMinuteBoundary() throws InterruptedException {
    long left = 60_000 - System.currentTimeMillis() % 60_000;
    if (left < 10_000) {
      Thread.sleep(left + 50);
    }
  }

  @Test
  void aPasswordProtectedSharedLinkAsksForItsPasswordAndARevokedOneIsGone() {
    String cookie = adminCookie;
    String csrf = new JsonObject(server.get("/dashboard/api/me", "Cookie", cookie).body()).getString("csrf");
    HttpResponse<String> created = server.send("POST", "/dashboard/api/sites/" + localhost + "/shares",
        "{\"name\":\"board\",\"password\":\"share-password-1\"}", "Cookie", cookie, "Content-Type", "application/json", "X-CSRF-Token", csrf);
    assertEquals(201, created.statusCode(), created.body());
    JsonObject link = new JsonObject(created.body());
    String token = link.getString("token");
    assertTrue(link.getBoolean("password_protected"));
    assertEquals(401, server.send("POST", "/share/" + token + "/api/sites/" + localhost + "/query", "{}", "Content-Type", "application/json").statusCode());
    assertTrue(server.get("/share/" + token).body().contains("type=\"password\""));
    assertEquals(401, server.send("POST", "/share/" + token, "password=nope", "Content-Type", "application/x-www-form-urlencoded").statusCode());
    HttpResponse<String> admitted = server.send("POST", "/share/" + token, "password=share-password-1", "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, admitted.statusCode());
    String grant = admitted.headers().allValues("Set-Cookie").get(0);
    grant = grant.substring(0, grant.indexOf(';'));
    HttpResponse<String> answer = server.send("POST", "/share/" + token + "/api/sites/" + localhost + "/query", "{\"metrics\":[\"visitors\"]}", "Cookie", grant,
        "Content-Type", "application/json");
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(403, server.send("POST", "/share/" + token + "/api/sites/" + other + "/query", "{}", "Cookie", grant,
        "Content-Type", "application/json").statusCode(), "a link shows its own site only");

    assertEquals(204, server.send("DELETE", "/dashboard/api/sites/" + localhost + "/shares/" + link.getInteger("id"), null, "Cookie", cookie,
        "X-CSRF-Token", csrf).statusCode());
    assertEquals(404, server.send("POST", "/share/" + token + "/api/sites/" + localhost + "/query", "{}", "Cookie", grant, "Content-Type", "application/json").statusCode());
    assertEquals(404, server.get("/share/" + token).statusCode());
  }

  @Test
  void anAccountMadeWithTheUsersCliLogsInAndSeesTheSiteItWasGiven() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int code = io.sightline.cli.SightlineCommand.create(java.util.Map.of(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .execute("users", "create", "Cli@Example.com", "--site", "other.example", "--role", "owner", "--database-url", server.db.url());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    String[] lines = printed.strip().split("\\R");
    String password = lines[lines.length - 1];
    assertEquals(16, password.length(), printed);
    String cookie = session(login("cli@example.com", password, "198.51.100.6"));
    JsonObject me = new JsonObject(server.get("/dashboard/api/me", "Cookie", cookie).body());
    assertEquals("other.example", me.getJsonArray("sites").getJsonObject(0).getString("domain"));
    assertEquals("owner", me.getJsonArray("sites").getJsonObject(0).getString("role"));
    assertEquals(403, query(cookie, localhost, "{}").statusCode());
  }

  @Test
  void theOverviewListsEverySiteOfTheAccountByVisitorsWithItsTrend() {
    HttpResponse<String> created = admin("POST", "/admin/v1/users",
        "{\"email\":\"overview@example.com\",\"password\":\"overview-password\",\"sites\":{\"localhost\":\"viewer\",\"other.example\":\"viewer\"}}");
    assertEquals(201, created.statusCode(), created.body());
    String ts = java.time.Instant.now().minus(java.time.Duration.ofMinutes(40)).toString();
    // other.example: two visitors (three pageviews); localhost: one visitor
    String[][] beacons = {{"other.example", "192.0.2.10"}, {"other.example", "192.0.2.10"}, {"other.example", "192.0.2.11"}, {"localhost", "192.0.2.12"}};
    for (String[] b : beacons) {
      JsonObject event = new JsonObject().put("name", "pageview").put("url", "https://" + b[0] + "/overview").put("domain", b[0])
          .put("timestamp", ts);
      HttpResponse<String> r = server.send("POST", "/api/event", event.encode(), "Content-Type", "application/json", "X-Forwarded-For", b[1],
          "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36");
      assertTrue(r.statusCode() == 202 || r.statusCode() == 200, r.body());
    }
    String cookie = session(login("overview@example.com", "overview-password", "198.51.100.7"));
    HttpResponse<String> answer = server.get("/dashboard/api/overview?period=7d", "Cookie", cookie);
    assertEquals(200, answer.statusCode(), answer.body());
    var sites = new JsonObject(answer.body()).getJsonArray("sites");
    assertEquals(List.of("other.example", "localhost"), sites.stream().map(x -> ((JsonObject) x).getString("domain")).toList());
    assertEquals(2, sites.getJsonObject(0).getInteger("visitors"));
    assertEquals(3, sites.getJsonObject(0).getInteger("pageviews"));
    assertTrue(sites.getJsonObject(1).getInteger("visitors") >= 1, "localhost has this beacon, and other tests' visits");
    assertEquals(7, sites.getJsonObject(0).getJsonArray("trend").size(), "one value per day of the 7");
    assertEquals(2, sites.getJsonObject(0).getJsonArray("trend").stream().mapToInt(v -> ((Number) v).intValue()).sum(),
        "each visitor on one day");
    assertEquals(400, server.get("/dashboard/api/overview?period=forever", "Cookie", cookie).statusCode());
  }

  @Test
  void assetsAreFingerprintedAndCachedForever() {
    HttpResponse<String> login = server.get("/login");
    Matcher m = Pattern.compile("href=\"\\./(assets/[0-9a-f]{16}/)dashboard\\.css\"").matcher(login.body());
    assertTrue(m.find(), login.body());
    HttpResponse<String> js = server.get("/" + m.group(1) + "uPlot.esm.js");
    assertEquals(200, js.statusCode());
    assertEquals("public, max-age=31536000, immutable", js.headers().firstValue("Cache-Control").orElseThrow());
    assertTrue(js.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
    assertNotNull(js.body());
    assertEquals(404, server.get("/assets/0000000000000000/dashboard.js").statusCode());
  }
}
