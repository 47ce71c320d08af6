package io.sightline.admin;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class AdminApiTest {
  private static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start("http.maxBodyBytes", "4096");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void firstStartCreatedTheBootstrapSiteAndPrintedItsKeysAndSnippet() {
    JsonArray sites = call("GET", "/admin/v1/sites", null, 200).getJsonArray("sites");
    assertEquals("localhost", sites.getJsonObject(0).getString("domain"));
    assertTrue(server.banner.contains("<script defer data-domain=\"localhost\" src=\"" + server.base().replace("127.0.0.1", "localhost")
        + "/js/sightline.js\"></script>"), server.banner);
  }

  @Test
  void managesASiteAndItsKeysEndToEnd() {
    JsonObject site = call("POST", "/admin/v1/sites", "{\"domain\":\"Blog.Example.org\",\"name\":\"Blog\",\"timezone\":\"Asia/Kolkata\"}", 201);
    assertEquals("blog.example.org", site.getString("domain"));
    assertEquals("Blog", site.getString("name"));
    assertEquals("Asia/Kolkata", site.getString("timezone"));
    int id = site.getInteger("id");
    assertEquals(site, call("GET", "/admin/v1/sites/blog.example.org", null, 200));
    assertEquals(site, call("GET", "/admin/v1/sites/" + id, null, 200));

    JsonObject created = call("POST", "/admin/v1/sites/" + id + "/keys", "{\"name\":\"ingest server\",\"scopes\":[\"ingest\",\"read\"]}", 201);
    String key = created.getString("key");
    assertTrue(key.startsWith(created.getString("prefix") + "_"));
    assertEquals(new JsonArray(List.of("ingest", "read")), created.getJsonArray("scopes"));
    assertNull(created.getInteger("rate_limit_per_minute"));

    JsonArray keys = call("GET", "/admin/v1/sites/" + id + "/keys", null, 200).getJsonArray("keys");
    assertEquals(1, keys.size());
    assertFalse(keys.encode().contains(key), "listing never contains the key itself");
    assertEquals(created.getString("prefix"), keys.getJsonObject(0).getString("prefix"));
    String uuid = created.getString("uuid");
    assertEquals(uuid, java.util.UUID.fromString(uuid).toString(), "each key has a public UUID");
    assertEquals(uuid, keys.getJsonObject(0).getString("uuid"));
    JsonObject second = call("POST", "/admin/v1/sites/" + id + "/keys", "{\"name\":\"second\",\"scopes\":[\"read\"]}", 201);
    assertFalse(uuid.equals(second.getString("uuid")));
    assertEquals(second.getString("prefix"), call("DELETE", "/admin/v1/sites/" + id + "/keys/" + second.getString("uuid"), null, 200)
        .getString("prefix"), "a key is revoked by its UUID too");

    JsonObject revoked = call("DELETE", "/admin/v1/sites/" + id + "/keys/" + created.getString("prefix"), null, 200);
    assertTrue(revoked.getString("revoked_at") != null);
    assertEquals(0, call("GET", "/admin/v1/sites/" + id + "/keys", null, 200).getJsonArray("keys").size());
    assertEquals(2, call("GET", "/admin/v1/sites/" + id + "/keys?include_revoked=true", null, 200).getJsonArray("keys").size());
    call("DELETE", "/admin/v1/sites/" + id + "/keys/" + created.getString("prefix"), null, 404);

    assertEquals(204, server.send("DELETE", "/admin/v1/sites/" + id, null, "x-api-key", server.adminKey()).statusCode());
    call("GET", "/admin/v1/sites/" + id, null, 404);
  }

  @Test
  void answersBadInputWith4xxAndAJsonBody() {
    assertError("POST", "/admin/v1/sites", "{not json", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "[1,2]", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "{\"domain\":42}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "{\"domain\":\"http://x.com/\"}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "{\"domain\":\"<script>alert(1)</script>\"}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "{\"domain\":\"x.example\",\"timezone\":\"Moon/Base\"}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites", "{\"domain\":\"" + "a".repeat(5000) + ".com\"}", 413, "payload_too_large");
    assertError("POST", "/admin/v1/sites", "{\"domain\":\"localhost\"}", 409, "conflict");
    assertError("POST", "/admin/v1/sites/1/keys", "{\"name\":\"x\",\"scopes\":[\"superuser\"]}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites/1/keys", "{\"name\":\"x\",\"scopes\":\"read\"}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites/1/keys", "{\"name\":\"x\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":\"many\"}", 400, "invalid_request");
    assertError("POST", "/admin/v1/sites/1/keys", "{\"name\":\"x\",\"scopes\":[\"read\"],\"rate_limit_per_minute\":1.5}", 400, "invalid_request");
    assertError("GET", "/admin/v1/sites/999999", null, 404, "not_found");
    assertError("GET", "/admin/v1/sites/' or 1=1 --", null, 404, "not_found");
    assertError("GET", "/admin/v1/nothing-here", null, 404, "not_found");
    assertError("PATCH", "/admin/v1/sites", "{}", 405, "method_not_allowed");
  }

  @Test
  void managesTheGoalsOfASiteEndToEnd() {
    int id = call("POST", "/admin/v1/sites", "{\"domain\":\"goals.example\"}", 201).getInteger("id");
    assertEquals(new JsonObject().put("goals", new JsonArray()), call("GET", "/admin/v1/sites/goals.example/goals", null, 200));

    JsonObject signup = call("POST", "/admin/v1/sites/" + id + "/goals", "{\"name\":\"Signup\",\"type\":\"custom\",\"match\":\"Signup\"}", 201);
    JsonObject blog = call("POST", "/admin/v1/sites/goals.example/goals", "{\"name\":\" Blog \",\"type\":\"PAGEVIEW\",\"match\":\"/blog/*\"}", 201);
    JsonObject cta = call("POST", "/admin/v1/sites/goals.example/goals", "{\"name\":\"CTA\",\"type\":\"click\",\"match\":\"Start free trial\"}", 201);
    JsonObject forms = call("POST", "/admin/v1/sites/goals.example/goals", "{\"name\":\"Any form\",\"type\":\"form\",\"match\":\"*\"}", 201);
    assertEquals(goal(signup, "Signup", "custom", "Signup"), signup);
    assertEquals(goal(blog, "Blog", "pageview", "/blog/*"), blog);
    assertEquals(goal(cta, "CTA", "click", "Start free trial"), cta);
    assertEquals(goal(forms, "Any form", "form", "*"), forms);
    assertEquals(new JsonObject().put("goals", new JsonArray(List.of(signup, blog, cta, forms))),
        call("GET", "/admin/v1/sites/" + id + "/goals", null, 200));

    HttpResponse<String> deleted = server.send("DELETE", "/admin/v1/sites/" + id + "/goals/" + blog.getInteger("id"), null,
        "x-api-key", server.adminKey());
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals("", deleted.body());
    assertEquals(new JsonObject().put("goals", new JsonArray(List.of(signup, cta, forms))),
        call("GET", "/admin/v1/sites/goals.example/goals", null, 200));
    assertGoalError("DELETE", "/admin/v1/sites/" + id + "/goals/" + blog.getInteger("id"), null, 404, "not_found",
        "no goal " + blog.getInteger("id") + " on this site");

    assertEquals(204, server.send("DELETE", "/admin/v1/sites/" + id, null, "x-api-key", server.adminKey()).statusCode());
    assertEquals(0L, server.sql("select count(*) as n from goals where site_id = $1", id).iterator().next().getLong("n"),
        "a site's goals go with it");
  }

  @Test
  void storesSqlAndScriptTextInGoalsVerbatim() {
    call("POST", "/admin/v1/sites", "{\"domain\":\"verbatim.example\"}", 201);
    String sqlText = "'; drop table goals; --";
    String script = "<script>alert(\"x\")</script>";
    JsonObject body = new JsonObject().put("name", script).put("type", "click").put("match", sqlText);
    JsonObject created = call("POST", "/admin/v1/sites/verbatim.example/goals", body.encode(), 201);
    assertEquals(goal(created, script, "click", sqlText), created);
    JsonObject path = call("POST", "/admin/v1/sites/verbatim.example/goals",
        new JsonObject().put("name", "100% off").put("type", "pageview").put("match", "/sale/100%_off\\*").encode(), 201);
    assertEquals("/sale/100%_off\\*", path.getString("match"));
    io.vertx.sqlclient.Row row = server.sql("select name, type, match from goals where id = $1", created.getInteger("id")).iterator().next();
    assertEquals(List.of(script, "click", sqlText), List.of(row.getString("name"), row.getString("type"), row.getString("match")));
    assertEquals(new JsonArray(List.of(created, path)), call("GET", "/admin/v1/sites/verbatim.example/goals", null, 200).getJsonArray("goals"));
  }

  @Test
  void aGoalCanOnlyBeDeletedThroughItsOwnSite() {
    call("POST", "/admin/v1/sites", "{\"domain\":\"mine.example\"}", 201);
    call("POST", "/admin/v1/sites", "{\"domain\":\"theirs.example\"}", 201);
    JsonObject theirs = call("POST", "/admin/v1/sites/theirs.example/goals", "{\"name\":\"T\",\"type\":\"custom\",\"match\":\"t\"}", 201);
    int goalId = theirs.getInteger("id");
    assertGoalError("DELETE", "/admin/v1/sites/mine.example/goals/" + goalId, null, 404, "not_found", "no goal " + goalId + " on this site");
    assertEquals(new JsonArray(List.of(theirs)), call("GET", "/admin/v1/sites/theirs.example/goals", null, 200).getJsonArray("goals"));
    assertEquals(new JsonArray(), call("GET", "/admin/v1/sites/mine.example/goals", null, 200).getJsonArray("goals"));
  }

  @Test
  void answersEveryBadGoalRequestWithA4xxSayingWhatIsWrong() {
    call("POST", "/admin/v1/sites", "{\"domain\":\"bad-goals.example\"}", 201);
    String goals = "/admin/v1/sites/bad-goals.example/goals";
    String pathRule = "match of a pageview goal must be a path starting with / (* matches any characters), or * for any page";
    assertGoalError("POST", goals, "{not json", 400, "invalid_request", "Request body is not a valid JSON object");
    assertGoalError("POST", goals, "[1,2]", 400, "invalid_request", "Request body is not a valid JSON object");
    assertGoalError("POST", goals, "", 400, "invalid_request", "Request body must be a JSON object");
    assertGoalError("POST", goals, "null", 400, "invalid_request", "Request body must be a JSON object");
    assertGoalError("POST", goals, "{\"name\":42,\"type\":\"custom\",\"match\":\"x\"}", 400, "invalid_request", "name must be a string");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":[\"custom\"],\"match\":\"x\"}", 400, "invalid_request", "type must be a string");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"custom\",\"match\":{}}", 400, "invalid_request", "match must be a string");
    assertGoalError("POST", goals, "{\"type\":\"custom\",\"match\":\"x\"}", 400, "invalid_request", "name is required");
    assertGoalError("POST", goals, "{\"name\":\"\",\"type\":\"custom\",\"match\":\"x\"}", 400, "invalid_request", "name is required");
    assertGoalError("POST", goals, "{\"name\":\"" + "n".repeat(121) + "\",\"type\":\"custom\",\"match\":\"x\"}", 400, "invalid_request",
        "name must be at most 120 characters");
    assertGoalError("POST", goals, "{\"name\":\"a\\u0001b\",\"type\":\"custom\",\"match\":\"x\"}", 400, "invalid_request",
        "name must not contain control characters");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"match\":\"x\"}", 400, "invalid_request", "type is required (pageview, custom, click or form)");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"engagement\",\"match\":\"x\"}", 400, "invalid_request",
        "unknown goal type 'engagement' (known: pageview, custom, click, form)");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"custom\"}", 400, "invalid_request", "match is required");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"custom\",\"match\":\" \"}", 400, "invalid_request", "match is required");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"custom\",\"match\":\"" + "m".repeat(501) + "\"}", 400, "invalid_request",
        "match must be at most 500 characters");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"click\",\"match\":\"a\\u0000b\"}", 400, "invalid_request",
        "match must not contain control characters");
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"pageview\",\"match\":\"thank-you\"}", 400, "invalid_request", pathRule);
    assertGoalError("POST", goals, "{\"name\":\"x\",\"type\":\"pageview\",\"match\":\"https://bad-goals.example/\"}", 400,
        "invalid_request", pathRule);
    assertGoalError("POST", goals, "{\"name\":\"" + "n".repeat(5000) + "\"}", 413, "payload_too_large", "Request body too large");

    call("POST", goals, "{\"name\":\"Signup\",\"type\":\"custom\",\"match\":\"Signup\"}", 201);
    assertGoalError("POST", goals, "{\"name\":\"Signup\",\"type\":\"pageview\",\"match\":\"/signup\"}", 409, "conflict",
        "this site already has a goal named 'Signup'");

    assertGoalError("GET", "/admin/v1/sites/999999/goals", null, 404, "not_found", "no site 999999");
    assertGoalError("GET", "/admin/v1/sites/nowhere.example/goals", null, 404, "not_found", "no site nowhere.example");
    assertGoalError("POST", "/admin/v1/sites/nowhere.example/goals", "{\"name\":\"x\",\"type\":\"custom\",\"match\":\"x\"}", 404,
        "not_found", "no site nowhere.example");
    assertGoalError("DELETE", "/admin/v1/sites/nowhere.example/goals/1", null, 404, "not_found", "no site nowhere.example");
    assertGoalError("DELETE", goals + "/999999", null, 404, "not_found", "no goal 999999 on this site");
    assertGoalError("DELETE", goals + "/99999999999999", null, 404, "not_found", "no goal 99999999999999 on this site");
    assertGoalError("DELETE", goals + "/-1", null, 404, "not_found", "no goal -1 on this site");
    assertGoalError("DELETE", goals + "/abc", null, 404, "not_found", "no goal abc on this site");
    assertGoalError("PUT", goals, "{}", 405, "method_not_allowed", "Method not allowed");
    assertEquals(1, call("GET", goals, null, 200).getJsonArray("goals").size(), "nothing but the one good goal was stored");
  }

  @Test
  void goalRoutesNeedTheAdminScope() {
    HttpResponse<String> noKey = server.send("GET", "/admin/v1/sites/1/goals", null);
    assertEquals(401, noKey.statusCode(), noKey.body());
    HttpResponse<String> siteKey = server.send("POST", "/admin/v1/sites/1/goals", "{\"name\":\"x\",\"type\":\"custom\",\"match\":\"x\"}",
        "x-api-key", server.siteKey());
    assertEquals(403, siteKey.statusCode(), siteKey.body());
    assertEquals(0L, server.sql("select count(*) as n from goals where name = 'x' and site_id = 1").iterator().next().getLong("n"));
  }

  private static JsonObject goal(JsonObject created, String name, String type, String match) {
    assertTrue(created.getInteger("id") > 0, created.encode());
    assertTrue(java.time.Instant.parse(created.getString("created_at")).isAfter(java.time.Instant.now().minusSeconds(600)), created.encode());
    return new JsonObject().put("id", created.getInteger("id")).put("name", name).put("type", type).put("match", match)
        .put("created_at", created.getString("created_at"));
  }

  private void assertGoalError(String method, String path, String body, int status, String code, String message) {
    HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey());
    assertEquals(status, r.statusCode(), method + " " + path + " → " + r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), path);
    assertEquals(new JsonObject().put("error", code).put("message", message), new JsonObject(r.body()), method + " " + path);
  }

  private JsonObject call(String method, String path, String body, int expected) {
    HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey());
    assertEquals(expected, r.statusCode(), method + " " + path + " → " + r.body());
    return new JsonObject(r.body());
  }

  private void assertError(String method, String path, String body, int status, String code) {
    HttpResponse<String> r = server.send(method, path.replace(" ", "%20").replace("'", "%27"), body, "x-api-key", server.adminKey());
    assertEquals(status, r.statusCode(), method + " " + path + " → " + r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), path);
    JsonObject json = new JsonObject(r.body());
    assertEquals(code, json.getString("error"), r.body());
    assertFalse(json.getString("message").isBlank());
  }
}
