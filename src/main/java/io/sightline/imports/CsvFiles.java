package io.sightline.imports;

import io.sightline.http.ApiException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens an export's CSV file (gzip-compressed if its name ends in .gz) with its header line as the column names. */
final class CsvFiles {
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
      .setTrim(true).get();

  private CsvFiles() {
  }

  static CSVParser open(Path file) {
    try {
      return FORMAT.parse(reader(file));
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest(file.getFileName() + " is not a CSV file with a header line: " + e.getMessage());
    }
  }

  static BufferedReader reader(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /** A field's value, null when the column is missing or the field empty (or {@code \N}, PostgreSQL's null in COPY output). */
  static String get(org.apache.commons.csv.CSVRecord r, String column) {
    if (!r.isMapped(column) || !r.isSet(column)) {
      return null;
    }
    String v = r.get(column);
    return v == null || v.isEmpty() || v.equals("\\N") ? null : v;
  }
}
