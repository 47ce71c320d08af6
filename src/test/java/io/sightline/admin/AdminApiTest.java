package io.sightline.admin;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    JsonObject revoked = call("DELETE", "/admin/v1/sites/" + id + "/keys/" + created.getString("prefix"), null, 200);
    assertTrue(revoked.getString("revoked_at") != null);
    assertEquals(0, call("GET", "/admin/v1/sites/" + id + "/keys", null, 200).getJsonArray("keys").size());
    assertEquals(1, call("GET", "/admin/v1/sites/" + id + "/keys?include_revoked=true", null, 200).getJsonArray("keys").size());
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
