package io.sightline.imports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded GA4 BigQuery export: one {@code events_YYYYMMDD} NDJSON file per day in the export schema (event_timestamp in
 * microseconds as a string, event_params with typed values, user_pseudo_id, device, geo by country name,
 * collected_traffic_source, ecommerce), with GA4's bookkeeping events (session_start, user_engagement) around the
 * pageviews and purchases. A new ga_session_id where a visit's events are more than 30 minutes apart, and for each visit (two
 * visits of a browser may overlap: GA4's sessions then stay apart); no session crosses a UTC midnight.
 */
final class Ga4Fixture {
  static final LocalDate FIRST_DAY = LocalDate.of(2023, 11, 20);
  static final int DAYS = 4;

  final List<Oracle.Event> stored = new ArrayList<>();
  final List<Path> files = new ArrayList<>();
  int lines;
  int bookkeeping;

  Ga4Fixture(Path dir, long seed, String host) {
    Random rnd = new Random(seed);
    String[] countries = {"United States", "Germany", "India", "(not set)"};
    String[] codes = {"US", "DE", "IN", null};
    String[] categories = {"desktop", "mobile", "tablet"};
    String[] paths = {"/", "/pricing", "/features", "/blog/ga4"};
    StringBuilder[] days = new StringBuilder[DAYS];
    for (int d = 0; d < DAYS; d++) {
      days[d] = new StringBuilder();
    }
    for (int u = 0; u < 45; u++) {
      String user = (1_000_000 + u) + "." + (1_700_000_000 + u);
      int c = rnd.nextInt(countries.length);
      String category = categories[rnd.nextInt(categories.length)];
      int visits = 1 + rnd.nextInt(3);
      for (int v = 0; v < visits; v++) {
        int day = rnd.nextInt(DAYS);
        Instant t = FIRST_DAY.plusDays(day).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofMinutes(rnd.nextInt(18 * 60)));
        int kind = rnd.nextInt(3);
        long gaSession = t.getEpochSecond();
        int n = 1 + rnd.nextInt(5);
        for (int e = 0; e < n; e++) {
          if (e > 0) {
            Duration gap = Duration.ofMinutes(rnd.nextInt(8) == 0 ? 50 : 1 + rnd.nextInt(20));
            t = t.plus(gap);
            if (gap.toMinutes() > 30) {
              gaSession = t.getEpochSecond();
              line(days[day], "session_start", t, user, gaSession, "https://" + host + "/", null, null, countries[c], category, null);
              bookkeeping++;
            }
          } else {
            line(days[day], "session_start", t, user, gaSession, "https://" + host + "/", null, null, countries[c], category, null);
            bookkeeping++;
          }
          boolean purchase = e > 0 && rnd.nextInt(5) == 0;
          String path = paths[rnd.nextInt(paths.length)];
          String source = e == 0 && kind == 1 ? "blog.partner.org" : e == 0 && kind == 2 ? "newsletter" : null;
          String url = "https://" + host + path + (e == 0 && kind == 2 ? "?utm_source=newsletter&utm_medium=email" : "");
          String referrer = e == 0 && kind == 1 ? "https://blog.partner.org/post" : e > 0 ? "https://" + host + "/" : null;
          BigDecimal revenue = purchase ? new BigDecimal(rnd.nextBoolean() ? "12.50" : "80.00") : null;
          line(days[day], purchase ? "purchase" : "page_view", t, user, gaSession, url, referrer, revenue, countries[c], category, path);
          stored.add(new Oracle.Event(user, t, !purchase, path, codes[c], category, source, revenue, Long.toString(gaSession)));
          if (rnd.nextBoolean()) {
            line(days[day], "user_engagement", t.plusSeconds(5), user, gaSession, url, null, null, countries[c], category, null);
            bookkeeping++;
          }
        }
      }
    }
    try {
      for (int d = 0; d < DAYS; d++) {
        files.add(Files.writeString(dir.resolve("events_" + FIRST_DAY.plusDays(d).toString().replace("-", "") + ".json"), days[d]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void line(StringBuilder out, String name, Instant t, String user, long gaSession, String url, String referrer, BigDecimal revenue,
                    String country, String category, String title) {
    lines++;
    JsonArray params = new JsonArray()
        .add(param("page_location", new JsonObject().put("string_value", url)))
        .add(param("ga_session_id", new JsonObject().put("int_value", Long.toString(gaSession))))
        .add(param("ga_session_number", new JsonObject().put("int_value", "1")));
    if (referrer != null) {
      params.add(param("page_referrer", new JsonObject().put("string_value", referrer)));
    }
    if (title != null) {
      params.add(param("page_title", new JsonObject().put("string_value", "Page " + title)));
    }
    JsonObject o = new JsonObject().put("event_date", t.atOffset(ZoneOffset.UTC).toLocalDate().toString().replace("-", ""))
        .put("event_timestamp", Long.toString(t.getEpochSecond() * 1_000_000L + 123_456L)).put("event_name", name).put("event_params", params)
        .put("user_pseudo_id", user).putNull("user_id")
        .put("device", new JsonObject().put("category", category).put("operating_system", "Windows").put("operating_system_version", "Windows 10")
            .put("web_info", new JsonObject().put("browser", "Chrome").put("browser_version", "119.0.6045.159")))
        .put("geo", new JsonObject().put("country", country).put("region", "(not set)").put("city", "(not set)"))
        .put("traffic_source", new JsonObject().put("name", "(direct)").put("medium", "(none)").put("source", "(direct)"))
        .put("platform", "WEB");
    if (revenue != null) {
      params.add(param("currency", new JsonObject().put("string_value", "USD")));
      params.add(param("transaction_id", new JsonObject().put("string_value", "T" + lines)));
      o.put("ecommerce", new JsonObject().put("purchase_revenue", revenue.doubleValue()).put("transaction_id", "T" + lines));
    }
    out.append(o.encode()).append('\n');
  }

  private static JsonObject param(String key, JsonObject value) {
    return new JsonObject().put("key", key).put("value", value);
  }
}
