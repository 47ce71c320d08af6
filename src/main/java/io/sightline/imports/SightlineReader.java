package io.sightline.imports;

import io.sightline.http.ApiException;
import io.sightline.ingest.EventType;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sightline's own raw export ({@code sightline export}, {@code GET /api/export}) as NDJSON: every event replayed as a
 * sender's event with its stored fields. The visitor's key is its stored visitor id and the vendor session its stored
 * session id, so sessions split where they did; the source and channel are derived again from the stored referrer, UTMs
 * and click-id name. Visitors stored with a sender's stable id come back as daily ids (their multi-day counts then follow
 * the daily rule).
 */
final class SightlineReader {
  private static final List<String> UTM = List.of("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term");

  private SightlineReader() {
  }

  static List<VendorEvent> read(List<Path> files, ImportReport report) {
    List<VendorEvent> events = new ArrayList<>();
    for (Path file : files) {
      try (BufferedReader in = CsvFiles.reader(file)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          report.read();
          try {
            VendorEvent e = event(new JsonObject(line), report);
            if (e != null) {
              events.add(e);
            }
          } catch (DecodeException | ClassCastException | DateTimeParseException | NumberFormatException e) {
            report.skipped("invalid_row");
          }
        }
      } catch (java.nio.file.NoSuchFileException e) {
        throw ApiException.badRequest("no file " + file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return events;
  }

  private static VendorEvent event(JsonObject o, ImportReport report) {
    EventType type = EventType.parse(o.getString("type"));
    String ts = o.getString("ts");
    if (type == null || ts == null || o.getString("hostname") == null || o.getString("pathname") == null || o.getValue("visitor_id") == null) {
      report.skipped("invalid_row");
      return null;
    }
    StringBuilder query = new StringBuilder(o.getString("query") == null ? "" : o.getString("query"));
    String clickId = o.getString("click_id_param");
    if (clickId != null && query.indexOf(clickId + "=") < 0) { // only its name is stored: enough for the channel rules
      query.append(query.length() == 0 ? "" : "&").append(clickId).append("=1");
    }
    String url = "https://" + o.getString("hostname") + o.getString("pathname") + (query.length() == 0 ? "" : "?" + query);
    Map<String, String> utm = new HashMap<>();
    for (String u : UTM) {
      if (o.getString(u) != null) {
        utm.put(u, o.getString(u));
      }
    }
    Map<String, String> props = null;
    if (o.getValue("props") instanceof JsonObject p && !p.isEmpty()) {
      props = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : p) {
        props.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString());
      }
    }
    List<String> tags = null;
    if (o.getValue("tags") instanceof JsonArray t) {
      tags = new ArrayList<>();
      for (Object tag : t) {
        tags.add(String.valueOf(tag));
      }
    }
    Object revenue = o.getValue("revenue_amount");
    VendorEvent.Interaction interaction = new VendorEvent.Interaction(o.getString("target_label"), o.getString("target_secondary"),
        o.getInteger("scroll_depth"), o.getInteger("engagement_ms"), tags, o.getBoolean("interactive", true));
    return new VendorEvent(String.valueOf(o.getValue("event_id")), String.valueOf(o.getValue("visitor_id")),
        String.valueOf(o.getValue("session_id")), Instant.parse(ts), type, o.getString("name"), url, o.getString("referrer"), utm,
        o.getString("country"), o.getString("region"), o.getString("city"), o.getString("device"), o.getString("browser"),
        o.getString("browser_version"), o.getString("os"), o.getString("os_version"), o.getInteger("screen_width"), props,
        revenue == null ? null : new BigDecimal(revenue.toString()), o.getString("revenue_currency"), interaction);
  }
}
