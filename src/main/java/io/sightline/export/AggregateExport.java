package io.sightline.export;

import io.sightline.http.ApiException;
import io.sightline.event.Dimension;
import io.sightline.query.Metric;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.sightline.site.Site;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A site's daily aggregates in Plausible CE's CSV export layout (its {@code imported_*} tables, which Plausible imports), as a
 * zip of {@code imported_<table>_<first>_<last>.csv} files, so that a site can move to Plausible. Every number is the query
 * engine's (one query per table and local day of the site's time zone: dimensions group alone per day): visitors, visits
 * (sessions), pageviews, bounces and visit_duration (the sessions' total duration, seconds). What Sightline has no value for
 * is written as Plausible's empty value: a source's referrer URL, utm_source, utm_content and utm_term (the source already
 * names it), a page's scroll depth (empty) and pageleave visitors (0), a city's GeoNames id (0; Sightline keeps names), a
 * custom event's link_url and path.
 */
public final class AggregateExport {
  /** At most this many days at once (a query per table and day). */
  public static final int MAX_DAYS = 400;
  private static final DateTimeFormatter FILE_DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final List<Metric> SESSION_METRICS = List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS, Metric.BOUNCES,
      Metric.TOTAL_DURATION);

  /** One imported_* table: its columns and how a day's rows are read from the engine. */
  private record Table(String name, List<String> header, List<Dimension> dimensions, List<Metric> metrics) {
  }

  private static final List<Table> TABLES = List.of(
      new Table("imported_sources", List.of("date", "source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
          "pageviews", "visitors", "visits", "visit_duration", "bounces"),
          List.of(Dimension.SOURCE, Dimension.UTM_MEDIUM, Dimension.UTM_CAMPAIGN), SESSION_METRICS),
      new Table("imported_pages", List.of("date", "hostname", "page", "visits", "visitors", "pageviews", "scroll_depth", "pageleave_visitors"),
          List.of(Dimension.PAGE), List.of(Metric.VISITORS, Metric.SESSIONS, Metric.PAGEVIEWS)),
      new Table("imported_entry_pages", List.of("date", "entry_page", "visitors", "entrances", "visit_duration", "bounces", "pageviews"),
          List.of(Dimension.ENTRY_PAGE), SESSION_METRICS),
      new Table("imported_exit_pages", List.of("date", "exit_page", "visitors", "visit_duration", "exits", "bounces", "pageviews"),
          List.of(Dimension.EXIT_PAGE), SESSION_METRICS),
      new Table("imported_custom_events", List.of("date", "name", "link_url", "path", "visitors", "events"),
          List.of(Dimension.EVENT_NAME), List.of(Metric.VISITORS, Metric.EVENTS)),
      new Table("imported_locations", List.of("date", "country", "region", "city", "visitors", "visits", "visit_duration", "bounces", "pageviews"),
          List.of(Dimension.COUNTRY, Dimension.REGION), SESSION_METRICS),
      new Table("imported_devices", List.of("date", "device", "visitors", "visits", "visit_duration", "bounces", "pageviews"),
          List.of(Dimension.DEVICE), SESSION_METRICS),
      new Table("imported_browsers", List.of("date", "browser", "browser_version", "visitors", "visits", "visit_duration", "bounces", "pageviews"),
          List.of(Dimension.BROWSER, Dimension.BROWSER_VERSION), SESSION_METRICS),
      new Table("imported_operating_systems", List.of("date", "operating_system", "operating_system_version", "visitors", "visits",
          "visit_duration", "bounces", "pageviews"), List.of(Dimension.OS, Dimension.OS_VERSION), SESSION_METRICS));

  private final Vertx vertx;
  private final QueryEngine engine;

  public AggregateExport(Vertx vertx, QueryEngine engine) {
    this.vertx = vertx;
    this.engine = engine;
  }

  /** The zip's bytes. */
  public Future<byte[]> zip(Site site, ExportRange range) {
    if (range.from().plusDays(MAX_DAYS).isBefore(range.to().plusDays(1))) {
      return Future.failedFuture(ApiException.badRequest("an aggregate export covers at most " + MAX_DAYS + " days at once"));
    }
    List<List<String>> visitors = new ArrayList<>();
    List<List<List<String>>> tables = new ArrayList<>();
    TABLES.forEach(t -> tables.add(new ArrayList<>()));
    QuerySpec daily = new QuerySpec(site.id(), range.start(), range.end(), range.zone(), SESSION_METRICS, List.of(Dimension.DATE), List.of(),
        null, false, 10_000, 0);
    Future<Void> f = engine.run(daily, true).map(result -> {
      for (Map<String, Object> row : result.rows()) {
        visitors.add(List.of(text(row.get("date")), num(row, Metric.VISITORS), num(row, Metric.PAGEVIEWS), num(row, Metric.BOUNCES),
            num(row, Metric.SESSIONS), num(row, Metric.TOTAL_DURATION)));
      }
      return null;
    });
    for (LocalDate day = range.from(); !day.isAfter(range.to()); day = day.plusDays(1)) {
      LocalDate d = day;
      for (int i = 0; i < TABLES.size(); i++) {
        Table t = TABLES.get(i);
        List<List<String>> rows = tables.get(i);
        QuerySpec q = new QuerySpec(site.id(), d.atStartOfDay(range.zone()).toInstant(), d.plusDays(1).atStartOfDay(range.zone()).toInstant(),
            range.zone(), t.metrics(), t.dimensions(), List.of(), null, true, 10_000, 0);
        f = f.compose(v -> engine.run(q, true)).map(result -> {
          result.rows().forEach(row -> {
            List<String> line = line(t, d, row, site);
            if (line != null) {
              rows.add(line);
            }
          });
          return null;
        });
      }
    }
    String suffix = "_" + FILE_DAY.format(range.from()) + "_" + FILE_DAY.format(range.to()) + ".csv";
    return f.compose(v -> vertx.executeBlocking(() -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        write(zip, "imported_visitors" + suffix, List.of("date", "visitors", "pageviews", "bounces", "visits", "visit_duration"), visitors);
        for (int i = 0; i < TABLES.size(); i++) {
          write(zip, TABLES.get(i).name() + suffix, TABLES.get(i).header(), tables.get(i));
        }
      }
      return bytes.toByteArray();
    }));
  }

  /** One CSV line of a table for a day, in its header's order; null for rows Plausible has no place for. */
  private static List<String> line(Table t, LocalDate day, Map<String, Object> row, Site site) {
    String date = day.toString();
    String visitors = num(row, Metric.VISITORS);
    String visits = num(row, Metric.SESSIONS);
    String pageviews = num(row, Metric.PAGEVIEWS);
    String bounces = num(row, Metric.BOUNCES);
    String duration = num(row, Metric.TOTAL_DURATION);
    return switch (t.name()) {
      case "imported_sources" -> List.of(date, text(row.get("source")), "", "", text(row.get("utm_medium")), text(row.get("utm_campaign")), "",
          "", pageviews, visitors, visits, duration, bounces);
      case "imported_pages" -> List.of(date, site.domain(), text(row.get("page")), visits, visitors, pageviews, "", "0");
      case "imported_entry_pages" -> row.get("entry_page") == null ? null
          : List.of(date, text(row.get("entry_page")), visitors, visits, duration, bounces, pageviews);
      case "imported_exit_pages" -> row.get("exit_page") == null ? null
          : List.of(date, text(row.get("exit_page")), visitors, duration, visits, bounces, pageviews);
      case "imported_custom_events" -> "pageview".equals(row.get("event_name")) || row.get("event_name") == null ? null
          : List.of(date, text(row.get("event_name")), "", "", visitors, num(row, Metric.EVENTS));
      case "imported_locations" -> List.of(date, text(row.get("country")), text(row.get("region")), "0", visitors, visits, duration, bounces,
          pageviews);
      case "imported_devices" -> List.of(date, device(row.get("device")), visitors, visits, duration, bounces, pageviews);
      case "imported_browsers" -> List.of(date, text(row.get("browser")), text(row.get("browser_version")), visitors, visits, duration, bounces,
          pageviews);
      case "imported_operating_systems" -> List.of(date, text(row.get("os")), text(row.get("os_version")), visitors, visits, duration,
          bounces, pageviews);
      default -> throw new IllegalStateException(t.name());
    };
  }

  /** Plausible writes device classes capitalised. */
  private static String device(Object d) {
    String s = text(d);
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  private static String num(Map<String, Object> row, Metric m) {
    Object v = row.get(m.id());
    return v == null ? "0" : v.toString();
  }

  private static String text(Object v) {
    return v == null ? "" : v.toString();
  }

  private static void write(ZipOutputStream zip, String name, List<String> header, List<List<String>> rows) {
    try {
      zip.putNextEntry(new ZipEntry(name));
      Writer w = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
      ExportFormat.Rfc4180.FORMAT.printRecord(w, header.toArray());
      for (List<String> row : rows) {
        ExportFormat.Rfc4180.FORMAT.printRecord(w, row.toArray());
      }
      w.flush();
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
