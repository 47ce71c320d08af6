package io.sightline.ingest.enrich;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserAgentsTest {
  private static UserAgents userAgents;

  @BeforeAll
  static void build() {
    userAgents = new UserAgents(UserAgentAnalyzerHolder.get(), BotDetector.load(Optional.empty(), Optional.empty()), 1000);
  }

  private record Browser(String ua, String device, String browser, String os) {
  }

  @Test
  void parsesRealBrowsersOfEveryDeviceClassAndFlagsNoneAsBot() {
    List<Browser> browsers = List.of(
        new Browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "desktop", "Chrome", "Windows"),
        new Browser("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
            "desktop", "Safari", "macOS"),
        new Browser("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "desktop", "Firefox", "Ubuntu"),
        new Browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "desktop", "Edge", "Windows"),
        new Browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
            "mobile", "Safari", "iOS"),
        new Browser("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
            "mobile", "Chrome", "Android"),
        new Browser("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "mobile", "Samsung Internet", "Android"),
        new Browser("Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
            "tablet", "Safari", "iOS"),
        new Browser("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "tablet", "Chrome", "Android"));
    for (Browser b : browsers) {
      UserAgentInfo info = userAgents.parse(b.ua());
      assertFalse(info.bot(), b.ua() + " → " + info.botReason());
      assertEquals(b.device(), info.device(), b.ua());
      assertEquals(b.browser(), info.browser(), b.ua());
      assertEquals(b.os(), info.os(), b.ua());
      assertNotNull(info.browserVersion(), b.ua());
    }
  }

  @Test
  void flagsCrawlersMonitorsPreviewsHeadlessBrowsersAndHttpLibraries() {
    List<String> bots = List.of(
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Go-http-client/1.1",
        "okhttp/4.12.0",
        "axios/1.7.7",
        "Java-http-client/17.0.15");
    for (String ua : bots) {
      UserAgentInfo info = userAgents.parse(ua);
      assertTrue(info.bot(), "not flagged: " + ua);
      assertNotNull(info.botReason());
    }
  }

  @Test
  void answersRepeatsFromTheCache() {
    String ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    assertNull(userAgents.cached(ua));
    UserAgentInfo parsed = userAgents.parse(ua);
    assertSame(parsed, userAgents.cached(ua));
  }

  @Test
  void namesOperatingSystemsAsDashboardsDo() {
    assertEquals("Windows", UserAgents.osName("Windows NT"));
    assertEquals("macOS", UserAgents.osName("Mac OS"));
    assertEquals("Android", UserAgents.osName("Android"));
  }
}
