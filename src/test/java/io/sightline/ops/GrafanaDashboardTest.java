package io.sightline.ops;

import io.sightline.support.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every metric the shipped Grafana dashboard queries exists in a real scrape. */
@Tag("integration")
class GrafanaDashboardTest {
  private static final Pattern METRIC = Pattern.compile("\\b((?:sightline|vertx|jvm)_[a-z0-9_]+)");

  @Test
  void queriesOnlyMetricsSightlineExports() throws Exception {
    String dashboard = Files.readString(Path.of("deploy/grafana/sightline-dashboard.json"));
    Set<String> used = new TreeSet<>();
    Matcher m = METRIC.matcher(dashboard);
    while (m.find()) {
      used.add(m.group(1));
    }
    assertFalse(used.isEmpty());
    try (RunningServer server = RunningServer.start()) {
      server.send("POST", "/api/event", "{\"url\":\"https://localhost/\"}", "x-api-key", server.siteKey(),
          "User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
      server.get("/api/realtime", "x-api-key", server.siteKey());
      String scrape = server.get("/metrics").body();
      Set<String> missing = new TreeSet<>();
      for (String name : used) {
        if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find()) {
          missing.add(name);
        }
      }
      assertEquals(Set.of(), missing, "metrics the dashboard queries but /metrics does not export");
    }
  }
}
