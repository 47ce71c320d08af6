package io.sightline.cli;

import io.sightline.support.RunningServer;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class CliTest {
  private record Run(int code, String out, String err) {
  }

  private static Run cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SightlineCommand.create(env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run cli(TestDatabase db, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--database-url");
    all.add(db.url());
    return cli(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void aKeyCreatedWithTheCliAuthenticatesARequestToAProtectedRoute() {
    try (RunningServer server = RunningServer.start()) {
      Run added = cli(server.db, "sites", "add", "Shop.Example", "--name", "Shop", "--timezone", "Europe/Paris");
      assertEquals(0, added.code(), added.err());
      assertTrue(added.out().contains("shop.example (Shop, Europe/Paris)"), added.out());

      Run created = cli(server.db, "keys", "create", "--site", "shop.example", "--name", "ops", "--scopes", "admin,read");
      assertEquals(0, created.code(), created.err());
      Matcher m = Pattern.compile("(?m)^(sl_[0-9A-Za-z]{10}_[0-9A-Za-z]{32})$").matcher(created.out());
      assertTrue(m.find(), created.out());
      String key = m.group(1);
      Matcher uuid = Pattern.compile("public UUID[^:]*: ([0-9a-f-]{36})").matcher(created.out());
      assertTrue(uuid.find(), created.out());

      assertEquals(200, server.get("/admin/v1/sites", "Authorization", "Bearer " + key).statusCode());
      assertEquals(200, server.get("/admin/v1/sites", "x-api-key", key).statusCode());

      Run listed = cli(server.db, "keys", "list", "--site", "shop.example");
      assertEquals(0, listed.code(), listed.err());
      String prefix = key.substring(0, key.lastIndexOf('_'));
      assertTrue(listed.out().contains(prefix) && listed.out().contains("read,admin") && listed.out().contains("LAST USED"), listed.out());
      assertTrue(listed.out().contains("UUID") && listed.out().contains(uuid.group(1)), "the key's public UUID: " + listed.out());
      assertFalse(listed.out().contains(key), "a listing never shows the key");

      Run sites = cli(server.db, "sites", "list");
      assertTrue(sites.out().contains("localhost") && sites.out().contains("shop.example"), sites.out());

      Run revoked = cli(server.db, "keys", "revoke", "--site", "shop.example", prefix);
      assertEquals(0, revoked.code(), revoked.err());
      assertTrue(revoked.out().contains("Revoked key " + prefix), revoked.out());

      Run removed = cli(server.db, "sites", "remove", "shop.example", "--yes");
      assertEquals(0, removed.code(), removed.err());
      assertTrue(cli(server.db, "sites", "list").out().lines().noneMatch(l -> l.contains("shop.example")));
    }
  }

  @Test
  void rebuildsASitesRollupsFromItsRawEvents() {
    try (RunningServer server = RunningServer.start()) {
      String batch = "[{\"type\":\"pageview\",\"url\":\"https://localhost/a\"},{\"type\":\"pageview\",\"url\":\"https://localhost/b\"}]";
      assertEquals(200, server.send("POST", "/api/event/batch", batch, "x-api-key", server.siteKey(), "User-Agent",
          "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0").statusCode());
      // as after an upgrade: events stored, no rollups, coverage from tomorrow
      server.sql("delete from rollup_total");
      server.sql("delete from rollup_dim");
      server.sql("update rollup_coverage set since = now() + interval '1 day'");
      Run rebuilt = cli(server.db, "rollups", "rebuild", "localhost");
      assertEquals(0, rebuilt.code(), rebuilt.err());
      assertTrue(rebuilt.out().startsWith("Rebuilt rollups of site localhost from 2 events and 1 sessions: "), rebuilt.out());
      assertEquals(2L, server.sql("select sum(pageviews) from rollup_total").iterator().next().getLong(0));
      assertEquals(1L, server.sql("select count(*) from rollup_coverage where since = '-infinity'").iterator().next().getLong(0));
      Run unknown = cli(server.db, "rollups", "rebuild", "nowhere.example");
      assertEquals(SightlineCommand.EXIT_CONFIG, unknown.code());
      assertEquals("error: no site nowhere.example\n", unknown.err());
    }
  }

  @Test
  void definesListsAndRemovesGoalsOfASite() {
    TestDatabase db = TestPostgres.newDatabase();
    assertEquals(0, cli(db, "sites", "add", "goals.example").code());

    Run signup = cli(db, "goals", "add", "goals.example", "--name", "Signup", "--type", "custom", "--match", "Signup");
    assertEquals(0, signup.code(), signup.err());
    Matcher added = Pattern.compile("^Added goal (\\d+) to site (\\d+): Signup \\(custom Signup\\)\n$").matcher(signup.out());
    assertTrue(added.matches(), signup.out());
    int signupId = Integer.parseInt(added.group(1));
    String siteId = added.group(2);
    Run blog = cli(db, "goals", "add", siteId, "--name", "Read the blog", "--type", "pageview", "--match", "/blog/*");
    assertEquals(0, blog.code(), blog.err());
    int blogId = signupId + 1;
    assertEquals("Added goal " + blogId + " to site " + siteId + ": Read the blog (pageview /blog/*)\n", blog.out());
    Run sql = cli(db, "goals", "add", "goals.example", "--name", "Quote", "--type", "click", "--match", "'; drop table goals; --");
    assertEquals(0, sql.code(), sql.err());

    Run listed = cli(db, "goals", "list", "goals.example");
    assertEquals(0, listed.code(), listed.err());
    List<String> lines = listed.out().lines().toList();
    assertEquals(4, lines.size(), listed.out());
    assertTrue(lines.get(0).matches("ID\\s+NAME\\s+TYPE\\s+MATCH\\s+CREATED"), lines.get(0));
    String timestamp = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z";
    assertTrue(lines.get(1).matches(signupId + "\\s+Signup\\s+custom\\s+Signup\\s+" + timestamp), lines.get(1));
    assertTrue(lines.get(2).matches(blogId + "\\s+Read the blog\\s+pageview\\s+/blog/\\*\\s+" + timestamp), lines.get(2));
    assertTrue(lines.get(3).matches((blogId + 1) + "\\s+Quote\\s+click\\s+'; drop table goals; --\\s+" + timestamp), lines.get(3));
    int matchColumn = lines.get(0).indexOf("MATCH");
    int createdColumn = lines.get(0).indexOf("CREATED");
    List<String> matches = List.of("Signup", "/blog/*", "'; drop table goals; --");
    for (int i = 0; i < 3; i++) {
      assertTrue(lines.get(i + 1).startsWith(matches.get(i), matchColumn), "aligned: " + listed.out());
      assertTrue(lines.get(i + 1).substring(createdColumn).matches(timestamp), "aligned: " + listed.out());
    }

    Run removed = cli(db, "goals", "remove", "goals.example", Integer.toString(blogId));
    assertEquals(0, removed.code(), removed.err());
    assertEquals("Removed goal " + blogId + " from site goals.example.\n", removed.out());
    List<String> after = cli(db, "goals", "list", siteId).out().lines().toList();
    assertEquals(3, after.size(), after.toString());
    assertTrue(after.stream().noneMatch(l -> l.contains("Read the blog")), after.toString());

    Run again = cli(db, "goals", "remove", "goals.example", Integer.toString(blogId));
    assertEquals(SightlineCommand.EXIT_CONFIG, again.code());
    assertEquals("error: no goal " + blogId + " on site goals.example\n", again.err());
  }

  @Test
  void managesContentRulesAndAnalyticsViewsOfASite() {
    TestDatabase db = TestPostgres.newDatabase();
    assertEquals(0, cli(db, "sites", "add", "hub.example").code());
    Run rule = cli(db, "content-rules", "add", "hub.example", "--type", "blog-posts", "--pattern", "/blog/*", "--name", "Blog");
    assertEquals(0, rule.code(), rule.err());
    assertTrue(cli(db, "content-rules", "list", "hub.example").out().contains("/blog/*"));
    Run badType = cli(db, "content-rules", "add", "hub.example", "--type", "videos", "--pattern", "/v/*");
    assertEquals(1, badType.err().strip().lines().count(), badType.err());
    assertTrue(badType.code() != 0);
    Run view = cli(db, "analytics-views", "add", "hub.example", "--title", "Germany",
        "--filters", "[{\"prop\":\"country\",\"op\":\"EQ\",\"args\":[\"DE\"]}]");
    assertEquals(0, view.code(), view.err());
    assertTrue(cli(db, "analytics-views", "list", "hub.example").out().contains("Germany"));
    assertTrue(cli(db, "analytics-views", "add", "hub.example", "--title", "x", "--filters", "{").code() != 0);
    String viewId = view.out().replaceAll("(?s).*analytics view (\\d+).*", "$1");
    assertEquals(0, cli(db, "analytics-views", "remove", "hub.example", viewId).code());
    assertTrue(cli(db, "analytics-views", "remove", "hub.example", viewId).code() != 0);
    String ruleId = rule.out().replaceAll("(?s).*content rule (\\d+).*", "$1");
    assertEquals(0, cli(db, "content-rules", "remove", "hub.example", ruleId).code());
  }

  @Test
  void goalMistakesGiveOneClearLineAndANonZeroExit() {
    TestDatabase db = TestPostgres.newDatabase();
    assertEquals(0, cli(db, "sites", "add", "goals.example").code());
    assertEquals(0, cli(db, "goals", "add", "goals.example", "--name", "Signup", "--type", "custom", "--match", "Signup").code());

    Run badType = cli(db, "goals", "add", "goals.example", "--name", "x", "--type", "scroll", "--match", "x");
    assertEquals(SightlineCommand.EXIT_CONFIG, badType.code());
    assertEquals("error: unknown goal type 'scroll' (known: pageview, custom, click, form)\n", badType.err());

    Run badPath = cli(db, "goals", "add", "goals.example", "--name", "x", "--type", "pageview", "--match", "thanks");
    assertEquals(SightlineCommand.EXIT_CONFIG, badPath.code());
    assertEquals("error: match of a pageview goal must be a path starting with / (* matches any characters), or * for any page\n",
        badPath.err());

    Run duplicate = cli(db, "goals", "add", "goals.example", "--name", "Signup", "--type", "pageview", "--match", "/signup");
    assertEquals(SightlineCommand.EXIT_CONFIG, duplicate.code());
    assertEquals("error: this site already has a goal named 'Signup'\n", duplicate.err());

    Run noSite = cli(db, "goals", "list", "nowhere.example");
    assertEquals(SightlineCommand.EXIT_CONFIG, noSite.code());
    assertEquals("error: no site nowhere.example\n", noSite.err());

    Run notAnId = cli(db, "goals", "remove", "goals.example", "signup");
    assertEquals(2, notAnId.code());
    assertTrue(notAnId.err().startsWith("Invalid value for positional parameter at index 1 (GOAL_ID): 'signup' is not an int"), notAnId.err());

    Run missingMatch = cli(db, "goals", "add", "goals.example", "--name", "x", "--type", "custom");
    assertEquals(2, missingMatch.code());
    assertTrue(missingMatch.err().startsWith("Missing required option: '--match=<match>'"), missingMatch.err());
    for (Run r : List.of(badType, badPath, duplicate, noSite, notAnId, missingMatch)) {
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      assertEquals("", r.out());
    }
    assertEquals(2, cli(db, "goals", "list", "goals.example").out().lines().count(), "only the first goal was stored");
  }

  @Test
  void operatorMistakesGiveOneClearLineAndANonZeroExit() {
    TestDatabase db = TestPostgres.newDatabase();
    Run badScope = cli(db, "keys", "create", "--site", "1", "--name", "x", "--scopes", "root");
    assertEquals(SightlineCommand.EXIT_CONFIG, badScope.code());
    assertTrue(badScope.err().contains("unknown scope 'root'"), badScope.err());

    Run noSite = cli(db, "keys", "list", "--site", "nowhere.example");
    assertEquals(SightlineCommand.EXIT_CONFIG, noSite.code());
    assertTrue(noSite.err().contains("no site nowhere.example"), noSite.err());

    Run badZone = cli(db, "sites", "add", "x.example", "--timezone", "Nowhere/Land");
    assertEquals(SightlineCommand.EXIT_CONFIG, badZone.code());
    assertTrue(badZone.err().contains("IANA"), badZone.err());

    Run noConfirm = cli(db, "sites", "remove", "x.example");
    assertEquals(2, noConfirm.code());
    assertTrue(noConfirm.err().contains("--yes"), noConfirm.err());

    Run badSetting = cli(Map.of(), "sites", "list", "--set", "http.nope=1");
    assertEquals(SightlineCommand.EXIT_CONFIG, badSetting.code());
    assertTrue(badSetting.err().contains("unknown setting 'http.nope'"), badSetting.err());
    for (Run r : List.of(badScope, noSite, badZone, badSetting)) {
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
  }

  @Test
  void wrongCredentialsAndAnUnreachableServerAreExplainedWithoutAStackTrace() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    String wrongPassword = db.url().replace(":" + db.options().getPassword() + "@", ":wrong-password@");
    Run denied = cli(Map.of(), "sites", "list", "--database-url", wrongPassword);
    assertEquals(SightlineCommand.EXIT_FAILURE, denied.code());
    assertTrue(denied.err().contains("rejected the credentials for user '" + db.options().getUser() + "'"), denied.err());
    assertFalse(denied.err().contains("wrong-password"), "the password is not echoed");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Run unreachable = cli(Map.of("SIGHTLINE_DATABASE_URL", "postgresql://u:p@127.0.0.1:" + closedPort + "/x"), "sites", "list");
    assertEquals(SightlineCommand.EXIT_FAILURE, unreachable.code());
    assertTrue(unreachable.err().contains("Cannot connect to PostgreSQL at 127.0.0.1:" + closedPort), unreachable.err());

    Run missingDb = cli(Map.of(), "sites", "list", "--database-url", db.url().substring(0, db.url().lastIndexOf('/')) + "/no_such_db");
    assertEquals(SightlineCommand.EXIT_FAILURE, missingDb.code());
    assertTrue(missingDb.err().contains("has no database 'no_such_db'"), missingDb.err());
    for (Run r : List.of(denied, unreachable, missingDb)) {
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
  }

  @Test
  void optionsGivenBeforeTheCommandNameApplyToIt() throws Exception {
    TestDatabase db = TestPostgres.newDatabase();
    String wrongPassword = db.url().replace(":" + db.options().getPassword() + "@", ":wrong-password@");
    // before the command name: the wrong password is used (and refused), so the option was not ignored
    Run before = cli(Map.of(), "--database-url", wrongPassword, "sites", "list");
    assertEquals(SightlineCommand.EXIT_FAILURE, before.code(), before.out() + before.err());
    assertTrue(before.err().contains("rejected the credentials"), before.err());
    // after it, the command's own option wins over the one before
    Run after = cli(Map.of(), "--database-url", wrongPassword, "sites", "list", "--database-url", db.url());
    assertEquals(0, after.code(), after.err());
  }
}
