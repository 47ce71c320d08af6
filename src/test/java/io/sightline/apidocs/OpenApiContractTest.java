package io.sightline.apidocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.sightline.support.RunningServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Keeps the OpenAPI documents true. For every operation of every document (enumerated from the
 * document) it sends a real request built from the document's own examples to a running server on
 * a real database with seeded events, then one bad request per error the operation documents (no
 * key: 401; a key without the operation's scope: 403; a value the parameter's schema refuses or a
 * malformed body: 400/422; an unknown id: 404; the same creation twice: 409; an oversized body: 413;
 * a spent rate limit: 429). Each answer's status must be one the operation documents and its body
 * must validate against that response's schema; every documented status must have been seen
 * (except 503, the database outage, which other tests cover).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class OpenApiContractTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BASE = "https://sightline.test/openapi/";
  private static final Set<String> NOT_EXERCISED = Set.of("503");
  private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

  private static RunningServer server;
  private static final Map<String, String> keys = new HashMap<>();
  /** Values for path parameters that the seeding decides (operationId.parameter or parameter), over the documents' examples. */
  private static final Map<String, String> pathValues = new HashMap<>();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    server = RunningServer.start("http.maxBodyBytes", "65536");
    keys.put("all", server.adminKey());
    keys.put("ingest", key("ingest-only", "[\"ingest\"]", null));
    keys.put("read", key("read-only", "[\"read\"]", null));
    keys.put("admin", key("admin-only", "[\"admin\"]", null));
    keys.put("limited", key("limited", "[\"ingest\",\"read\",\"admin\"]", 1));
    Seed.events(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String key(String name, String scopes, Integer limit) {
    String body = "{\"name\":\"" + name + "\",\"scopes\":" + scopes + (limit == null ? "" : ",\"rate_limit_per_minute\":" + limit) + "}";
    HttpResponse<String> r = server.send("POST", "/admin/v1/sites/localhost/keys", body, "x-api-key", server.adminKey(),
        "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("key").asString();
  }

  @Test
  @Order(1)
  void theReferenceListsEveryDocumentAndServesSwaggerUi() {
    HttpResponse<String> page = server.get("/api/docs");
    assertEquals(200, page.statusCode());
    for (String name : ApiDocsRoutes.names()) {
      assertTrue(page.body().contains("/api/docs/" + name + ".json"), name);
      HttpResponse<String> doc = server.get("/api/docs/" + name + ".json");
      assertEquals(200, doc.statusCode(), name);
      assertEquals("3.1.0", JSON.readTree(doc.body()).get("openapi").asString(), name);
    }
    HttpResponse<String> bundle = server.get("/api/docs/ui/swagger-ui-bundle.js");
    assertEquals(200, bundle.statusCode());
    assertTrue(bundle.body().length() > 100_000);
    assertEquals(404, server.get("/api/docs/nothing.json").statusCode());
  }

  @Test
  @Order(2)
  void clickport() {
    check("clickport");
  }

  @Test
  @Order(3)
  void ingestion() {
    check("ingestion");
  }

  @Test
  @Order(4)
  void datalyr() {
    check("datalyr");
  }

  @Test
  @Order(5)
  void humblytics() {
    check("humblytics");
  }

  @Test
  @Order(6)
  void hubspot() {
    check("hubspot");
  }

  @Test
  @Order(7)
  void hum() {
    HttpResponse<String> list = server.send("GET", "/analytics/sessions", null, "x-api-key", server.siteKey());
    pathValues.put("getSession.id", JSON.readTree(list.body()).get("data").get(0).get("id").asString());
    check("hum");
  }

  @Test
  @Order(8)
  void admin() {
    check("admin");
  }

  // ---------------------------------------------------------------- the walk over one document

  private record Call(String method, String path, String body, String contentType, String key) {
  }

  private record Answer(int status, String contentType, String body) {
  }

  private final List<String> failures = new ArrayList<>();
  private SchemaRegistry schemas;

  private void check(String name) {
    List<String> problems = walk(name, resource("openapi/" + name + ".json"));
    assertTrue(problems.isEmpty(), name + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems));
  }

  /** Every operation of the document (its text), against the running server: the problems found. */
  private List<String> walk(String name, String text) {
    failures.clear();
    schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b.schemas(iri -> iri.equals(BASE + name + ".json") ? text : null));
    JsonNode doc = JSON.readTree(text);
    int operations = 0;
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
        operations++;
        checkOperation(name, doc, path.getKey(), method.getKey(), method.getValue());
      }
    }
    assertTrue(operations > 0, name + " has no operations");
    return List.copyOf(failures);
  }

  /** The walk is no test that cannot fail: a document that disagrees with the server in each way is caught. */
  @Test
  @Order(9)
  void theWalkCatchesADocumentThatDisagreesWithTheServer() {
    ObjectNode doc = (ObjectNode) JSON.readTree(resource("openapi/clickport.json"));
    ObjectNode paths = (ObjectNode) doc.get("paths");
    paths.retain("/api/pages", "/api/goals", "/api/countries");
    // a field of the wrong type
    ((ObjectNode) doc.at("/paths/~1api~1pages/get/responses/200/content/application~1json/schema/properties/results/items/properties/visitors"))
        .put("type", "string");
    // an answer the server gives that is not documented
    ((ObjectNode) doc.at("/paths/~1api~1goals/get/responses")).remove("403");
    // a documented answer the server never gives
    ((ObjectNode) doc.at("/paths/~1api~1countries/get/responses")).set("409", doc.at("/paths/~1api~1countries/get/responses/400"));
    // an operation the server does not have
    ObjectNode ghost = paths.putObject("/api/ghost").putObject("get");
    ghost.put("operationId", "ghost");
    ghost.putObject("responses").putObject("200").put("description", "OK");
    List<String> problems = walk("clickport", JSON.writeValueAsString(doc));
    String all = String.join("\n", problems);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("pages: 200 does not match its schema") && p.contains("visitors")), all);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("goals: answered 403, which the document does not describe")), all);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("countries: documented answers never exercised: [409]")), all);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("ghost: the documented example was answered 404")), all);
  }

  private void checkOperation(String docName, JsonNode doc, String template, String method, JsonNode op) {
    String id = op.get("operationId").asString();
    Set<String> documented = new TreeSet<>();
    op.get("responses").propertyNames().forEach(documented::add);
    Set<String> seen = new LinkedHashSet<>();
    List<String> scopes = scopes(op);
    boolean keyOptional = keyOptional(op);
    Special.prepare(id);
    Map<String, String> params = exampleParams(id, op);
    List<JsonNode> bodies = exampleBodies(op);

    // the good requests: every body example (or none), with a key that has every scope unless the example says not to
    for (JsonNode example : bodies.isEmpty() ? java.util.Collections.<JsonNode>singletonList(null) : bodies) {
      boolean withoutKey = example != null && example.has("x-sightline-without-key");
      String body = example == null ? null : JSON.writeValueAsString(example.has("value") ? example.get("value") : example);
      Answer a = send(id, new Call(method, url(template, op, params), body, "application/json", withoutKey ? null : keys.get("all")));
      record(docName, doc, id, op, a, seen);
      if (a.status >= 300) {
        failures.add(id + ": the documented example was answered " + a.status + ": " + a.body);
      }
    }
    Call good = new Call(method, url(template, op, params), bodies.isEmpty() ? null : bodyOf(bodies.get(0)), "application/json", keys.get("all"));
    // the bad requests: each sent whenever it applies to the operation, so that an answer the document forgot is seen;
    // the status it is made for is expected when the document lists it
    Map<String, Call> bad = Special.requests(id, good, keys);
    if (docName.equals("hubspot") && !template.endsWith("/exists") && !template.endsWith("/views")) {
      // more than 500 time points: a daily report over years
      bad.put("413", new Call("get", good.path.replace("/total?", "/daily?").replaceAll("start=[0-9-]+", "start=2020-01-01"), null, null, keys.get("all")));
    }
    if (!keyOptional) {
      bad.putIfAbsent("401", new Call(good.method, good.path, good.body, good.contentType, null));
    }
    if (!scopes.isEmpty()) {
      bad.putIfAbsent("403", new Call(good.method, good.path, good.body, good.contentType, keys.get(withoutScope(scopes.get(0)))));
    }
    String invalidStatus = documented.contains("422") ? "422" : "400";
    if (!bad.containsKey(invalidStatus)) {
      Call c = invalid(template, op, params, good);
      if (c != null) {
        bad.put(invalidStatus, c);
      } else if (documented.contains(invalidStatus)) {
        failures.add(id + ": documents " + invalidStatus + " but no parameter or body can be made invalid from its schema");
      }
    }
    if (!bad.containsKey("404")) {
      Call c = unknownId(template, op, params, good);
      if (c != null) {
        bad.put("404", c);
      } else if (documented.contains("404")) {
        failures.add(id + ": documents 404 but has no path parameter to make unknown");
      }
    }
    if (documented.contains("409") && !bad.containsKey("409")) {
      bad.put("409", good);
    }
    if (!bad.containsKey("413") && good.body != null) {
      bad.put("413", new Call(good.method, good.path, "[" + "\"x\",".repeat(40_000) + "\"x\"]", good.contentType, good.key));
    }
    for (Map.Entry<String, Call> e : bad.entrySet()) {
      Answer a = send(id, e.getValue());
      record(docName, doc, id, op, a, seen);
      if (documented.contains(e.getKey()) && !String.valueOf(a.status).equals(e.getKey())) {
        failures.add(id + ": a request made for " + e.getKey() + " was answered " + a.status + ": " + shorten(a.body));
      }
    }
    if (!keyOptional) {
      Call limited = new Call(good.method, good.path, good.body, good.contentType, keys.get("limited"));
      Answer a = send(id, limited);
      record(docName, doc, id, op, a, seen);
      if (a.status != 429) {
        a = send(id, limited); // the first request of a minute window is allowed
        record(docName, doc, id, op, a, seen);
      }
      if (documented.contains("429") && a.status != 429) {
        failures.add(id + ": a key with a spent limit was answered " + a.status);
      }
    }
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(seen);
    missing.removeAll(NOT_EXERCISED);
    if (!missing.isEmpty()) {
      failures.add(id + ": documented answers never exercised: " + missing);
    }
    if (keyOptional && !documented.contains("401") && scopes.isEmpty()) {
      failures.add(id + ": optional key without a 401");
    }
  }

  private static String bodyOf(JsonNode example) {
    return JSON.writeValueAsString(example.has("value") ? example.get("value") : example);
  }

  /** Checks one answer against the operation: a documented status, the documented media type, a body valid against its schema. */
  private void record(String docName, JsonNode doc, String id, JsonNode op, Answer a, Set<String> seen) {
    String status = String.valueOf(a.status);
    seen.add(status);
    JsonNode response = op.get("responses").get(status);
    if (response == null) {
      failures.add(id + ": answered " + status + ", which the document does not describe: " + shorten(a.body));
      return;
    }
    String pointer = "/paths/" + escape(pathOf(doc, op)) + "/" + methodOf(doc, op) + "/responses/" + status;
    if (response.has("$ref")) {
      String ref = response.get("$ref").asString();
      pointer = ref.substring(1);
      response = at(doc, pointer);
    }
    JsonNode content = response.get("content");
    if (content == null || content.isEmpty()) {
      if (a.body != null && !a.body.isEmpty()) {
        failures.add(id + ": " + status + " documents no body but one was sent: " + shorten(a.body));
      }
      return;
    }
    String media = a.contentType == null ? "" : a.contentType.split(";")[0].trim();
    if (!content.has(media)) {
      failures.add(id + ": " + status + " answered " + media + ", documented " + content.propertyNames());
      return;
    }
    JsonNode mediaNode = content.get(media);
    String schemaPointer = pointer + "/content/" + escape(media) + "/schema";
    JsonNode instance;
    if (media.equals("application/json")) {
      try {
        instance = JSON.readTree(a.body);
      } catch (RuntimeException e) {
        failures.add(id + ": " + status + " is not JSON: " + shorten(a.body));
        return;
      }
    } else if (media.equals("text/event-stream")) {
      // each event's data against the schema the document names for it
      schemaPointer = schemaPointer + "/x-sightline-event-schema";
      instance = JSON.readTree(a.body);
    } else {
      instance = StringNode.valueOf(a.body);
    }
    if (mediaNode.get("schema") == null) {
      failures.add(id + ": " + status + " has no schema");
      return;
    }
    Schema schema = schemas.getSchema(SchemaLocation.of(BASE + docName + ".json#" + encodeFragment(schemaPointer)));
    List<Error> errors = schema.validate(instance);
    if (!errors.isEmpty()) {
      failures.add(id + ": " + status + " does not match its schema: " + errors.stream().limit(5).map(Error::toString).toList()
          + " in " + shorten(a.body));
    }
  }

  private static JsonNode at(JsonNode doc, String pointer) {
    return doc.at(pointer);
  }

  private static String pathOf(JsonNode doc, JsonNode op) {
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> m : p.getValue().properties()) {
        if (m.getValue() == op) {
          return p.getKey();
        }
      }
    }
    throw new IllegalStateException();
  }

  private static String methodOf(JsonNode doc, JsonNode op) {
    for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> m : p.getValue().properties()) {
        if (m.getValue() == op) {
          return m.getKey();
        }
      }
    }
    throw new IllegalStateException();
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String encodeFragment(String pointer) {
    return pointer.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20");
  }

  // ---------------------------------------------------------------- building requests from the document

  private static List<String> scopes(JsonNode op) {
    List<String> out = new ArrayList<>();
    JsonNode security = op.get("security");
    if (security != null) {
      for (JsonNode alternative : security) {
        for (Map.Entry<String, JsonNode> scheme : alternative.properties()) {
          scheme.getValue().forEach(s -> {
            if (!out.contains(s.asString())) {
              out.add(s.asString());
            }
          });
        }
      }
    }
    return out;
  }

  private static boolean keyOptional(JsonNode op) {
    JsonNode security = op.get("security");
    if (security == null) {
      return true;
    }
    for (JsonNode alternative : security) {
      if (alternative.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** A key that lacks the scope but has the others a request needs to get that far. */
  private static String withoutScope(String scope) {
    return switch (scope) {
      case "read" -> "ingest";
      case "ingest" -> "read";
      default -> "read";
    };
  }

  private static Map<String, String> exampleParams(String id, JsonNode op) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode params = op.get("parameters");
    if (params != null) {
      for (JsonNode p : params) {
        String name = p.get("name").asString();
        String value = pathValues.getOrDefault(id + "." + name, pathValues.get(name));
        String format = p.path("schema").path("format").asString("");
        if (value == null && p.get("in").asString().equals("query") && p.has("example") && format.startsWith("date")) {
          // the seeded events are today's: a range around today in the parameter's own form
          LocalDate day = name.contains("end") ? LocalDate.now(ZoneOffset.UTC).plusDays(1) : LocalDate.now(ZoneOffset.UTC).minusDays(7);
          value = day.toString();
        }
        if (value == null && p.has("example")) {
          JsonNode ex = p.get("example");
          value = ex.isArray() ? ex.get(0).asString() : ex.asString();
        }
        if (value != null) {
          out.put(name, value.replace("{today}", TODAY));
        }
      }
    }
    return out;
  }

  private static List<JsonNode> exampleBodies(JsonNode op) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode body = op.get("requestBody");
    if (body == null) {
      return out;
    }
    JsonNode media = body.get("content").get("application/json");
    if (media.has("example")) {
      out.add(media.get("example"));
    }
    if (media.has("examples")) {
      media.get("examples").forEach(out::add);
    }
    return out;
  }

  private static String url(String template, JsonNode op, Map<String, String> values) {
    String path = template;
    StringBuilder query = new StringBuilder();
    JsonNode params = op.get("parameters");
    if (params != null) {
      for (JsonNode p : params) {
        String name = p.get("name").asString();
        String value = values.get(name);
        if (value == null) {
          continue;
        }
        if (p.get("in").asString().equals("path")) {
          path = path.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        } else if (p.get("in").asString().equals("query")) {
          query.append(query.length() == 0 ? "?" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
              .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
      }
    }
    return path + query;
  }

  /** A request the document itself says is invalid: a malformed body, a missing required parameter, or a value its schema refuses. */
  private static Call invalid(String template, JsonNode op, Map<String, String> values, Call good) {
    if (good.body != null) {
      return new Call(good.method, good.path, "{not json", good.contentType, good.key);
    }
    JsonNode params = op.get("parameters");
    if (params == null) {
      return null;
    }
    for (JsonNode p : params) {
      if (p.get("in").asString().equals("query") && p.path("required").asBoolean(false)) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.remove(p.get("name").asString());
        return new Call(good.method, url(template, op, v), null, null, good.key);
      }
    }
    for (JsonNode p : params) {
      String refused = refusedValue(p.get("schema"));
      if (refused != null && p.get("in").asString().equals("query")) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(p.get("name").asString(), refused);
        return new Call(good.method, url(template, op, v), null, null, good.key);
      }
    }
    return null;
  }

  /** A value the schema refuses: outside an enum, not a number, not a date; null if the schema takes any text. */
  static String refusedValue(JsonNode schema) {
    if (schema == null) {
      return null;
    }
    if (schema.has("enum")) {
      return "not-one-of-these";
    }
    String type = schema.path("type").asString("");
    if (type.equals("integer") || type.equals("number")) {
      return "not-a-number";
    }
    if (type.equals("boolean")) {
      return "maybe";
    }
    if (schema.path("format").asString("").startsWith("date")) {
      return "2026-13-45";
    }
    return null;
  }

  private static Call unknownId(String template, JsonNode op, Map<String, String> values, Call good) {
    JsonNode params = op.get("parameters");
    if (params == null) {
      return null;
    }
    for (JsonNode p : params) {
      if (p.get("in").asString().equals("path")) {
        JsonNode schema = p.get("schema");
        String unknown = schema.path("type").asString("").equals("integer") ? "2147483000"
            : schema.path("format").asString("").equals("uuid") ? "00000000-0000-8000-8000-000000000000"
            : "no-such-" + p.get("name").asString();
        if (p.has("x-sightline-unknown")) {
          unknown = p.get("x-sightline-unknown").asString();
        }
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(p.get("name").asString(), unknown);
        return new Call(good.method, url(template, op, v), good.body, good.contentType, good.key);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- HTTP

  private Answer send(String id, Call c) {
    if (!(c.path.startsWith("/api/event"))) {
      server.foldRollups();
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + c.path)).timeout(Duration.ofSeconds(20))
        .method(c.method.toUpperCase(), c.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body))
        .header("User-Agent", Seed.UA);
    if (c.body != null && c.contentType != null) {
      b.header("Content-Type", c.contentType);
    }
    if (c.key != null) {
      b.header("x-api-key", c.key);
    }
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      String type = r.headers().firstValue("content-type").orElse(null);
      String body;
      try (InputStream in = r.body()) {
        if (type != null && type.startsWith("text/event-stream")) {
          body = firstEvent(in);
        } else {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return new Answer(r.statusCode(), type, body);
    } catch (IOException e) {
      throw new IllegalStateException(id + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The data of the first server-sent event; the stream is closed after it. */
  private static String firstEvent(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    StringBuilder data = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      if (line.startsWith("data:")) {
        data.append(line.substring(5).trim());
      } else if (line.isEmpty() && data.length() > 0) {
        break;
      }
    }
    return data.toString();
  }

  private static String shorten(String s) {
    return s == null ? "null" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static String resource(String name) {
    try (InputStream in = OpenApiContractTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Requests for errors that the generic rules cannot build from the document (by operationId and status), and what some operations need first. */
  static final class Special {
    /** Creates what a destructive operation's example removes, and records its id for the path. */
    static void prepare(String id) {
      switch (id) {
        case "removeSite" -> admin("POST", "/admin/v1/sites", "{\"domain\":\"doomed.example\"}");
        case "revokeKey" -> pathValues.put("revokeKey.key", JSON.readTree(admin("POST", "/admin/v1/sites/localhost/keys",
            "{\"name\":\"to revoke\",\"scopes\":[\"read\"]}")).get("prefix").asString());
        case "deleteGoal" -> pathValues.put("deleteGoal.goal", JSON.readTree(admin("POST", "/admin/v1/sites/localhost/goals",
            "{\"name\":\"To delete\",\"type\":\"click\",\"match\":\"x\"}")).get("id").asString());
        case "deleteContentRule" -> pathValues.put("deleteContentRule.id", JSON.readTree(admin("POST", "/admin/v1/sites/localhost/content-rules",
            "{\"content_type\":\"listing-pages\",\"pattern\":\"/list/*\"}")).get("id").asString());
        case "deleteAnalyticsView" -> pathValues.put("deleteAnalyticsView.id", JSON.readTree(admin("POST", "/admin/v1/sites/localhost/analytics-views",
            "{\"title\":\"To delete\"}")).get("id").asString());
        case "deleteMailReport" -> pathValues.put("deleteMailReport.id", JSON.readTree(admin("POST", "/admin/v1/sites/localhost/mail-reports",
            "{\"recipient\":\"leaving@example.com\",\"frequency\":\"monthly\"}")).get("id").asString());
        default -> {
        }
      }
    }

    private static String admin(String method, String path, String body) {
      HttpResponse<String> r = server.send(method, path, body, "x-api-key", server.adminKey(), "Content-Type", "application/json");
      assertEquals(201, r.statusCode(), r.body());
      return r.body();
    }

    static Map<String, Call> requests(String id, Call good, Map<String, String> keys) {
      Map<String, Call> out = new LinkedHashMap<>();
      switch (id) {
        case "sendEvent" -> {
          // keyless, a Clickport-shaped body is a Clickport event that lost its key
          out.put("401", new Call("post", good.path, "{\"url\":\"https://localhost/\"}", "application/json", null));
          out.put("400", new Call("post", good.path, "{\"type\":\"custom\",\"url\":\"https://localhost/\"}", "application/json", keys.get("all")));
        }
        default -> {
        }
      }
      return out;
    }
  }
}
