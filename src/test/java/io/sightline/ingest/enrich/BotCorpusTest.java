package io.sightline.ingest.enrich;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bot detection against corpora from sources other than the list Sightline ships (isbot's patterns): crawler-user-agents' real
 * examples, and Intoli's real browsers with their traffic weights. Browsers go through the whole ingest path's parse
 * ({@link UserAgents#parse}: YAUAA, then {@link BotDetector}), since any layer could drop one; crawlers through the
 * {@link BotDetector} alone, without YAUAA's verdict (which only adds drops), so the recall asserted is the lists' and rules' own.
 */
class BotCorpusTest {
  private static UserAgents userAgents;

  @BeforeAll
  static void build() {
    userAgents = new UserAgents(UserAgentAnalyzerHolder.get(), BotDetector.load(Optional.empty(), Optional.empty()), 10_000);
  }

  @Test
  void dropsAtLeast99PercentOfRealCrawlersMonitorsAndPreviewers() {
    List<String> crawlers = lines("bots/crawler-user-agents-instances.txt");
    assertEquals(2118, crawlers.size());
    BotDetector detector = BotDetector.load(Optional.empty(), Optional.empty());
    List<String> missed = new ArrayList<>();
    for (String ua : crawlers) {
      if (detector.judge(ua, null) == null) {
        missed.add(ua);
      }
    }
    double recall = 1 - (double) missed.size() / crawlers.size();
    System.out.printf("crawler recall %.2f %% (%d of %d dropped); missed:%n  %s%n", recall * 100, crawlers.size() - missed.size(),
        crawlers.size(), String.join("\n  ", missed));
    assertTrue(recall >= 0.99, "recall " + recall + ", missed: " + missed);
  }

  @Test
  void dropsTheNicheCrawlersAndBareNameVersionClients() {
    List<String> bots = List.of(
        "binlar_2.6.3 binlar2.6.3@unspecified.mail",
        "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.20; ips-agent) Gecko/20110921 Firefox/3.6.20",
        "newspaper/0.2.8",
        "Hatena Antenna/0.5 (http://a.hatena.ne.jp/help)",
        "ichiro/6.0 (http://help.goo.ne.jp/door/crawler.html)",
        "BrandVerity/1.0 (http://www.brandverity.com/why-is-brandverity-visiting-me)",
        "Pcore-HTTP/v0.44.0",
        "Mozilla/5.0 (compatible; adscanner/)/1.1 (Mozilla/5.0 (X11; Linux x86_64; rv:60.0) Gecko/20100101 Firefox/60.0)",
        "Blogtrottr/2.1",
        "Bitbucket-Webhooks/2.0",
        "node-superagent/3.8.3",
        "reqwest/0.12.9",
        "Dart/3.5 (dart:io)",
        "AHC/2.1",
        "Typhoeus - https://github.com/typhoeus/typhoeus",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 PhantomJS/2.1.1");
    for (String ua : bots) {
      assertTrue(userAgents.parse(ua).bot(), "not dropped: " + ua);
    }
  }

  @Test
  void dropsNoRealBrowser() {
    List<String> browsers = new ArrayList<>();
    double weight = 0;
    for (String line : lines("bots/browsers-user-agents.tsv")) {
      int tab = line.indexOf('\t');
      weight += Double.parseDouble(line.substring(0, tab));
      browsers.add(line.substring(tab + 1));
    }
    assertEquals(952, browsers.size());
    assertEquals(1.0, weight, 1e-6, "the sample's traffic weights cover all of its traffic");
    browsers.addAll(List.of( // what lists get wrong: phone makers' names, in-app browsers, Presto Opera
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; CUBOT KINGKONG 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 350.0.0.28.86 "
            + "(iPhone14,5; iOS 17_6; en_US; en; scale=3.00; 1170x2532; 648421129)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.36.109;"
            + "FBBV/610386512;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
            + "Chrome/131.0.6778.81 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/489.0.0.66.81;]",
        "Opera/9.80 (Android; Opera Mini/36.2.2254/191.256; U; en) Presto/2.12.423 Version/12.16",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"));
    List<String> dropped = new ArrayList<>();
    for (String ua : browsers) {
      UserAgentInfo info = userAgents.parse(ua);
      if (info.bot()) {
        dropped.add(ua + " → " + info.botLayer() + ": " + info.botReason());
      }
    }
    assertEquals(List.of(), dropped);
  }

  @Test
  void namesTheLayerThatDecided() {
    assertEquals(BotLayer.YAUAA, userAgents.parse("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").botLayer());
    assertEquals(BotLayer.LIST, userAgents.parse("Blogtrottr/2.1").botLayer());
    assertEquals(BotLayer.AUTOMATION, userAgents.parse(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Puppeteer").botLayer());
    assertEquals(BotLayer.CURATED, userAgents.parse(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36 GTmetrix").botLayer());
    BotDetector.Verdict client = BotDetector.load(Optional.empty(), Optional.empty()).judge("Acme Inventory Sync (build 7; linux)", "Unknown");
    assertEquals(BotLayer.NOT_BROWSER, client.layer());
  }

  @Test
  void anOperatorAddsPatternsAndAllowsWhatTheListsWouldDrop(@TempDir Path dir) throws IOException {
    Path patterns = Files.writeString(dir.resolve("bots.txt"), "# ours\nAcmeKiosk-\\d+\n");
    Path allow = Files.writeString(dir.resolve("allow.txt"), "^Blogtrottr/\nOurKiosk\n");
    UserAgents custom = new UserAgents(UserAgentAnalyzerHolder.get(), BotDetector.load(Optional.of(patterns), Optional.of(allow)), 100);
    String monitor = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 AcmeKiosk-3";
    assertEquals(BotLayer.OPERATOR, custom.parse(monitor).botLayer());
    assertFalse(userAgents.parse(monitor).bot(), "not a bot without the operator's pattern");
    assertNull(custom.parse("Blogtrottr/2.1").botLayer(), "allowed");
    assertFalse(custom.parse("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0.0.0 OurKiosk").bot(), "allowed over automation");
    assertTrue(custom.parse("Bitbucket-Webhooks/2.0").bot(), "the rest of the list still applies");
  }

  static List<String> lines(String resource) {
    try (InputStream in = BotCorpusTest.class.getClassLoader().getResourceAsStream(resource)) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
