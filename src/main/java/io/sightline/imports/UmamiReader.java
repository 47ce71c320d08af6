package io.sightline.imports;

import io.sightline.http.ApiException;
import io.sightline.ingest.EventType;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

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

/**
 * Umami's raw data, as CSV files of its tables (a database's {@code COPY ... TO ... CSV HEADER}, or Umami's data export):
 * {@code website_event} (the events: {@code event_id, session_id, created_at, hostname, url_path, url_query, referrer_domain,
 * referrer_path, referrer_query, utm_*, gclid...twclid, event_type, event_name}), {@code session} (the browser's
 * {@code browser, os, device, screen, country, region} or {@code subdivision1}, {@code city}) and, optionally,
 * {@code event_data} (custom event properties: {@code website_event_id, data_key, string_value, number_value}; the keys
 * {@code revenue} and {@code currency} are revenue). Each file is recognised by its header line, in any order.
 * {@code event_type} 1 is a pageview, 2 a custom event; other types (Umami's later additions) are skipped.
 */
final class UmamiReader {
  private static final List<String> CLICK_IDS = List.of("gclid", "fbclid", "msclkid", "ttclid", "li_fat_id", "twclid");
  private static final List<String> UTM = List.of("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term");

  private record Browser(String browser, String os, String osVersion, String device, Integer screenWidth, String country, String region, String city) {
  }

  private UmamiReader() {
  }

