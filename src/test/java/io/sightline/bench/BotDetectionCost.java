package io.sightline.bench;

import io.sightline.ingest.enrich.BotDetector;
import io.sightline.ingest.enrich.UserAgentAnalyzerHolder;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What bot detection costs a User-Agent cache miss: {@link BotDetector#judge} (the one compiled pattern, then the browser-token
 * rule) over the test corpora of real browsers and crawlers, against YAUAA's parse of the same strings. A cache hit costs
 * neither. Plain loops after a warm-up (no JMH), timed by the thread's CPU time, so a machine shared with other work still gives
 * the work's own cost:
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.sightline.bench.BotDetectionCost
 * </pre>
 */
public final class BotDetectionCost {
  private BotDetectionCost() {
  }

  public static void main(String[] args) {
    List<String> browsers = new ArrayList<>();
    for (String line : lines("bots/browsers-user-agents.tsv")) {
      browsers.add(line.substring(line.indexOf('\t') + 1));
    }
    List<String> crawlers = lines("bots/crawler-user-agents-instances.txt");
    BotDetector detector = BotDetector.load(Optional.empty(), Optional.empty());
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    for (int warm = 0; warm < 5; warm++) {
      judgeAll(detector, browsers, 5);
      judgeAll(detector, crawlers, 5);
    }
    System.out.printf("BotDetector.judge, CPU time: browsers %.1f µs a User-Agent, crawlers %.1f µs (%d browsers, %d crawlers, %d rounds)%n",
        judgeAll(detector, browsers, rounds), judgeAll(detector, crawlers, rounds), browsers.size(), crawlers.size(), rounds);
    UserAgentAnalyzer yauaa = UserAgentAnalyzerHolder.get();
    for (int warm = 0; warm < 2; warm++) {
      parseAll(yauaa, browsers);
    }
    System.out.printf("YAUAA parse, for comparison, CPU time: browsers %.1f µs a User-Agent%n", parseAll(yauaa, browsers));
  }

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static int sink;

  private static double judgeAll(BotDetector detector, List<String> uas, int rounds) {
    long start = CPU.getCurrentThreadCpuTime();
    for (int r = 0; r < rounds; r++) {
      for (String ua : uas) {
        sink += detector.judge(ua, "Desktop") == null ? 1 : 2;
      }
    }
    return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / rounds / uas.size();
  }

  private static double parseAll(UserAgentAnalyzer yauaa, List<String> uas) {
    long start = CPU.getCurrentThreadCpuTime();
    for (String ua : uas) {
      sink += yauaa.parse(ua).getValue("DeviceClass").length();
    }
    return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / uas.size();
  }

  private static List<String> lines(String resource) {
    try (InputStream in = BotDetectionCost.class.getClassLoader().getResourceAsStream(resource)) {
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
