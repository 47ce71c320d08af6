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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Google Analytics 4's BigQuery export, the daily {@code events_YYYYMMDD} tables as newline-delimited JSON (BigQuery's
 * JSON export: one event a line, 64-bit integers as strings). Read: {@code event_name}, {@code event_timestamp}
 * (microseconds), {@code event_params} ({@code page_location}, {@code page_referrer}, {@code ga_session_id},
 * {@code currency}, and the rest as custom properties), {@code user_pseudo_id} (the browser), {@code device}
 * ({@code category}, {@code operating_system}, {@code operating_system_version}, {@code web_info.browser},
 * {@code web_info.browser_version}), {@code geo} ({@code country} by name, {@code region}, {@code city}),
 * {@code collected_traffic_source} (the event's own {@code manual_*} UTM values) and {@code ecommerce.purchase_revenue}.
 * {@code page_view} is a pageview; GA4's automatic bookkeeping events ({@code session_start}, {@code first_visit},
 * {@code user_engagement}) are skipped; every other event is a custom event of its name. {@code traffic_source} is not
 * read: it is the user's first acquisition, not the session's (Sightline derives a session's source from its first
 * event's URL and referrer, as at ingest).
 */
final class Ga4Reader {
  private static final Set<String> BOOKKEEPING = Set.of("session_start", "first_visit", "user_engagement", "first_open");
  /** Parameters GA4 sets itself: not custom properties. */
  private static final Set<String> RESERVED_PARAMS = Set.of("page_location", "page_referrer", "page_title", "ga_session_id",
      "ga_session_number", "engagement_time_msec", "session_engaged", "entrances", "ignore_referrer", "engaged_session_event",
      "batch_page_id", "batch_ordering_id", "currency", "value", "debug_mode", "term", "medium", "source", "campaign", "content");
  private static final Map<String, String> COUNTRIES = countries();

  private Ga4Reader() {
  }

  static List<VendorEvent> read(List<Path> files, ImportReport report) {
    List<VendorEvent> events = new ArrayList<>();
    for (Path file : files) {
      try (BufferedReader in = CsvFiles.reader(file)) {
        String line;
        long lineNumber = 0;
        while ((line = in.readLine()) != null) {
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          report.read();
          JsonObject o;
          try {
            o = new JsonObject(line);
          } catch (DecodeException e) {
            report.skipped("invalid_json");
            continue;
          }
          VendorEvent e = event(o, file.getFileName() + ":" + lineNumber, report);
          if (e != null) {
            events.add(e);
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

  private static VendorEvent event(JsonObject o, String position, ImportReport report) {
    String eventName = o.getString("event_name");
    if (eventName == null) {
      report.skipped("no_event_name");
      return null;
    }
    if (BOOKKEEPING.contains(eventName)) {
      report.skipped("ga4_bookkeeping_event");
      return null;
    }
    Long micros = longValue(o.getValue("event_timestamp"));
    if (micros == null) {
      report.skipped("invalid_timestamp");
      return null;
    }
    Instant ts = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    String visitor = o.getString("user_pseudo_id");
    if (visitor == null) {
      report.skipped("no_user_pseudo_id");
      return null;
    }
    Map<String, Object> params = params(o.getJsonArray("event_params"));
    String url = params.get("page_location") instanceof String s ? s : null;
    if (url == null) {
      report.skipped("no_page_location");
      return null;
    }
    String referrer = params.get("page_referrer") instanceof String s ? s : null;
    Object session = params.get("ga_session_id");
    Map<String, String> props = new LinkedHashMap<>();
    params.forEach((k, v) -> {
      if (!RESERVED_PARAMS.contains(k) && v != null && props.size() < 30) {
        props.put(k, v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v.toString());
      }
    });
    JsonObject device = o.getJsonObject("device", new JsonObject());
    JsonObject web = device.getJsonObject("web_info", new JsonObject());
    JsonObject geo = o.getJsonObject("geo", new JsonObject());
    JsonObject ecommerce = o.getJsonObject("ecommerce", new JsonObject());
    BigDecimal revenue = decimal(ecommerce.getValue("purchase_revenue"));
    String currency = params.get("currency") instanceof String c && c.matches("[A-Za-z]{3}") ? c.toUpperCase(Locale.ROOT) : null;
    Map<String, String> utm = new HashMap<>();
    JsonObject collected = o.getJsonObject("collected_traffic_source", new JsonObject());
    for (String f : List.of("source", "medium", "campaign", "content", "term")) {
      String v = collected.getString("manual_" + (f.equals("campaign") ? "campaign_name" : f));
      if (v != null && !v.isBlank() && !v.startsWith("(")) {
        utm.put("utm_" + f, v);
      }
    }
    EventType type = eventName.equals("page_view") ? EventType.PAGEVIEW : EventType.CUSTOM;
    String osVersion = device.getString("operating_system_version");
    String os = os(device.getString("operating_system"));
    return new VendorEvent(position, visitor, session == null ? null : session.toString(), ts, type, eventName, url, referrer, utm,
        country(geo.getString("country")), notSet(geo.getString("region")), notSet(geo.getString("city")),
        device(device.getString("category")), notSet(web.getString("browser")), major(web.getString("browser_version")), os,
        osVersion(osVersion), null, props.isEmpty() ? null : props, revenue != null && revenue.signum() > 0 ? revenue : null, currency);
  }

  /** event_params: {key, value: {string_value | int_value | float_value | double_value}}. */
  private static Map<String, Object> params(JsonArray array) {
    Map<String, Object> params = new LinkedHashMap<>();
    if (array == null) {
      return params;
    }
    for (Object item : array) {
      if (!(item instanceof JsonObject p) || p.getString("key") == null) {
        continue;
      }
      JsonObject v = p.getJsonObject("value", new JsonObject());
      Object value = v.getValue("string_value");
      if (value == null && v.getValue("int_value") != null) {
        value = longValue(v.getValue("int_value"));
      }
      if (value == null && v.getValue("double_value") != null) {
        value = decimal(v.getValue("double_value"));
      }
      if (value == null && v.getValue("float_value") != null) {
        value = decimal(v.getValue("float_value"));
      }
      params.put(p.getString("key"), value);
    }
    return params;
  }

  private static Long longValue(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static BigDecimal decimal(Object v) {
    if (v == null) {
      return null;
    }
    try {
      return new BigDecimal(v.toString().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String notSet(String s) {
    return s == null || s.isBlank() || s.equals("(not set)") ? null : s;
  }

  static String device(String category) {
    if (category == null) {
      return null;
    }
    return switch (category.toLowerCase(Locale.ROOT)) {
      case "mobile", "smart tv" -> category.equalsIgnoreCase("mobile") ? "mobile" : "desktop";
      case "tablet" -> "tablet";
      case "desktop" -> "desktop";
      default -> null;
    };
  }

  /** GA4's operating system names, as Sightline names them. */
  static String os(String os) {
    if (os == null || os.equals("(not set)")) {
      return null;
    }
    return switch (os) {
      case "Macintosh", "Mac OS X", "macOS" -> "macOS";
      case "Chrome OS" -> "ChromeOS";
      default -> os;
    };
  }

  /** "Windows 10" is 10, "iOS 17.1.2" is 17, "Android 14" is 14. */
  static String osVersion(String v) {
    if (v == null || v.equals("(not set)")) {
      return null;
    }
    int space = v.lastIndexOf(' ');
    return major(space < 0 ? v : v.substring(space + 1));
  }

  private static String major(String version) {
    if (version == null || version.isBlank() || version.equals("(not set)")) {
      return null;
    }
    int dot = version.indexOf('.');
    return dot < 0 ? version : version.substring(0, dot);
  }

  /** GA4 writes countries by English name; Sightline stores ISO 3166-1 alpha-2 codes. Unknown names: no country. */
  static String country(String name) {
    return name == null ? null : COUNTRIES.get(name.toLowerCase(Locale.ROOT));
  }

  private static Map<String, String> countries() {
    Map<String, String> byName = new HashMap<>();
    for (String code : Locale.getISOCountries()) {
      byName.put(new Locale("", code).getDisplayCountry(Locale.ENGLISH).toLowerCase(Locale.ROOT), code);
    }
    byName.put("united states", "US");
    byName.put("united kingdom", "GB");
    byName.put("south korea", "KR");
    byName.put("czechia", "CZ");
    byName.put("russia", "RU");
    byName.put("türkiye", "TR");
    byName.put("turkey", "TR");
    byName.put("vietnam", "VN");
    byName.put("taiwan", "TW");
    byName.put("hong kong", "HK");
    return byName;
  }
}
