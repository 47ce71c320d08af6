package io.sightline.imports;

import io.sightline.cli.SightlineCommand;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plausible CE's CSV export imported (the CLI with the zip, the admin upload with Sightline's own Plausible-layout export), the
 * query API's answers compared exactly with sums the test computes from the fixture's rows; re-import, undo, the warnings where
 * imported rows cannot take part, imported and native rows together, and an import interrupted by a stop marked failed at the
 * next start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class PlausibleImportTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final int DAYS = 10;
  /** Plausible CE's export layout (lib/plausible/imported/csv_importer.ex): each table's columns in order. */
  private static final Map<String, List<String>> LAYOUT = new LinkedHashMap<>();

  static {
    LAYOUT.put("visitors", List.of("date", "visitors", "pageviews", "bounces", "visits", "visit_duration"));
    LAYOUT.put("sources", List.of("date", "source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
        "pageviews", "visitors", "visits", "visit_duration", "bounces"));
    LAYOUT.put("pages", List.of("date", "hostname", "page", "visits", "visitors", "pageviews", "scroll_depth", "pageleave_visitors"));
    LAYOUT.put("entry_pages", List.of("date", "entry_page", "visitors", "entrances", "visit_duration", "bounces", "pageviews"));
    LAYOUT.put("exit_pages", List.of("date", "exit_page", "visitors", "visit_duration", "exits", "bounces", "pageviews"));
    LAYOUT.put("custom_events", List.of("date", "name", "link_url", "path", "visitors", "events"));
    LAYOUT.put("locations", List.of("date", "country", "region", "city", "visitors", "visits", "visit_duration", "bounces", "pageviews"));
    LAYOUT.put("devices", List.of("date", "device", "visitors", "visits", "visit_duration", "bounces", "pageviews"));
    LAYOUT.put("browsers", List.of("date", "browser", "browser_version", "visitors", "visits", "visit_duration", "bounces", "pageviews"));
    LAYOUT.put("operating_systems", List.of("date", "operating_system", "operating_system_version", "visitors", "visits", "visit_duration",
        "bounces", "pageviews"));
  }

  private RunningServer server;
  private final LocalDate first = LocalDate.now(BERLIN).minusDays(DAYS + 6);
  private final LocalDate end = first.plusDays(DAYS); // exclusive
  /** The fixture: each table's rows, column to value. */
  private final Map<String, List<Map<String, String>>> rows = new LinkedHashMap<>();
  private Path zip;
  private String keyA;
  private String keyB;
  private int importId;
  private Path dir;

  @BeforeAll
  void start() throws Exception {
    server = RunningServer.start();
    dir = Files.createTempDirectory("plausible-import-test");
    fixture();
    zip = dir.resolve("plausible_export.zip");
    String suffix = "_" + first.toString().replace("-", "") + "_" + end.minusDays(1).toString().replace("-", "") + ".csv";
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (Map.Entry<String, List<String>> t : LAYOUT.entrySet()) {
        out.putNextEntry(new ZipEntry("imported_" + t.getKey() + suffix));
        StringBuilder csv = new StringBuilder(String.join(",", t.getValue())).append("\r\n");
        for (Map<String, String> row : rows.get(t.getKey())) {
          csv.append(String.join(",", t.getValue().stream().map(c -> quoted(row.getOrDefault(c, ""))).toList())).append("\r\n");
        }
        out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    keyA = site("imports.example");
    keyB = site("roundtrip.example");
  }

  @AfterAll
  void stop() throws java.io.IOException {
    server.close();
    Files.deleteIfExists(zip);
    Files.deleteIfExists(dir);
  }

  private static String quoted(String v) {
    return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  /** Hundreds of daily rows over two weeks: every table, several values a dimension, counts drawn from a seeded generator. */
  private void fixture() {
    Random random = new Random(24);
    LAYOUT.keySet().forEach(t -> rows.put(t, new ArrayList<>()));
    for (LocalDate d = first; d.isBefore(end); d = d.plusDays(1)) {
      String day = d.toString();
      add(random, "visitors", day, Map.of());
      for (String[] s : new String[][] {{"Google", "organic", ""}, {"Twitter", "social", "launch"}, {"", "", ""}, {"Newsletter", "email", "spring"}}) {
        add(random, "sources", day, Map.of("source", s[0], "utm_medium", s[1], "utm_campaign", s[2]));
      }
      for (String page : List.of("/", "/pricing", "/blog/hello, world", "/docs")) {
        add(random, "pages", day, Map.of("hostname", "imports.example", "page", page));
        add(random, "entry_pages", day, Map.of("entry_page", page));
        add(random, "exit_pages", day, Map.of("exit_page", page));
      }
      for (String[] l : new String[][] {{"DE", "DE-BE", "2950159"}, {"US", "US-CA", "0"}, {"FR", "", "0"}}) {
        add(random, "locations", day, Map.of("country", l[0], "region", l[1], "city", l[2]));
      }
      for (String device : List.of("Desktop", "Mobile", "Tablet")) {
        add(random, "devices", day, Map.of("device", device));
      }
      for (String[] b : new String[][] {{"Chrome", "120"}, {"Firefox", "121"}, {"Safari", "17"}}) {
        add(random, "browsers", day, Map.of("browser", b[0], "browser_version", b[1]));
      }
      for (String[] o : new String[][] {{"Windows", "11"}, {"Mac", "14"}, {"Android", "14"}}) {
        add(random, "operating_systems", day, Map.of("operating_system", o[0], "operating_system_version", o[1]));
      }
      for (String name : List.of("Signup", "Download")) {
        add(random, "custom_events", day, Map.of("name", name));
      }
    }
  }

  private void add(Random random, String table, String day, Map<String, String> dims) {
    Map<String, String> row = new LinkedHashMap<>(dims);
    row.put("date", day);
    long visits = 3 + random.nextInt(60);
    long visitors = visits - random.nextInt((int) visits / 3 + 1);
    row.put("visits", Long.toString(visits));
    row.put("entrances", Long.toString(visits));
    row.put("exits", Long.toString(visits));
    row.put("visitors", Long.toString(visitors));
    row.put("bounces", Long.toString(random.nextInt((int) visits + 1)));
    row.put("visit_duration", Long.toString(random.nextInt((int) visits * 240 + 1)));
    row.put("pageviews", Long.toString(visits + random.nextInt((int) visits * 3 + 1)));
    row.put("events", Long.toString(visitors + random.nextInt(20)));
    row.put("scroll_depth", "");
    row.put("pageleave_visitors", "0");
    rows.get(table).add(row);
  }

  // ---- what the fixture says -----------------------------------------------------------------------------------------

  /** A count summed over a table's rows on days in [from, to), by a column's value (Sightline's spelling; "" is none). */
  private Map<String, Long> sum(String table, String count, String by, LocalDate from, LocalDate to, Predicate<Map<String, String>> keep) {
    Map<String, Long> out = new TreeMap<>();
    for (Map<String, String> row : rows.get(table)) {
      LocalDate d = LocalDate.parse(row.get("date"));
      if (!d.isBefore(from) && d.isBefore(to) && keep.test(row)) {
        out.merge(by == null ? "" : row.getOrDefault(by, ""), Long.parseLong(row.get(count)), Long::sum);
      }
    }
    return out;
  }

  private long total(String table, String count, LocalDate from, LocalDate to) {
    return sum(table, count, null, from, to, r -> true).getOrDefault("", 0L);
  }

  private static long ratio(long part, long whole, int scale) {
    return whole == 0 ? 0 : Math.round((double) part * scale / whole);
  }

  // ---- the API -------------------------------------------------------------------------------------------------------

  private record Cli(int code, String out, String err) {
  }

  private Cli cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--database-url");
    all.add(server.db.url());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SightlineCommand.create(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).execute(all.toArray(String[]::new));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String site(String domain) {
    String admin = "Bearer " + server.adminKey();
    assertEquals(201, server.send("POST", "/admin/v1/sites", new JsonObject().put("domain", domain).put("timezone", BERLIN.getId()).encode(),
        "Authorization", admin, "Content-Type", "application/json").statusCode());
    HttpResponse<String> key = server.send("POST", "/admin/v1/sites/" + domain + "/keys",
        new JsonObject().put("name", "reader").put("scopes", new JsonArray().add("read")).encode(), "Authorization", admin,
        "Content-Type", "application/json");
    assertEquals(201, key.statusCode(), key.body());
    return new JsonObject(key.body()).getString("key");
  }

  private JsonObject query(String key, LocalDate from, LocalDate to, JsonObject body) {
    body.put("date_range", new JsonObject().put("start", from.toString()).put("end", to.toString())).put("timezone", BERLIN.getId());
    HttpResponse<String> r = server.send("POST", "/api/query", body.encode(), "x-api-key", key, "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonArray list(String... items) {
    JsonArray a = new JsonArray();
    for (String i : items) {
      a.add(i);
    }
    return a;
  }

  /** A breakdown's metric by the dimension's value (null as ""). */
  private Map<String, Long> grouped(String key, String dimension, String metric, JsonArray filters) {
    JsonObject body = new JsonObject().put("metrics", list(metric)).put("dimensions", list(dimension)).put("limit", 1000);
    if (filters != null) {
      body.put("filters", filters);
    }
    JsonObject answer = query(key, first, end, body);
    assertNull(answer.getValue("warning"), answer.encode());
    Map<String, Long> out = new TreeMap<>();
    answer.getJsonArray("results").forEach(r -> {
      JsonObject row = (JsonObject) r;
      out.put(row.getValue(dimension) == null ? "" : row.getValue(dimension).toString(), row.getLong(metric));
    });
    return out;
  }

  /** Every answer the imported tables give, compared with the fixture's sums. */
  private void assertAnswers(String key) {
    for (LocalDate[] r : new LocalDate[][] {{first, end}, {first.plusDays(3), first.plusDays(8)}}) {
      JsonObject answer = query(key, r[0], r[1], new JsonObject().put("metrics", list("visitors", "sessions", "pageviews", "bounces",
          "total_duration", "bounce_rate", "avg_duration", "views_per_visit")));
      assertNull(answer.getValue("warning"), answer.encode());
      JsonObject totals = answer.getJsonObject("results");
      long visits = total("visitors", "visits", r[0], r[1]);
      long pageviews = total("visitors", "pageviews", r[0], r[1]);
      assertEquals(total("visitors", "visitors", r[0], r[1]), totals.getLong("visitors"), totals.encode());
      assertEquals(visits, totals.getLong("sessions"));
      assertEquals(pageviews, totals.getLong("pageviews"));
      assertEquals(total("visitors", "bounces", r[0], r[1]), totals.getLong("bounces"));
      assertEquals(total("visitors", "visit_duration", r[0], r[1]), totals.getLong("total_duration"));
      assertEquals(ratio(total("visitors", "bounces", r[0], r[1]), visits, 100), totals.getLong("bounce_rate"));
      assertEquals(ratio(total("visitors", "visit_duration", r[0], r[1]), visits, 1), totals.getLong("avg_duration"));
      assertEquals(BigDecimal.valueOf(pageviews).divide(BigDecimal.valueOf(visits), 2, RoundingMode.HALF_UP).doubleValue(),
          totals.getDouble("views_per_visit"));
    }
    JsonArray series = query(key, first, end, new JsonObject().put("metrics", list("visitors", "pageviews", "sessions"))
        .put("dimensions", list("date"))).getJsonArray("results");
    Map<String, List<Long>> days = new TreeMap<>();
    series.forEach(o -> {
      JsonObject row = (JsonObject) o;
      days.put(row.getString("date"), List.of(row.getLong("visitors"), row.getLong("pageviews"), row.getLong("sessions")));
    });
    Map<String, List<Long>> wantedDays = new TreeMap<>();
    rows.get("visitors").forEach(row -> wantedDays.put(row.get("date"), List.of(Long.parseLong(row.get("visitors")),
        Long.parseLong(row.get("pageviews")), Long.parseLong(row.get("visits")))));
    assertEquals(wantedDays, days, "daily visitors, pageviews, visits");

    Predicate<Map<String, String>> all = row -> true;
    assertEquals(sum("sources", "visitors", "source", first, end, all), grouped(key, "source", "visitors", null), "visitors by source");
    assertEquals(sum("sources", "visits", "source", first, end, all), grouped(key, "source", "sessions", null), "visits by source");
    assertEquals(sum("sources", "visitors", "utm_campaign", first, end, row -> row.get("source").equals("Twitter")),
        grouped(key, "utm_campaign", "visitors", new JsonArray().add(new JsonObject().put("dimension", "source").put("operator", "is")
            .put("value", "Twitter"))), "visitors by campaign of Twitter");
    assertEquals(sum("pages", "pageviews", "page", first, end, all), grouped(key, "page", "pageviews", null), "pageviews by page");
    assertEquals(sum("pages", "visitors", "page", first, end, all), grouped(key, "page", "visitors", null), "visitors by page");
    assertEquals(sum("entry_pages", "entrances", "entry_page", first, end, all), grouped(key, "entry_page", "entrances", null));
    assertEquals(sum("exit_pages", "exits", "exit_page", first, end, all), grouped(key, "exit_page", "exits", null));
    assertEquals(sum("locations", "visitors", "country", first, end, all), grouped(key, "country", "visitors", null));
    assertEquals(sum("locations", "visits", "region", first, end, all), grouped(key, "region", "sessions", null));
    assertEquals(sum("devices", "visitors", "device", first, end, all), grouped(key, "device", "visitors", null));
    assertEquals(sum("browsers", "visitors", "browser", first, end, all), grouped(key, "browser", "visitors", null));
    assertEquals(sum("operating_systems", "visits", "operating_system", first, end, all), grouped(key, "os", "sessions", null));
    assertEquals(sum("custom_events", "events", "name", first, end, all), grouped(key, "event_name", "events", null));
    assertEquals(sum("custom_events", "visitors", "name", first, end, all), grouped(key, "event_name", "visitors", null));
  }

  private long dailyRows(int id) {
    return server.sql("select count(*) from imported_daily where import_id = $1", id).iterator().next().getLong(0);
  }

  private int fixtureRows() {
    return rows.values().stream().mapToInt(List::size).sum();
  }

  // ---- the tests -----------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theCliImportsTheZipAndTheAnswersAreTheFixturesSums() {
    assertTrue(fixtureRows() > 300, "hundreds of rows");
    Cli run = cli("import", "plausible", zip.toString(), "--site", "imports.example");
    assertEquals(0, run.code(), run.err());
    JsonArray imports = new JsonObject(server.get("/admin/v1/sites/imports.example/imports", "Authorization", "Bearer " + server.adminKey())
        .body()).getJsonArray("imports");
    importId = imports.getJsonObject(0).getInteger("id");
    assertEquals("done", imports.getJsonObject(0).getString("status"));
    assertEquals(fixtureRows(), imports.getJsonObject(0).getLong("rows_stored"));
    assertEquals(fixtureRows(), dailyRows(importId));
    assertAnswers(keyA);

    // the same files again: the same import, replaced
    Cli again = cli("import", "plausible", zip.toString(), "--site", "imports.example");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().startsWith("Import " + importId + " "), again.out());
    assertEquals(fixtureRows(), dailyRows(importId));
    assertAnswers(keyA);
  }

  @Test
  @Order(2)
  void whereImportedRowsCannotTakePartTheAnswerSaysSo() {
    JsonObject hourly = query(keyA, first, first.plusDays(1), new JsonObject().put("metrics", list("visitors")).put("dimensions", list("hour")));
    assertTrue(hourly.getString("warning").contains("hourly"), hourly.encode());
    hourly.getJsonArray("results").forEach(r -> assertEquals(0L, ((JsonObject) r).getLong("visitors")));

    JsonObject crossed = query(keyA, first, end, new JsonObject().put("metrics", list("visitors")).put("dimensions", list("source", "country")));
    assertTrue(crossed.getString("warning").contains("source with country"), crossed.encode());
    assertEquals(0, crossed.getJsonArray("results").size(), crossed.encode());

    JsonObject events = query(keyA, first, end, new JsonObject().put("metrics", list("visitors", "events")));
    assertTrue(events.getString("warning").contains("events"), events.encode());
    assertEquals(0L, events.getJsonObject("results").getLong("visitors"));

    JsonObject off = query(keyA, first, end, new JsonObject().put("metrics", list("visitors")).put("include_imported", false));
    assertNull(off.getValue("warning"));
    assertEquals(0L, off.getJsonObject("results").getLong("visitors"));

    JsonObject elsewhere = query(keyA, end.plusDays(1), end.plusDays(3), new JsonObject().put("metrics", list("visitors")).put("dimensions",
        list("hour")));
    assertNull(elsewhere.getValue("warning"), "no imported rows in that range: " + elsewhere.encode());

    HttpResponse<String> bad = server.send("POST", "/api/query", new JsonObject().put("metrics", list("visitors")).put("include_imported", "yes")
        .encode(), "x-api-key", keyA, "Content-Type", "application/json");
    assertEquals(400, bad.statusCode(), bad.body());
  }

  @Test
  @Order(3)
  void importedAndNativeRowsAddUp() {
    for (String path : List.of("/native/1", "/native/2")) {
      HttpResponse<String> r = server.send("POST", "/api/event", new JsonObject().put("name", "pageview").put("url", "https://imports.example" + path)
          .put("domain", "imports.example").encode(), "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
          + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "X-Forwarded-For", "203.0.113.24", "Content-Type", "application/json");
      assertEquals(2, r.statusCode() / 100, r.body());
    }
    LocalDate tomorrow = LocalDate.now(BERLIN).plusDays(2);
    JsonObject totals = query(keyA, first, tomorrow, new JsonObject().put("metrics", list("visitors", "pageviews"))).getJsonObject("results");
    assertEquals(total("visitors", "visitors", first, end) + 1, totals.getLong("visitors"), totals.encode());
    assertEquals(total("visitors", "pageviews", first, end) + 2, totals.getLong("pageviews"), totals.encode());
    Map<String, Long> pages = new TreeMap<>(sum("pages", "pageviews", "page", first, end, row -> true));
    pages.put("/native/1", 1L);
    pages.put("/native/2", 1L);
    JsonArray byPage = query(keyA, first, tomorrow, new JsonObject().put("metrics", list("pageviews")).put("dimensions", list("page")))
        .getJsonArray("results");
    Map<String, Long> actual = new TreeMap<>();
    byPage.forEach(o -> actual.put(((JsonObject) o).getString("page"), ((JsonObject) o).getLong("pageviews")));
    assertEquals(pages, actual);
  }

  @Test
  @Order(4)
  void theExportImportedIntoAnotherSiteGivesTheSameAnswers() throws Exception {
    String admin = "Bearer " + server.adminKey();
    HttpResponse<byte[]> exported = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base()
        + "/api/export/plausible?site=imports.example&from=" + first + "&to=" + end.minusDays(1))).header("Authorization", admin).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, exported.statusCode());
    HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base()
            + "/admin/v1/sites/roundtrip.example/imports?source=plausible")).header("Authorization", admin)
        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofByteArray(exported.body())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    int id = new JsonObject(accepted.body()).getInteger("id");
    JsonObject state = new JsonObject();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> polled = server.get("/admin/v1/imports/" + id, "Authorization", admin);
      if (polled.statusCode() == 200) {
        state = new JsonObject(polled.body());
        if (!"running".equals(state.getString("status"))) {
          break;
        }
      }
      Thread.sleep(100); // the job's state is only visible by asking
    }
    assertEquals("done", state.getString("status"), state.encode());
    assertEquals(0L, state.getLong("rows_skipped"), state.encode());
    assertAnswers(keyB);
  }

  @Test
  @Order(5)
  void undoRemovesTheImport() {
    HttpResponse<String> undo = server.send("DELETE", "/admin/v1/imports/" + importId, null, "Authorization", "Bearer " + server.adminKey());
    assertEquals(200, undo.statusCode(), undo.body());
    assertEquals(0, dailyRows(importId));
    JsonObject totals = query(keyA, first, end, new JsonObject().put("metrics", list("visitors", "pageviews")));
    assertNull(totals.getValue("warning"));
    assertEquals(0L, totals.getJsonObject("results").getLong("visitors"));
    assertNotNull(server.sql("select 1 from imports where id = $1 and status = 'undone'", importId).iterator().next());
  }

  @Test
  @Order(6)
  void anImportInterruptedByAStopIsMarkedFailedAtTheNextStart() throws Exception {
    int siteId = server.sql("select id from sites where domain = 'roundtrip.example'").iterator().next().getInteger(0);
    int orphan = server.sql("insert into imports (site_id, source, content_hash, files) values ($1, 'umami', 'interrupted', '{a.csv}') "
        + "returning id", siteId).iterator().next().getInteger(0);
    int live = server.sql("insert into imports (site_id, source, content_hash, files) values ($1, 'umami', 'live', '{b.csv}') returning id",
        siteId).iterator().next().getInteger(0);
    // another process still running `live`: it holds the import's lock on its own connection
    io.vertx.core.Vertx other = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.pgclient.PgConnection holder = io.vertx.pgclient.PgConnection.connect(other, server.db.options())
          .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      holder.preparedQuery("select pg_advisory_lock($1, $2)").execute(io.vertx.sqlclient.Tuple.of(ImportStore.LOCK_CLASS, live))
          .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      String banner = server.banner;
      server.close();
      server = RunningServer.restart(server.db, banner);
      String admin = "Bearer " + server.adminKey();
      JsonObject failed = new JsonObject();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && !"failed".equals(failed.getString("status"))) {
        failed = new JsonObject(server.get("/admin/v1/imports/" + orphan, "Authorization", admin).body());
        Thread.sleep(50); // the start marks it in the background: only visible by asking
      }
      assertEquals("failed", failed.getString("status"), failed.encode());
      assertTrue(failed.getString("error").startsWith("interrupted"), failed.encode());
      JsonObject running = new JsonObject(server.get("/admin/v1/imports/" + live, "Authorization", admin).body());
      assertEquals("running", running.getString("status"), running.encode());
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
