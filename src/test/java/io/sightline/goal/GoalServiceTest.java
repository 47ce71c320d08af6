package io.sightline.goal;

import io.sightline.db.MigrationRunner;
import io.sightline.http.ApiException;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.sightline.support.PgTestBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class GoalServiceTest extends PgTestBase {
  private SiteService sites;
  private GoalService goals;
  private Site site;

  @BeforeEach
  void setUp() {
    await(new MigrationRunner(pool, MigrationRunner.bundled()).migrate());
    sites = new SiteService(pool);
    goals = new GoalService(pool);
    site = await(sites.add("goals.example", null, "UTC"));
  }

  @Test
  void definesAGoalOfEveryTypeAndListsThemInTheOrderTheyWereDefined() {
    Goal signup = await(goals.create(site.id(), "Signup", GoalType.CUSTOM, "Signup"));
    Goal blog = await(goals.create(site.id(), "Read the blog", GoalType.PAGEVIEW, "/blog/*"));
    Goal cta = await(goals.create(site.id(), "Pricing CTA", GoalType.CLICK, "Start free trial"));
    Goal anyForm = await(goals.create(site.id(), "Any form", GoalType.FORM, "*"));

    assertEquals(new Goal(signup.id(), site.id(), "Signup", GoalType.CUSTOM, "Signup", signup.createdAt()), signup);
    assertEquals(new Goal(blog.id(), site.id(), "Read the blog", GoalType.PAGEVIEW, "/blog/*", blog.createdAt()), blog);
    assertEquals(new Goal(cta.id(), site.id(), "Pricing CTA", GoalType.CLICK, "Start free trial", cta.createdAt()), cta);
    assertEquals(new Goal(anyForm.id(), site.id(), "Any form", GoalType.FORM, "*", anyForm.createdAt()), anyForm);
    assertNotNull(signup.createdAt());
    assertTrue(signup.id() < blog.id() && blog.id() < cta.id() && cta.id() < anyForm.id());
    assertEquals(List.of(signup, blog, cta, anyForm), await(goals.list(site.id())));

    Row row = sql("select site_id, name, type, match from goals where id = " + blog.id()).iterator().next();
    assertEquals(List.of(site.id(), "Read the blog", "pageview", "/blog/*"),
        List.of(row.getInteger("site_id"), row.getString("name"), row.getString("type"), row.getString("match")));
  }

  @Test
  void showsAGoalInTheAdminApiShape() {
    Goal goal = await(goals.create(site.id(), "Thanks", GoalType.PAGEVIEW, "/thank-you"));
    assertEquals(new JsonObject().put("id", goal.id()).put("name", "Thanks").put("type", "pageview").put("match", "/thank-you")
        .put("created_at", goal.createdAt().toInstant().toString()), goal.toJson());
    assertEquals(new JsonObject().put("id", 7).put("name", "n").put("type", "custom").put("match", "m"),
        new Goal(7, 1, "n", GoalType.CUSTOM, "m").toJson());
  }

  @Test
  void storesSqlAndScriptTextVerbatimAndOnlyTrimsSurroundingWhitespace() {
    String sqlText = "'; drop table goals; --";
    String script = "<script>alert(\"x\")</script>";
    Goal a = await(goals.create(site.id(), script, GoalType.CUSTOM, sqlText));
    Goal b = await(goals.create(site.id(), "  Robert'); drop table sites;--  ", GoalType.CLICK, "  " + script + " "));
    Goal c = await(goals.create(site.id(), "Percent", GoalType.PAGEVIEW, "/100%_off\\*"));
    assertEquals(List.of(script, sqlText), List.of(a.name(), a.match()));
    assertEquals(List.of("Robert'); drop table sites;--", script), List.of(b.name(), b.match()));
    assertEquals("/100%_off\\*", c.match());
    List<String> stored = sql("select name || ' | ' || match as t from goals order by id").stream().map(r -> r.getString("t")).toList();
    assertEquals(List.of(script + " | " + sqlText, "Robert'); drop table sites;-- | " + script, "Percent | /100%_off\\*"), stored);
    assertEquals(1L, sql("select count(*) as n from sites").iterator().next().getLong("n"));
  }

  @Test
  void countsLengthsInCharactersAsPostgresDoes() {
    String emoji = "😀"; // one character, two UTF-16 units
    Goal longest = await(goals.create(site.id(), emoji.repeat(120), GoalType.CUSTOM, emoji.repeat(500)));
    assertEquals(240, longest.name().length());
    assertEquals(400, assertThrows(ApiException.class,
        () -> await(goals.create(site.id(), emoji.repeat(121), GoalType.CUSTOM, "x"))).status());
    assertEquals(400, assertThrows(ApiException.class,
        () -> await(goals.create(site.id(), "x", GoalType.CUSTOM, emoji.repeat(501)))).status());
  }

  @Test
  void refusesEachInvalidDefinitionWithA400SayingWhatIsWrong() {
    record Case(String name, GoalType type, String match, String message) {
    }
    String pathRule = "match of a pageview goal must be a path starting with / (* matches any characters), or * for any page";
    List<Case> cases = List.of(
        new Case(null, GoalType.CUSTOM, "x", "name is required"),
        new Case(" \t ", GoalType.CUSTOM, "x", "name is required"),
        new Case("a".repeat(121), GoalType.CUSTOM, "x", "name must be at most 120 characters"),
        new Case("line\nbreak", GoalType.CUSTOM, "x", "name must not contain control characters"),
        new Case("bell\u0007", GoalType.CUSTOM, "x", "name must not contain control characters"),
        new Case("x", null, "x", "type is required (pageview, custom, click or form)"),
        new Case("x", GoalType.CUSTOM, null, "match is required"),
        new Case("x", GoalType.CUSTOM, "   ", "match is required"),
        new Case("x", GoalType.CUSTOM, "a".repeat(501), "match must be at most 500 characters"),
        new Case("x", GoalType.CLICK, "nul\u0000inside", "match must not contain control characters"),
        new Case("x", GoalType.FORM, "tab\tinside", "match must not contain control characters"),
        new Case("x", GoalType.PAGEVIEW, "blog/*", pathRule),
        new Case("x", GoalType.PAGEVIEW, "https://goals.example/thanks", pathRule),
        new Case("x", GoalType.PAGEVIEW, "*/thanks", pathRule));
    for (Case c : cases) {
      ApiException e = assertThrows(ApiException.class, () -> await(goals.create(site.id(), c.name(), c.type(), c.match())), c.toString());
      assertEquals(400, e.status(), c.toString());
      assertEquals("invalid_request", e.code(), c.toString());
      assertEquals(c.message(), e.getMessage(), c.toString());
    }
    assertEquals(List.of(), await(goals.list(site.id())));
    assertEquals("a".repeat(120), await(goals.create(site.id(), "a".repeat(120), GoalType.CUSTOM, "b".repeat(500))).name());
    assertEquals("*", await(goals.create(site.id(), "Any page", GoalType.PAGEVIEW, "*")).match());
  }

  @Test
  void aNameIsUniqueWithinASiteOnly() {
    Site other = await(sites.add("other.example", null, "UTC"));
    await(goals.create(site.id(), "Signup", GoalType.CUSTOM, "Signup"));
    ApiException e = assertThrows(ApiException.class, () -> await(goals.create(site.id(), " Signup ", GoalType.PAGEVIEW, "/signup")));
    assertEquals(409, e.status());
    assertEquals("conflict", e.code());
    assertEquals("this site already has a goal named 'Signup'", e.getMessage());
    assertEquals("/signup", await(goals.create(other.id(), "Signup", GoalType.PAGEVIEW, "/signup")).match());
    assertEquals("signup", await(goals.create(site.id(), "signup", GoalType.CUSTOM, "signup")).name(), "names are case-sensitive");
    assertEquals(2, await(goals.list(site.id())).size());
    assertEquals(1, await(goals.list(other.id())).size());
  }

  @Test
  void aGoalForASiteThatDoesNotExistIs404() {
    ApiException e = assertThrows(ApiException.class, () -> await(goals.create(999_999, "x", GoalType.CUSTOM, "x")));
    assertEquals(404, e.status());
    assertEquals("no site with id 999999", e.getMessage());
    assertEquals(List.of(), await(goals.list(999_999)));
  }

  @Test
  void deletesAGoalOnlyThroughItsOwnSite() {
    Site other = await(sites.add("other.example", null, "UTC"));
    Goal mine = await(goals.create(site.id(), "Mine", GoalType.CUSTOM, "mine"));
    Goal theirs = await(goals.create(other.id(), "Theirs", GoalType.CUSTOM, "theirs"));

    assertFalse(await(goals.delete(site.id(), theirs.id())), "another site's goal");
    assertEquals(List.of(theirs), await(goals.list(other.id())));
    assertTrue(await(goals.delete(site.id(), mine.id())));
    assertFalse(await(goals.delete(site.id(), mine.id())), "already deleted");
    assertFalse(await(goals.delete(site.id(), 999_999)));
    assertEquals(List.of(), await(goals.list(site.id())));
    assertEquals(List.of(theirs), await(goals.list(other.id())));
  }

  @Test
  void removingASiteRemovesItsGoals() {
    Site other = await(sites.add("other.example", null, "UTC"));
    await(goals.create(site.id(), "a", GoalType.CUSTOM, "a"));
    await(goals.create(site.id(), "b", GoalType.FORM, "contact"));
    Goal kept = await(goals.create(other.id(), "a", GoalType.CUSTOM, "a"));
    assertTrue(await(sites.remove(site.id())));
    assertEquals(0L, sql("select count(*) as n from goals where site_id = " + site.id()).iterator().next().getLong("n"));
    assertEquals(List.of(kept), await(goals.list(other.id())));
  }

  @Test
  void theSchemaItselfRefusesUnknownTypesAndOutOfRangeTexts() {
    for (String values : List.of("'x', 'engagement', '/x'", "'', 'custom', 'x'", "repeat('n', 121), 'custom', 'x'",
        "'x', 'custom', ''", "'x', 'custom', repeat('m', 501)")) {
      PgException e = assertThrows(PgException.class,
          () -> sql("insert into goals (site_id, name, type, match) values (" + site.id() + ", " + values + ")"), values);
      assertEquals("23514", e.getSqlState(), values);
    }
  }
}
