package io.sightline.export;

import io.sightline.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How exported raw events are written: one JSON object a line, CSV with a header line, or Parquet ({@link ParquetExport}). Every stored column is
 * written under its column name. 64-bit ids are strings (JavaScript reads numbers above 2^53 inexactly), times are
 * ISO 8601 in UTC, {@code props} is a JSON object, {@code tags} a JSON array (in CSV both as JSON text), and a missing
 * value is JSON {@code null} or an empty CSV field.
 */
public enum ExportFormat {
  NDJSON("application/x-ndjson", "ndjson"),
  CSV("text/csv; charset=utf-8", "csv"),
  /** A binary file written by {@link ParquetExport}, not by {@link #row}. */
  PARQUET("application/vnd.apache.parquet", "parquet");

  /** Columns written as strings in JSON: 63-bit ids. */
  private static final Set<String> ID_COLUMNS = Set.of("event_id", "session_id", "visitor_id", "page_visit_id");

  private final String contentType;
  private final String extension;

  ExportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  public static ExportFormat parse(String s) {
    if (s == null || s.isBlank()) {
      return NDJSON;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "ndjson", "jsonl", "json" -> NDJSON;
      case "csv" -> CSV;
      case "parquet" -> PARQUET;
      default -> throw ApiException.badRequest("format must be ndjson, csv or parquet, not '" + s + "'");
    };
  }

  /** What precedes the rows: the CSV header line (nothing for NDJSON). */
  public void header(List<String> columns, StringBuilder out) {
    if (this == CSV) {
      csvLine(out, columns.toArray());
    }
  }

  /** Appends one row, ending with a newline. */
  public void row(Row row, List<String> columns, StringBuilder out) {
    if (this == PARQUET) {
      throw new IllegalStateException("Parquet is written by ParquetExport");
    }
    if (this == NDJSON) {
      JsonObject o = new JsonObject();
      for (int i = 0; i < columns.size(); i++) {
        o.put(columns.get(i), json(columns.get(i), row.getValue(i)));
      }
      out.append(o.encode()).append('\n');
    } else {
      Object[] values = new Object[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = text(row.getValue(i));
      }
      csvLine(out, values);
    }
  }

  private static Object json(String column, Object v) {
    if (v == null) {
      return null;
    }
    if (ID_COLUMNS.contains(column) || v instanceof Long && Math.abs((Long) v) > (1L << 53)) {
      return v.toString();
    }
    if (v instanceof Object[] array) {
      return new JsonArray(java.util.Arrays.asList(array));
    }
    if (v instanceof JsonObject || v instanceof JsonArray || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    return text(v);
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().toString(); // ISO 8601 in UTC, seconds always written
    }
    if (v instanceof LocalDate || v instanceof BigDecimal) {
      return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }
    if (v instanceof Object[] array) {
      return new JsonArray(java.util.Arrays.asList(array)).encode();
    }
    return v.toString();
  }

  private static void csvLine(StringBuilder out, Object... values) {
    try {
      Rfc4180.FORMAT.printRecord(out, values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 4180 with Unix line ends. */
  static final class Rfc4180 {
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private Rfc4180() {
    }
  }
}
