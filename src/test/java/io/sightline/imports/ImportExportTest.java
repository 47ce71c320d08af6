package io.sightline.imports;

import io.sightline.cli.SightlineCommand;
import io.sightline.lifecycle.Await;
import io.sightline.event.Dimension;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Imports through the CLI into a running server's database, then the query API's answers against answers computed from the
 * fixtures; re-imports, undo, the rollups against raw events; the export API and CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("integration")
class ImportExportTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private RunningServer server;
  @TempDir
  Path dir;

  @BeforeAll
  void start() {
    server = RunningServer.start();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  record Cli(int code, String out, String err) {
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

  /** A new site in {@code zone} and a read key for it. */
  private String site(String domain, String zone) {
    String admin = "Bearer " + server.adminKey();
    assertEquals(201, server.send("POST", "/admin/v1/sites", new JsonObject().put("domain", domain).put("timezone", zone).encode(),
        "Authorization", admin, "Content-Type", "application/json").statusCode());
    HttpResponse<String> key = server.send("POST", "/admin/v1/sites/" + domain + "/keys",
        new JsonObject().put("name", "reader").put("scopes", new JsonArray().add("read")).encode(), "Authorization", admin,
        "Content-Type", "application/json");
    assertEquals(201, key.statusCode(), key.body());
    return new JsonObject(key.body()).getString("key");
  }

  private JsonObject query(String key, JsonObject body) {
    HttpResponse<String> r = server.send("POST", "/api/query", body.encode(), "x-api-key", key, "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static JsonObject range(LocalDate from, LocalDate toExclusive, ZoneId zone) {
    return new JsonObject().put("date_range", new JsonObject().put("start", from.toString()).put("end", toExclusive.toString()))
        .put("timezone", zone.getId());
  }

  private static Oracle umamiOracle(UmamiFixture f) {
    List<Oracle.Event> events = new ArrayList<>();
    for (UmamiFixture.Row r : f.rows) {
      if (!r.browser().equals("searchbot")) {
        events.add(new Oracle.Event(r.umamiSession(), r.ts(), r.eventType() == 1, r.path(), r.country(), r.device(), r.source(), r.revenue()));
      }
    }
    return new Oracle(events);
  }

  /** Checks the query API against the oracle over the fixture's days in New York time. */
  private void assertAnswers(String key, Oracle o, LocalDate first, int days, ZoneId zone) {
    LocalDate last = first.plusDays(days);
    Instant a = first.atStartOfDay(zone).toInstant();
    Instant b = last.plusDays(1).atStartOfDay(zone).toInstant();
    JsonObject totals = query(key, range(first, last.plusDays(1), zone)
        .put("metrics", new JsonArray().add("visitors").add("sessions").add("pageviews").add("events").add("total_revenue")))
        .getJsonObject("results");
    assertEquals(o.visitors(a, b), totals.getLong("visitors"), "visitors");
    assertEquals(o.sessions(a, b), totals.getLong("sessions"), "sessions");
    assertEquals(o.pageviews(a, b), totals.getLong("pageviews"), "pageviews");
    assertEquals(o.events(a, b), totals.getLong("events"), "events");
    BigDecimal revenue = o.revenue(a, b);
    if (revenue.signum() > 0) {
      assertEquals(0, revenue.compareTo(new BigDecimal(totals.getValue("total_revenue").toString())), "revenue " + totals);
    }

    JsonArray series = query(key, range(first, last.plusDays(1), zone).put("metrics", new JsonArray().add("visitors").add("pageviews").add("sessions"))
        .put("dimensions", new JsonArray().add("date"))).getJsonArray("results");
    Map<LocalDate, long[]> expected = o.daily(zone, first, last);
    Map<LocalDate, List<Long>> actual = new TreeMap<>();
    series.forEach(r -> {
      JsonObject row = (JsonObject) r;
      actual.put(LocalDate.parse(row.getString("date")), List.of(row.getLong("visitors"), row.getLong("pageviews"), row.getLong("sessions")));
    });
    Map<LocalDate, List<Long>> wanted = new TreeMap<>();
    expected.forEach((d, v) -> wanted.put(d, List.of(v[0], v[1], v[2])));
    assertEquals(wanted, actual, "daily visitors, pageviews, sessions in " + zone);

    assertEquals(o.pageviewsBy(Oracle.Event::path), grouped(key, first, last, zone, "page", "pageviews"), "pageviews by page");
    assertEquals(o.visitorsBy(Oracle.Event::country), grouped(key, first, last, zone, "country", "visitors"), "visitors by country");
    assertEquals(o.pageviewsBy(e -> o.sessionOf(e).source()), grouped(key, first, last, zone, "source", "pageviews"), "pageviews by source");
    assertEquals(o.sessionsBySource(), grouped(key, first, last, zone, "source", "sessions"), "sessions by source");
  }

  private Map<String, Long> grouped(String key, LocalDate first, LocalDate last, ZoneId zone, String dimension, String metric) {
    JsonArray rows = query(key, range(first, last.plusDays(1), zone).put("metrics", new JsonArray().add(metric))
        .put("dimensions", new JsonArray().add(dimension)).put("limit", 1000)).getJsonArray("results");
    Map<String, Long> out = new TreeMap<>();
    rows.forEach(r -> {
      JsonObject row = (JsonObject) r;
      if (row.getValue(dimension) != null && row.getLong(metric) > 0) {
        out.put(row.getValue(dimension).toString(), row.getLong(metric));
      }
    });
    return out;
  }

  private int siteId(String domain) {
    return server.sql("select id from sites where domain = $1", domain).iterator().next().getInteger("id");
  }

  private long count(String sql, Object... args) {
    return server.sql(sql, args).iterator().next().getLong(0);
  }

  /** The rollup path and the raw path agree on the site's imported days (UTC totals, days, pages, sources, countries). */
  private void assertRollupsEqualRaw(int siteId, LocalDate first, int days) {
    long rollupBefore = QueryEngine.answered(QueryEngine.Plan.ROLLUP);
    Instant a = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant b = first.plusDays(days + 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<Metric> metrics = List.of(Metric.VISITORS, Metric.PAGEVIEWS, Metric.SESSIONS, Metric.EVENTS, Metric.BOUNCES);
    for (List<Dimension> dims : List.of(List.<Dimension>of(), List.of(Dimension.DATE), List.of(Dimension.PAGE), List.of(Dimension.SOURCE),
        List.of(Dimension.COUNTRY))) {
      List<Metric> m = dims.equals(List.of(Dimension.PAGE)) ? List.of(Metric.VISITORS, Metric.PAGEVIEWS) : metrics;
      QuerySpec q = new QuerySpec(siteId, a, b, ZoneOffset.UTC, m, dims, List.of(), null, true, 1000, 0);
      var pool = server.server.database().pool();
      var rolled = Await.result(new QueryEngine(pool, 30_000, true).run(q), Duration.ofSeconds(30)).rows();
      var raw = Await.result(new QueryEngine(pool, 30_000, false).run(q), Duration.ofSeconds(30)).rows();
      assertEquals(new TreeMap<>(byFirst(raw, dims)), new TreeMap<>(byFirst(rolled, dims)), "rollup = raw for " + dims);
    }
    assertTrue(QueryEngine.answered(QueryEngine.Plan.ROLLUP) > rollupBefore, "the rollups answered");
  }

  private static Map<String, Map<String, Object>> byFirst(List<Map<String, Object>> rows, List<Dimension> dims) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    rows.forEach(r -> out.put(dims.isEmpty() ? "" : String.valueOf(r.get(dims.get(0).id())), new TreeMap<>(r)));
    return out;
  }

  private static int importId(Cli run) {
    Matcher m = Pattern.compile("Import (\\d+) ").matcher(run.out());
    assertTrue(m.find(), run.out() + run.err());
    return Integer.parseInt(m.group(1));
  }

  @Test
  void umamiImportAnswersAsItsDataSaysAndReimportReplacesAndUndoRemoves() {
    String key = site("umami.example", "America/New_York");
    UmamiFixture f = new UmamiFixture(dir, 24, "umami.example");
    Oracle o = umamiOracle(f);
    Cli run = cli("import", "umami", f.events.toString(), f.sessions.toString(), f.data.toString(), "--site", "umami.example");
    assertEquals(0, run.code(), run.err());
    int id = importId(run);
    long bots = f.rows.stream().filter(r -> r.browser().equals("searchbot")).count();
    assertTrue(bots > 0);
    assertTrue(run.out().contains(String.format("%,d rows read, %,d stored, %,d skipped", f.rows.size() + 3, o.events.size(), bots + 3)), run.out());
    assertTrue(run.out().contains("skipped " + bots + ": bot") && run.out().contains("skipped 3: unsupported_event_type"), run.out());

    LocalDate first = UmamiFixture.FIRST_DAY.minusDays(1);
    assertAnswers(key, o, first, UmamiFixture.DAYS + 1, NEW_YORK);
    int site = siteId("umami.example");
    assertRollupsEqualRaw(site, UmamiFixture.FIRST_DAY, UmamiFixture.DAYS);

    Cli again = cli("import", "umami", f.events.toString(), f.sessions.toString(), f.data.toString(), "--site", "umami.example");
    assertEquals(0, again.code(), again.err());
    assertEquals(id, importId(again), "the same files are the same import");
    assertEquals(o.events.size(), count("select count(*) from events where site_id = $1", site), "replaced, not doubled");
    assertEquals(o.sessions.size(), count("select count(*) from sessions where site_id = $1", site));
    assertAnswers(key, o, first, UmamiFixture.DAYS + 1, NEW_YORK);

    Cli listed = cli("import", "list", "--site", "umami.example");
    assertEquals(0, listed.code(), listed.err());
    assertTrue(listed.out().contains(id + "   umami") || listed.out().matches("(?s).*\\b" + id + "\\s+umami\\s+done.*"), listed.out());

    Cli undone = cli("import", "undo", Integer.toString(id));
    assertEquals(0, undone.code(), undone.err());
    assertEquals(0, count("select count(*) from events where site_id = $1", site));
    assertEquals(0, count("select count(*) from sessions where site_id = $1", site));
    assertEquals(0, count("select coalesce(sum(pageviews), 0) from rollup_total where site_id = $1", site));
    JsonObject totals = query(key, range(first, first.plusDays(8), NEW_YORK).put("metrics", new JsonArray().add("visitors").add("pageviews")))
        .getJsonObject("results");
    assertEquals(0, totals.getLong("visitors"));
    assertEquals(0, totals.getLong("pageviews"));
  }

  @Test
  void ga4ImportAnswersAsItsDataSays() {
    String key = site("ga4.example", "Asia/Kolkata");
    Ga4Fixture f = new Ga4Fixture(dir, 4, "ga4.example");
    List<String> args = new ArrayList<>(List.of("import", "ga4"));
    f.files.forEach(p -> args.add(p.toString()));
    args.addAll(List.of("--site", "ga4.example"));
    Cli run = cli(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains(String.format("%,d rows read, %,d stored, %,d skipped", f.lines, f.stored.size(), f.bookkeeping)), run.out());
    Oracle o = new Oracle(f.stored);
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    assertAnswers(key, o, Ga4Fixture.FIRST_DAY.minusDays(1), Ga4Fixture.DAYS + 1, kolkata);
    assertRollupsEqualRaw(siteId("ga4.example"), Ga4Fixture.FIRST_DAY, Ga4Fixture.DAYS);
    JsonArray devices = query(key, range(Ga4Fixture.FIRST_DAY, Ga4Fixture.FIRST_DAY.plusDays(Ga4Fixture.DAYS), ZoneOffset.UTC)
        .put("metrics", new JsonArray().add("visitors")).put("dimensions", new JsonArray().add("device"))).getJsonArray("results");
    Map<String, Long> byDevice = new TreeMap<>();
    devices.forEach(r -> byDevice.put(((JsonObject) r).getString("device").toLowerCase(java.util.Locale.ROOT), ((JsonObject) r).getLong("visitors")));
    assertEquals(o.visitorsBy(Oracle.Event::device), byDevice, "visitors by device");
  }

  @Test
  void exportStreamsEveryStoredColumnAndRefusesBadRequestsInTheAdminShape() throws Exception {
    String key = site("export.example", "Europe/Berlin");
    UmamiFixture f = new UmamiFixture(dir, 7, "export.example");
    Cli run = cli("import", "umami", f.events.toString(), f.sessions.toString(), f.data.toString(), "--site", "export.example");
    assertEquals(0, run.code(), run.err());
    long stored = count("select count(*) from events where site_id = $1", siteId("export.example"));
    String admin = "Bearer " + server.adminKey();
    String path = "/api/export?site=export.example&from=2024-03-01&to=2024-03-10";

    HttpResponse<String> ndjson = server.get(path, "Authorization", admin);
    assertEquals(200, ndjson.statusCode(), ndjson.body());
    List<String> lines = ndjson.body().lines().toList();
    assertEquals(stored, lines.size());
    JsonObject first = new JsonObject(lines.get(0));
    for (String column : List.of("site_id", "ts", "event_id", "session_id", "visitor_id", "salt_day", "type", "name", "hostname", "pathname",
        "source", "channel", "country", "device", "browser", "os", "props", "revenue_amount", "first_mask", "stable_visitor", "import_id")) {
      assertTrue(first.containsKey(column), column + " in " + first);
    }
    assertTrue(first.getValue("event_id") instanceof String, "64-bit ids as strings");
    List<Instant> times = lines.stream().map(l -> Instant.parse(new JsonObject(l).getString("ts"))).toList();
    assertEquals(times.stream().sorted().toList(), times, "oldest first");
    long pageviews = lines.stream().filter(l -> new JsonObject(l).getString("type").equals("pageview")).count();
    assertEquals(f.rows.stream().filter(r -> r.eventType() == 1 && !r.browser().equals("searchbot")).count(), pageviews);

    HttpResponse<String> own = server.get("/api/export?from=2024-03-01&to=2024-03-10&format=csv", "x-api-key", key);
    assertEquals(200, own.statusCode(), own.body());
    assertTrue(own.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    List<String> csv = own.body().lines().toList();
    assertTrue(csv.get(0).startsWith("site_id,ts,event_id,session_id,visitor_id"), csv.get(0));
    assertEquals(stored + 1, org.apache.commons.csv.CSVFormat.RFC4180.parse(new java.io.StringReader(own.body())).getRecords().size());

    HttpResponse<byte[]> gzip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + path))
        .header("Authorization", admin).header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""));
    String unzipped = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body())).readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(ndjson.body(), unzipped);

    Path file = dir.resolve("events.csv");
    Cli exported = cli("export", "--site", "export.example", "--from", "2024-03-01", "--to", "2024-03-10", "--format", "csv", "-o", file.toString());
    assertEquals(0, exported.code(), exported.err());
    assertEquals(own.body(), java.nio.file.Files.readString(file), "the CLI writes what the API sends");

    assertError(server.get("/api/export?site=export.example&from=2024-03-10&to=2024-03-01", "Authorization", admin), 400, "invalid_request");
    assertError(server.get("/api/export?site=export.example&from=March&to=2024-03-01", "Authorization", admin), 400, "invalid_request");
    assertError(server.get("/api/export?site=export.example&to=2024-03-01", "Authorization", admin), 400, "invalid_request");
    assertError(server.get(path + "&format=xml", "Authorization", admin), 400, "invalid_request");
    assertError(server.get("/api/export?site=nowhere.example&from=2024-03-01&to=2024-03-02", "Authorization", admin), 404, "not_found");
    assertError(server.get("/api/export?site=localhost&from=2024-03-01&to=2024-03-02", "x-api-key", key), 403, "forbidden");
    assertError(server.get(path), 401, "unauthorized");
    Cli badCli = cli("export", "--site", "nowhere.example", "--from", "2024-03-01", "--to", "2024-03-02");
    assertEquals(2, badCli.code(), badCli.err());

    assertPlausibleZip(admin, umamiOracle(f));

    // the round trip: the export imported in place of the data it came from gives the same answers
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    List<JsonArray> before = answers(key, LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 11), berlin);
    Path exportFile = java.nio.file.Files.writeString(dir.resolve("export.ndjson"), ndjson.body());
    assertEquals(0, cli("import", "undo", Integer.toString(importId(run))).code());
    assertEquals(0, count("select count(*) from events where site_id = $1", siteId("export.example")));
    Cli back = cli("import", "sightline", exportFile.toString(), "--site", "export.example");
    assertEquals(0, back.code(), back.err());
    assertTrue(back.out().contains(String.format("%,d rows read, %,d stored, 0 skipped", stored, stored)), back.out());
    assertEquals(before, answers(key, LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 11), berlin), "the same answers after the round trip");
    assertRollupsEqualRaw(siteId("export.example"), UmamiFixture.FIRST_DAY, UmamiFixture.DAYS);
  }

  /** The aggregate export: Plausible's ten tables, days in the site's zone, numbers as the fixture says. */
  private void assertPlausibleZip(String admin, Oracle o) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base()
        + "/api/export/plausible?site=export.example&from=2024-03-03&to=2024-03-09")).header("Authorization", admin).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/zip", r.headers().firstValue("Content-Type").orElse(""));
    Map<String, List<org.apache.commons.csv.CSVRecord>> files = new TreeMap<>();
    try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(r.body()))) {
      for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String text = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        files.put(e.getName(), org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
            .parse(new java.io.StringReader(text)).getRecords());
      }
    }
    List<String> tables = List.of("browsers", "custom_events", "devices", "entry_pages", "exit_pages", "locations", "operating_systems", "pages",
        "sources", "visitors");
    assertEquals(tables.stream().map(t -> "imported_" + t + "_20240303_20240309.csv").toList(), new ArrayList<>(files.keySet()));
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Map<LocalDate, List<Long>> expected = new TreeMap<>();
    o.daily(berlin, LocalDate.of(2024, 3, 3), LocalDate.of(2024, 3, 9)).forEach((d, v) -> expected.put(d, List.of(v[0], v[1], v[2])));
    Map<LocalDate, List<Long>> visitors = new TreeMap<>();
    files.get("imported_visitors_20240303_20240309.csv").forEach(rec -> visitors.put(LocalDate.parse(rec.get("date")),
        List.of(Long.parseLong(rec.get("visitors")), Long.parseLong(rec.get("pageviews")), Long.parseLong(rec.get("visits")))));
    assertEquals(expected, visitors, "imported_visitors: visitors, pageviews, visits a Berlin day");
    Map<String, Long> pages = new TreeMap<>();
    files.get("imported_pages_20240303_20240309.csv").forEach(rec -> pages.merge(rec.get("page"), Long.parseLong(rec.get("pageviews")), Long::sum));
    assertEquals(o.pageviewsBy(Oracle.Event::path), pages, "imported_pages: pageviews");
    long signups = files.get("imported_custom_events_20240303_20240309.csv").stream().filter(rec -> rec.get("name").equals("Signup"))
        .mapToLong(rec -> Long.parseLong(rec.get("events"))).sum();
    assertEquals(o.events.stream().filter(e -> !e.pageview()).count(), signups, "imported_custom_events: Signup events");
    Map<String, Long> devices = new TreeMap<>();
    files.get("imported_devices_20240303_20240309.csv").forEach(rec -> devices.merge(rec.get("device"), Long.parseLong(rec.get("pageviews")),
        Long::sum));
    Map<String, Long> wantedDevices = new TreeMap<>();
    o.pageviewsBy(Oracle.Event::device).forEach((k, v) -> wantedDevices.put(k.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + k.substring(1), v));
    assertEquals(wantedDevices, devices, "imported_devices: pageviews by Plausible's device words");
    assertEquals(List.of("date", "source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "pageviews",
        "visitors", "visits", "visit_duration", "bounces"), files.get("imported_sources_20240303_20240309.csv").isEmpty() ? List.of()
        : files.get("imported_sources_20240303_20240309.csv").get(0).getParser().getHeaderNames());
  }

  /** Totals, days, and pages, sources, countries, devices, entry pages and event names: the answers a round trip must keep. */
  private List<JsonArray> answers(String key, LocalDate first, LocalDate endExclusive, ZoneId zone) {
    List<JsonArray> out = new ArrayList<>();
    JsonArray metrics = new JsonArray().add("visitors").add("sessions").add("pageviews").add("events").add("bounce_rate").add("avg_duration")
        .add("total_revenue");
    out.add(new JsonArray().add(query(key, range(first, endExclusive, zone).put("metrics", metrics)).getJsonObject("results")));
    for (String dimension : List.of("date", "page", "source", "channel", "country", "device", "browser", "os", "entry_page", "event_name")) {
      JsonArray m = dimension.equals("page") || dimension.equals("event_name") ? new JsonArray().add("visitors").add("pageviews").add("events")
          : metrics;
      out.add(query(key, range(first, endExclusive, zone).put("metrics", m).put("dimensions", new JsonArray().add(dimension)).put("limit", 1000))
          .getJsonArray("results"));
    }
    return out;
  }

  private static void assertError(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals(code, body.getString("error"), r.body());
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), r.body());
  }

  @Test
  void anAdminUploadRunsAsABackgroundJobWithProgressAndCanBeUndone() throws Exception {
    String key = site("upload.example", "UTC");
    UmamiFixture f = new UmamiFixture(dir, 11, "upload.example");
    Oracle o = umamiOracle(f);
    java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(zipped)) {
      for (Path p : List.of(f.events, f.sessions, f.data)) {
        zip.putNextEntry(new java.util.zip.ZipEntry("umami/" + p.getFileName()));
        zip.write(java.nio.file.Files.readAllBytes(p));
        zip.closeEntry();
      }
    }
    String admin = "Bearer " + server.adminKey();
    HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base()
            + "/admin/v1/sites/upload.example/imports?source=umami")).header("Authorization", admin).header("Content-Type", "application/zip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    int id = new JsonObject(accepted.body()).getInteger("id");
    JsonObject state = new JsonObject();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> polled = server.get("/admin/v1/imports/" + id, "Authorization", admin);
      if (polled.statusCode() == 200) { // a 429 of the admin API's rate limit: ask again
        state = new JsonObject(polled.body());
        if (!"running".equals(state.getString("status"))) {
          break;
        }
        assertTrue(state.getJsonObject("progress") != null && state.getJsonObject("progress").getString("phase") != null, state.encode());
      }
      Thread.sleep(200); // the job's state is only visible by asking
    }
    assertEquals("done", state.getString("status"), state.encode());
    assertEquals(o.events.size(), state.getLong("rows_stored"));
    assertEquals(f.rows.size() + 3, state.getLong("rows_read"));
    assertEquals(List.of("event_data.csv", "session.csv", "website_event.csv"), state.getJsonArray("files").getList());
    Instant a = UmamiFixture.FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant b = UmamiFixture.FIRST_DAY.plusDays(UmamiFixture.DAYS).atStartOfDay(ZoneOffset.UTC).toInstant();
    JsonObject totals = query(key, range(UmamiFixture.FIRST_DAY, UmamiFixture.FIRST_DAY.plusDays(UmamiFixture.DAYS), ZoneOffset.UTC)
        .put("metrics", new JsonArray().add("visitors").add("sessions").add("pageviews"))).getJsonObject("results");
    assertEquals(List.of(o.visitors(a, b), o.sessions(a, b), o.pageviews(a, b)),
        List.of(totals.getLong("visitors"), totals.getLong("sessions"), totals.getLong("pageviews")));
    JsonArray listed = new JsonObject(server.get("/admin/v1/sites/upload.example/imports", "Authorization", admin).body()).getJsonArray("imports");
    assertEquals(1, listed.size());
    assertEquals(id, listed.getJsonObject(0).getInteger("id"));

    assertError(server.send("POST", "/admin/v1/sites/upload.example/imports?source=matomo", "x", "Authorization", admin), 400, "invalid_request");
    assertError(server.send("POST", "/admin/v1/sites/upload.example/imports?source=umami", "not a zip", "Authorization", admin,
        "Content-Type", "application/zip"), 400, "invalid_request");
    assertError(server.get("/admin/v1/imports/999999", "Authorization", admin), 404, "not_found");
    assertError(server.get("/admin/v1/imports/" + id, "x-api-key", key), 403, "forbidden");

    HttpResponse<String> undone = server.send("DELETE", "/admin/v1/imports/" + id, null, "Authorization", admin);
    assertEquals(200, undone.statusCode(), undone.body());
    assertEquals("undone", new JsonObject(undone.body()).getString("status"));
    assertEquals(0, count("select count(*) from events where site_id = $1", siteId("upload.example")));
  }
}
