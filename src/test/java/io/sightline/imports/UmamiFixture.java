package io.sightline.imports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded Umami data set written as its tables' CSV files (website_event, session, event_data, with Umami's column names
 * and a PostgreSQL {@code COPY ... CSV HEADER}'s value formats), and the list of what it holds, for the tests' own answers.
 * Visits start between 00:00 and 18:00 UTC and last under five hours, so no session crosses a UTC midnight.
 */
final class UmamiFixture {
  /** One website_event row as the test reads it back. {@code source}: what the visit's first event brought (null: direct). */
  record Row(String umamiSession, Instant ts, int eventType, String path, String name, String country, String device, String browser,
             String source, BigDecimal revenue) {
  }

  static final LocalDate FIRST_DAY = LocalDate.of(2024, 3, 4);
  static final int DAYS = 5;
  private static final DateTimeFormatter PG = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  final List<Row> rows = new ArrayList<>();
  final Path events;
  final Path sessions;
  final Path data;

  UmamiFixture(Path dir, long seed, String host) {
    Random rnd = new Random(seed);
    String website = UUID.nameUUIDFromBytes(("site" + seed).getBytes()).toString();
    StringBuilder ev = new StringBuilder("event_id,website_id,session_id,visit_id,created_at,url_path,url_query,utm_source,utm_medium,"
        + "utm_campaign,utm_content,utm_term,referrer_path,referrer_query,referrer_domain,page_title,gclid,fbclid,msclkid,ttclid,li_fat_id,"
        + "twclid,event_type,event_name,tag,hostname\n");
    StringBuilder se = new StringBuilder("session_id,website_id,browser,os,device,screen,language,country,region,city,distinct_id,created_at\n");
    StringBuilder da = new StringBuilder("event_data_id,website_id,website_event_id,data_key,string_value,number_value,date_value,data_type,created_at\n");
    String[] countries = {"US", "DE", "IN", ""};
    String[] regions = {"US-NY", "DE-BE", "IN-MH", ""};
    String[] devices = {"desktop", "laptop", "mobile", "tablet"};
    String[] browsers = {"chrome", "firefox", "safari", "ios", "edge-chromium"};
    String[] oses = {"Windows 10", "Mac OS", "iOS", "Android OS", "Linux"};
    String[] paths = {"/", "/pricing", "/blog/launch", "/docs"};
    for (int s = 0; s < 70; s++) {
      String session = UUID.nameUUIDFromBytes(("s" + seed + "-" + s).getBytes()).toString();
      int c = rnd.nextInt(countries.length);
      String device = devices[rnd.nextInt(devices.length)];
      String browser = s % 12 == 5 ? "searchbot" : browsers[rnd.nextInt(browsers.length)];
      se.append(String.join(",", session, website, browser, oses[rnd.nextInt(oses.length)], device, "1920x1080", "en-US", countries[c],
          regions[c], c == 3 ? "" : "City " + c, "", PG.format(FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant()))).append('\n');
      int visits = 1 + rnd.nextInt(3);
      for (int v = 0; v < visits; v++) {
        Instant t = FIRST_DAY.plusDays(rnd.nextInt(DAYS)).atStartOfDay(ZoneOffset.UTC).toInstant()
            .plus(Duration.ofMinutes(rnd.nextInt(18 * 60)));
        int kind = rnd.nextInt(3);
        String source = kind == 1 ? "blog.partner.org" : kind == 2 ? "newsletter" : null;
        int n = 1 + rnd.nextInt(6);
        for (int e = 0; e < n; e++) {
          if (e > 0) {
            t = t.plus(Duration.ofMinutes(rnd.nextInt(8) == 0 ? 45 : 1 + rnd.nextInt(20))); // 45: a new session, without a source
          }
          boolean custom = e > 0 && rnd.nextInt(6) == 0;
          String path = paths[rnd.nextInt(paths.length)];
          String id = UUID.nameUUIDFromBytes((session + v + "-" + e).getBytes()).toString();
          boolean first = e == 0;
          String query = first && kind == 2 ? "utm_source=newsletter&utm_medium=email" : "";
          BigDecimal revenue = custom && rnd.nextBoolean() ? new BigDecimal(rnd.nextBoolean() ? "19.99" : "49.00") : null;
          ev.append(String.join(",", id, website, session, UUID.randomUUID().toString(), PG.format(t), path, query,
              first && kind == 2 ? "newsletter" : "", first && kind == 2 ? "email" : "", "", "", "",
              first && kind == 1 ? "/post" : "", "", first && kind == 1 ? "blog.partner.org" : "", "\"Title, with a comma\"",
              "", "", "", "", "", "", custom ? "2" : "1", custom ? "Signup" : "", "", host)).append('\n');
          if (custom) {
            da.append(String.join(",", UUID.randomUUID().toString(), website, id, "plan", "pro", "", "", "1", PG.format(t))).append('\n');
            if (revenue != null) {
              da.append(String.join(",", UUID.randomUUID().toString(), website, id, "revenue", "", revenue.toPlainString(), "", "2",
                  PG.format(t))).append('\n');
              da.append(String.join(",", UUID.randomUUID().toString(), website, id, "currency", "EUR", "", "", "1", PG.format(t))).append('\n');
            }
          }
          rows.add(new Row(session, t, custom ? 2 : 1, path, custom ? "Signup" : null, c == 3 ? null : countries[c],
              device.equals("laptop") ? "desktop" : device, browser, first ? source : null, revenue));
        }
      }
    }
    // an event type this importer does not know (a later Umami's): read and skipped
    for (int i = 0; i < 3; i++) {
      ev.append(String.join(",", UUID.randomUUID().toString(), website, UUID.nameUUIDFromBytes(("s" + seed + "-0").getBytes()).toString(), "",
          PG.format(FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600 + i)), "/", "", "", "", "", "", "", "", "", "", "",
          "", "", "", "", "", "", "3", "", "", host)).append('\n');
    }
    try {
      events = Files.writeString(dir.resolve("website_event.csv"), ev);
      sessions = Files.writeString(dir.resolve("session.csv"), se);
      data = Files.writeString(dir.resolve("event_data.csv"), da);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
