package io.sightline.api.datalyr;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The events the DATALYR test sends, generated from a seed: 30 stable visitors over the 5 days
 * before now (some identified from the start, some anonymous first and identified later with the
 * same visitor_id, the rest anonymous with their own visitor_id), 3 visitors active a few minutes
 * ago (realtime), and 2 daily-hashed anonymous visitors (no sender id) today.
 */
final class DatalyrData {
  static final String[] UAS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15"};
  static final String[] BROWSERS = {"Chrome", "Safari", "Safari"};
  static final String[] OSES = {"Windows", "iOS", "macOS"};
  static final String[] DEVICES = {"desktop", "mobile", "desktop"};
  /** Address prefix, country, region, city per geo index (3: no location). */
  static final String[] IPS = {"81.2.69.", "5.145.0.", "203.0.113.", "9.9.9."};
  static final String[] COUNTRIES = {"GB", "DE", "JP", null};
  static final String[] REGIONS = {"GB-ENG", "DE-BE", null, null};
  static final String[] CITIES = {"London", "Berlin", null, null};
  static final String[] PAGES = {"/", "/pricing", "/blog", "/docs"};
  static final String[] TAGS = {"pricing_page", "checkout_flow", "vip"};
  static final BigDecimal[] AMOUNTS = {new BigDecimal("19.99"), new BigDecimal("49.50"), new BigDecimal("120.00")};

  /** How a session was acquired (on its first event). */
  record Touch(String utmSource, String utmMedium, String utmCampaign, String referrer) {
    String source() {
      // a known source's name (Sightline's referrer list), else the utm_source as sent
      return utmSource != null ? java.util.Map.of("google", "Google", "facebook", "Facebook").getOrDefault(utmSource, utmSource)
          : referrer != null ? "Google" : null;
    }
  }

  static final Touch[] TOUCHES = {new Touch(null, null, null, null), new Touch("newsletter", "email", "spring_sale", null),
      new Touch("google", "cpc", "brand", null), new Touch(null, null, null, "https://www.google.com/"),
      new Touch("facebook", "paid", "retargeting", null)};

  /**
   * One event. {@code visitorKey} is the identity Sightline derives (user id, else visitor id, else the
   * hashed address); {@code person} the profile it belongs to (the user, once the visitor identified).
   */
  record Ev(int index, String visitorKey, String person, boolean stable, String visitorId, String userId, String email, String session,
            boolean firstOfSession, Instant ts, String type, String name, String path, Touch touch, int ua, int geo, String ip,
            List<String> tags, BigDecimal revenue) {
    boolean counted() {
      return !type.equals("engagement");
    }

    boolean custom() {
      return counted() && !type.equals("pageview");
    }

    boolean conversion() {
      return counted() && (revenue != null || type.equals("custom") && name.equals("Signup"));
    }
  }

  final List<Ev> events = new ArrayList<>();
  final Instant now;

  DatalyrData(Instant now) {
    this.now = now;
  }

  static DatalyrData generate(Instant now, long seed) {
    DatalyrData d = new DatalyrData(now);
    Random random = new Random(seed);
    for (int v = 0; v < 30; v++) {
      Instant t = now.minus(Duration.ofDays(5)).plus(Duration.ofMinutes(random.nextInt(3 * 24 * 60)));
      int sessions = 1 + random.nextInt(3);
      for (int s = 0; s < sessions && t.isBefore(now.minus(Duration.ofHours(3))); s++) {
        String visitorId = "anon-" + v;
        String userId = v % 5 == 0 || v % 5 == 1 && s > 0 ? "user-" + v : null;
        String person = v % 5 == 0 || v % 5 == 1 && sessions > 1 ? "user-" + v : visitorId; // anonymous history joins the user
        String key = "v:" + visitorId; // identified events count under the sender's visitor id (identity stitching)
        Touch touch = TOUCHES[random.nextInt(TOUCHES.length)];
        int count = 1 + random.nextInt(5);
        d.session(v, key, person, true, visitorId, userId, key + "#" + s, t, touch, v % 3, v % 4, IPS[v % 4] + (10 + v), count, random);
        t = t.plus(Duration.ofMinutes(31 + 10L * count + random.nextInt(20 * 60)));
      }
    }
    for (int v = 0; v < 3; v++) {
      d.session(100 + v, "v:rt-" + v, "rt-" + v, true, "rt-" + v, null, "rt-" + v, now.minus(Duration.ofMinutes(5)),
          TOUCHES[v], v, v, IPS[v] + (200 + v), 3, new Random(seed + v));
    }
    for (int v = 0; v < 2; v++) {
      d.session(200 + v, "x:" + v, "x:" + v, false, null, null, "x:" + v, now.minus(Duration.ofMinutes(150 + 20 * v)),
          TOUCHES[1 + v], v, v, IPS[v] + (230 + v), 3, new Random(seed + 10 + v));
    }
    return d;
  }

  private void session(int index, String key, String person, boolean stable, String visitorId, String userId, String session, Instant t,
                       Touch touch, int ua, int geo, String ip, int count, Random random) {
    for (int e = 0; e < count; e++) {
      int kind = e == 0 ? 0 : random.nextInt(8);
      String path = PAGES[random.nextInt(PAGES.length)];
      String type = kind <= 2 ? "pageview" : kind == 3 ? "click" : kind == 4 ? "form" : "custom";
      String name = switch (kind) {
        case 5 -> "Signup";
        case 6 -> "Purchase";
        case 7 -> "Video Play";
        default -> type;
      };
      BigDecimal revenue = kind == 6 ? AMOUNTS[random.nextInt(AMOUNTS.length)] : null;
      List<String> tags = new ArrayList<>();
      if (type.equals("custom")) {
        for (String tag : TAGS) {
          if (random.nextInt(3) == 0) {
            tags.add(tag);
          }
        }
      }
      String email = userId != null && e == 0 ? userId + "@example.com" : null;
      events.add(new Ev(index, key, person, stable, visitorId, userId, email, session, e == 0, t, type, name, path, touch, ua, geo, ip,
          tags, revenue));
      if (type.equals("pageview") && random.nextBoolean()) {
        events.add(new Ev(index, key, person, stable, visitorId, userId, null, session, false, t.plusSeconds(1), "engagement", "engagement",
            path, touch, ua, geo, ip, List.of(), null));
      }
      // realtime visitors' events stay a few minutes old
      t = index >= 100 && index < 200 ? t.plusSeconds(50) : t.plus(Duration.ofMinutes(1 + random.nextInt(9)));
    }
  }
}
