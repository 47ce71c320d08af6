package io.sightline.imports;

import io.sightline.http.ApiException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads Plausible CE's CSV export: its {@code imported_<table>[_<first>_<last>].csv} files (Plausible's names, also without
 * the {@code imported_} prefix, gzip-compressed with {@code .gz}), given one by one or as the export's zip, each with its
 * header line (the columns of Plausible's CSV importer, by name, in any order; columns Sightline does not keep, such as a
 * page's scroll depth, are ignored). One {@link DailyRow} per line.
 */
final class PlausibleReader {
  private static final Pattern NAME = Pattern.compile("(?:imported_)?([a-z_]+?)(?:_\\d{8}_\\d{8})?\\.csv(?:\\.gz)?");

  /** The tables and the dimension column each must have (visitors has none). */
  static final Map<String, String> TABLES = Map.of("visitors", "date", "sources", "source", "pages", "page", "entry_pages", "entry_page",
      "exit_pages", "exit_page", "locations", "country", "devices", "device", "browsers", "browser", "operating_systems",
      "operating_system", "custom_events", "name");

  /** The stored dimension columns (V25), in {@link DailyRow#dimensions}' order. */
  static final List<String> DIMENSIONS = List.of("source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content",
      "utm_term", "hostname", "page", "entry_page", "exit_page", "country", "region", "city", "device", "browser", "browser_version",
      "os", "os_version", "event_name", "link_url", "path");
  /** The stored counts (V25), in {@link DailyRow#counts}' order. */
  static final List<String> COUNTS = List.of("visitors", "visits", "pageviews", "bounces", "visit_duration", "entrances", "exits",
      "events");
  /** Plausible's column names that Sightline stores under another name. */
  private static final Map<String, String> RENAMED = Map.of("name", "event_name", "operating_system", "os",
      "operating_system_version", "os_version");

  /** One line of an imported_* table: its table, day, dimension values ({@link #DIMENSIONS}) and counts ({@link #COUNTS}). */
  record DailyRow(String table, LocalDate day, String[] dimensions, long[] counts) {
  }

  private PlausibleReader() {
  }

  static List<DailyRow> read(List<Path> files, ImportReport report) {
    List<DailyRow> rows = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
          for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry entry = e.nextElement();
            if (!entry.isDirectory()) {
              String base = Path.of(entry.getName()).getFileName().toString();
              try (Reader r = new InputStreamReader(zip.getInputStream(entry), StandardCharsets.UTF_8)) {
                readTable(base, r, rows, report);
              }
            }
          }
        } catch (IOException e) {
          throw ApiException.badRequest(name + " is not a readable zip: " + e.getMessage());
        }
      } else {
        try (Reader r = CsvFiles.reader(file)) {
          readTable(name, r, rows, report);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return rows;
  }

  /** The table a file holds, from its name. */
  static String table(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches() || !TABLES.containsKey(m.group(1))) {
      throw ApiException.badRequest(fileName + " is not a file of Plausible's export: its files are imported_<table>_<first>_<last>.csv with "
          + "<table> one of " + String.join(", ", TABLES.keySet().stream().sorted().toList()));
    }
    return m.group(1);
  }

  private static void readTable(String fileName, Reader reader, List<DailyRow> rows, ImportReport report) throws IOException {
    String table = table(fileName);
    CSVParser csv;
    try {
      csv = CsvFiles.FORMAT.parse(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest(fileName + " is not a CSV file with a header line: " + e.getMessage());
    }
    Set<String> header = csv.getHeaderMap().keySet();
    if (!header.contains("date") || !header.contains(TABLES.get(table))) {
      throw ApiException.badRequest(fileName + " lacks the column date or " + TABLES.get(table) + ": its header is " + header);
    }
    for (CSVRecord r : csv) {
      report.read();
      LocalDate day;
      try {
        day = LocalDate.parse(r.get("date"));
      } catch (DateTimeParseException | IllegalArgumentException e) {
        report.skipped("invalid_date");
        continue;
      }
      String[] dims = new String[DIMENSIONS.size()];
      for (String column : header) {
        int i = DIMENSIONS.indexOf(RENAMED.getOrDefault(column, column));
        if (i >= 0) {
          dims[i] = value(DIMENSIONS.get(i), CsvFiles.get(r, column));
        }
      }
      long[] counts = new long[COUNTS.size()];
      boolean valid = true;
      for (int i = 0; i < COUNTS.size() && valid; i++) {
        String v = CsvFiles.get(r, COUNTS.get(i));
        try {
          counts[i] = v == null ? 0 : Long.parseLong(v);
          valid = counts[i] >= 0;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        report.skipped("invalid_number");
        continue;
      }
      rows.add(new DailyRow(table, day, dims, counts));
    }
  }

  /** A dimension value as Sightline keeps it: devices in lower case, no city for GeoNames id 0. */
  private static String value(String column, String v) {
    if (v == null) {
      return null;
    }
    return switch (column) {
      case "device" -> v.toLowerCase(Locale.ROOT);
      case "city" -> "0".equals(v) ? null : v;
      default -> v;
    };
  }
}