  static List<VendorEvent> read(List<Path> files, ImportReport report) {
    List<Path> eventFiles = new ArrayList<>();
    Map<String, Browser> browsers = new HashMap<>();
    Map<String, Map<String, String>> data = new HashMap<>();
    for (Path file : files) {
      try (CSVParser csv = CsvFiles.open(file)) {
        List<String> header = csv.getHeaderNames();
        if (header.contains("url_path") && header.contains("session_id")) {
          eventFiles.add(file);
        } else if (header.contains("session_id") && header.contains("browser")) {
          for (CSVRecord r : csv) {
            browsers.put(CsvFiles.get(r, "session_id"), browser(r));
          }
        } else if (header.contains("website_event_id") && header.contains("data_key")) {
          for (CSVRecord r : csv) {
            String value = CsvFiles.get(r, "string_value") != null ? CsvFiles.get(r, "string_value") : number(CsvFiles.get(r, "number_value"));
            if (value != null && CsvFiles.get(r, "data_key") != null) {
              data.computeIfAbsent(CsvFiles.get(r, "website_event_id"), k -> new LinkedHashMap<>()).put(CsvFiles.get(r, "data_key"), value);
            }
          }
        } else {
          throw ApiException.badRequest(file.getFileName() + " is not one of Umami's website_event, session or event_data tables "
              + "(its header has " + String.join(",", header) + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (eventFiles.isEmpty()) {
      throw ApiException.badRequest("no website_event file among the files (a CSV whose header has url_path and session_id)");
    }
    List<VendorEvent> events = new ArrayList<>();
    for (Path file : eventFiles) {
      try (CSVParser csv = CsvFiles.open(file)) {
        for (CSVRecord r : csv) {
          report.read();
          VendorEvent e = event(r, browsers, data, report);
          if (e != null) {
            events.add(e);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return events;
  }

  private static VendorEvent event(CSVRecord r, Map<String, Browser> browsers, Map<String, Map<String, String>> data, ImportReport report) {
    String type = CsvFiles.get(r, "event_type");
    EventType t = "1".equals(type) || type == null ? EventType.PAGEVIEW : "2".equals(type) ? EventType.CUSTOM : null;
    if (t == null) {
      report.skipped("unsupported_event_type");
      return null;
    }
    Instant ts = VendorTimes.utc(CsvFiles.get(r, "created_at"));
    if (ts == null) {
      report.skipped("invalid_timestamp");
      return null;
    }
    String sessionId = CsvFiles.get(r, "session_id");
    if (sessionId == null) {
      report.skipped("no_session_id");
      return null;
    }
    String name = CsvFiles.get(r, "event_name");
    if (t == EventType.CUSTOM && name == null) {
      report.skipped("custom_event_without_name");
      return null;
    }
    String host = CsvFiles.get(r, "hostname");
    String path = CsvFiles.get(r, "url_path");
    StringBuilder query = new StringBuilder(CsvFiles.get(r, "url_query") == null ? "" : CsvFiles.get(r, "url_query"));
    if (query.length() > 0 && query.charAt(0) == '?') {
      query.deleteCharAt(0);
    }
    for (String clickId : CLICK_IDS) { // stored apart from the query by newer Umami versions: put back for the channel rules
      String v = CsvFiles.get(r, clickId);
      if (v != null && query.indexOf(clickId + "=") < 0) {
        query.append(query.length() == 0 ? "" : "&").append(clickId).append('=').append(java.net.URLEncoder.encode(v,
            java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    String url = "https://" + (host == null ? "unknown.invalid" : host) + (path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path)
        + (query.length() == 0 ? "" : "?" + query);
    String refDomain = CsvFiles.get(r, "referrer_domain");
    String referrer = refDomain == null ? null : "https://" + refDomain + nonNull(CsvFiles.get(r, "referrer_path"));
    Map<String, String> utm = new HashMap<>();
    for (String u : UTM) {
      String v = CsvFiles.get(r, u);
      if (v != null) {
        utm.put(u, v);
      }
    }
    Map<String, String> props = data.get(CsvFiles.get(r, "event_id"));
    BigDecimal revenue = null;
    String currency = null;
    if (props != null) {
      props = new LinkedHashMap<>(props);
      String amount = props.remove("revenue");
      currency = props.remove("currency");
      try {
        revenue = amount == null ? null : new BigDecimal(amount);
      } catch (NumberFormatException e) {
        revenue = null;
      }
      if (currency != null && !currency.matches("[A-Za-z]{3}")) {
        currency = null;
      }
      currency = currency == null ? null : currency.toUpperCase(Locale.ROOT);
    }
    Browser b = browsers.getOrDefault(sessionId, new Browser(null, null, null, null, null, null, null, null));
    String eventKey = CsvFiles.get(r, "event_id") != null ? CsvFiles.get(r, "event_id") : sessionId + "@" + ts + "#" + r.getRecordNumber();
    return new VendorEvent(eventKey, sessionId, null, ts, t, name, url, referrer, utm, b.country, b.region, b.city, b.device,
        b.browser, null, b.os, b.osVersion, b.screenWidth, props == null || props.isEmpty() ? null : props, revenue, currency);
  }

  private static Browser browser(CSVRecord r) {
    String region = CsvFiles.get(r, "region") != null ? CsvFiles.get(r, "region") : CsvFiles.get(r, "subdivision1");
    String country = CsvFiles.get(r, "country");
    if (country != null && !country.matches("[A-Za-z]{2}")) {
      country = null;
    }
    String os = CsvFiles.get(r, "os");
    return new Browser(browserName(CsvFiles.get(r, "browser")), osName(os), osVersion(os), device(CsvFiles.get(r, "device")),
        screenWidth(CsvFiles.get(r, "screen")), country == null ? null : country.toUpperCase(Locale.ROOT), region, CsvFiles.get(r, "city"));
  }

  /** Umami's device classes (laptop is a desktop screen size). */
  static String device(String d) {
    if (d == null) {
      return null;
    }
    return switch (d.toLowerCase(Locale.ROOT)) {
      case "mobile" -> "mobile";
      case "tablet" -> "tablet";
      case "desktop", "laptop" -> "desktop";
      default -> null;
    };
  }

  /** Umami names browsers by detect-browser's ids; Sightline by the names dashboards use. */
  static String browserName(String b) {
    if (b == null) {
      return null;
    }
    return switch (b.toLowerCase(Locale.ROOT)) {
      case "chrome", "crios", "chromium-webview" -> "Chrome";
      case "firefox", "fxios" -> "Firefox";
      case "safari", "ios", "ios-webview" -> "Safari";
      case "edge", "edge-chromium", "edge-ios" -> "Edge";
      case "opera", "opera-mini" -> b.equalsIgnoreCase("opera-mini") ? "Opera Mini" : "Opera";
      case "samsung" -> "Samsung Internet";
      case "yandexbrowser" -> "Yandex Browser";
      case "android" -> "Android Browser";
      case "facebook" -> "Facebook";
      case "instagram" -> "Instagram";
      case "silk" -> "Silk";
      default -> b;
    };
  }

  /** Umami's operating system names ("Windows 10", "Mac OS", "Android OS"): the family, as Sightline names it. */
  static String osName(String os) {
    if (os == null) {
      return null;
    }
    if (os.startsWith("Windows")) {
      return "Windows";
    }
    return switch (os) {
      case "Mac OS" -> "macOS";
      case "Android OS" -> "Android";
      case "Chrome OS" -> "ChromeOS";
      default -> os;
    };
  }

  /** The version Umami keeps in the name ("Windows 10" is 10), else null. */
  static String osVersion(String os) {
    return os != null && os.startsWith("Windows ") ? os.substring("Windows ".length()) : null;
  }

  private static Integer screenWidth(String screen) {
    if (screen == null) {
      return null;
    }
    int x = screen.indexOf('x');
    try {
      int w = Integer.parseInt(x < 0 ? screen : screen.substring(0, x));
      return w > 0 && w <= 100_000 ? w : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String number(String s) {
    if (s == null) {
      return null;
    }
    try {
      return new BigDecimal(s).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
