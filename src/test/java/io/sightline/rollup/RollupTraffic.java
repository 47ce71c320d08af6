package io.sightline.rollup;

import io.sightline.support.RunningServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Generated anonymous traffic (daily-rotating visitor ids from IP and User-Agent) from yesterday's
 * UTC midnight until a minute ago: sessions of 1-6 events of every type, sources, countries (a CDN
 * header), two devices, sessions crossing UTC midnight, one going on past the 2-hour spill limit;
 * clicks with a label and a secondary target, some forms named, for the goals.
 */
final class RollupTraffic {
  static final String[] PAGES = {"/", "/pricing", "/blog", "/blog/post-1", "/docs", "/about"};
  static final String[] SOURCES = {null, "newsletter", "partner", "google"};
  static final String[] COUNTRIES = {"DE", "US", "IN", "FR"};
  static final String DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
  static final String MOBILE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

  record Visit(String ip, String ua, String country, JsonArray events) {
  }

  private RollupTraffic() {
  }

  static List<Visit> generate(Instant now, long seed, int visitors) {
    Random random = new Random(seed);
    Instant start = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    Instant latest = now.minusSeconds(90);
    List<Visit> out = new ArrayList<>();
    for (int v = 0; v < visitors; v++) {
      String ip = "198.51." + (v / 200) + "." + (v % 200 + 1);
      String ua = random.nextInt(3) == 0 ? MOBILE : DESKTOP;
      String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      JsonArray events = new JsonArray();
      Instant t = start.plusSeconds(random.nextInt((int) Math.max(60, Duration.between(start, latest).getSeconds())));
      if (v % 10 == 0) {
        t = start.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(20 + random.nextInt(40))); // around midnight
      }
      int sessions = 1 + random.nextInt(3);
      for (int s = 0; s < sessions && t.isBefore(latest); s++) {
        String source = SOURCES[random.nextInt(SOURCES.length)];
        int count = v % 25 == 0 ? 12 : 1 + random.nextInt(6);
        for (int e = 0; e < count && t.isBefore(latest); e++) {
          int kind = e == 0 ? 0 : random.nextInt(10);
          String type = kind < 5 ? "pageview" : kind == 5 ? "click" : kind == 6 ? "engagement" : kind == 7 ? "form" : "custom";
          String path = PAGES[random.nextInt(PAGES.length)];
          JsonObject body = new JsonObject().put("type", type).put("timestamp", t.toString())
              .put("url", "https://localhost" + path + (e == 0 && source != null ? "?utm_source=" + source : ""));
          if (type.equals("custom")) {
            body.put("name", kind == 8 ? "Signup" : "Autoplay").put("interactive", kind == 8);
          }
          if (type.equals("engagement")) {
            body.put("scroll_depth", random.nextInt(101));
          }
          if (type.equals("click")) {
            body.put("target_label", "Buy").put("target_secondary", e % 2 == 0 ? "#buy" : "/checkout"); // goals match either
          }
          if (type.equals("form") && e % 2 == 0) {
            body.put("target_label", "contact");
          }
          events.add(body);
          // visitor 25k: 12 events 20 minutes apart; the rest 1-9 minutes apart
          t = t.plusSeconds(v % 25 == 0 ? 20 * 60 : 60 + random.nextInt(8 * 60));
        }
        t = t.plus(Duration.ofMinutes(31 + random.nextInt(6 * 60)));
      }
      if (!events.isEmpty()) {
        out.add(new Visit(ip, ua, country, events));
      }
    }
    return out;
  }

  /** Sends the visits, then has the writer fold their rollup deltas (as its timer does within a second). */
  static int send(RunningServer server, String key, List<Visit> visits) {
    int n = sendUnfolded(server, key, visits);
    server.foldRollups();
    return n;
  }

  static int sendUnfolded(RunningServer server, String key, List<Visit> visits) {
    int n = 0;
    for (Visit v : visits) {
      HttpResponse<String> r = server.send("POST", "/api/event/batch", v.events().encode(), "x-api-key", key,
          "User-Agent", v.ua(), "X-Forwarded-For", v.ip(), "CF-IPCountry", v.country());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(v.events().size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
      n += v.events().size();
    }
    return n;
  }
}
