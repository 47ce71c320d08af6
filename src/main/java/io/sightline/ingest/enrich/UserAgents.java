package io.sightline.ingest.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * User-Agent → device, browser, OS and bot verdict ({@link BotDetector}), with a bounded cache of whole results.
 * Parsing (YAUAA, ~0.25 ms and synchronized) happens only on a miss, through {@link #parse},
 * which callers run off the event loop; {@link #cached} is the cheap event-loop path.
 */
public final class UserAgents {
  private static final int MAX_LENGTH = 1000;
  private static final int MAX_KEY = 512;

  private final UserAgentAnalyzer analyzer;
  private final BotDetector bots;
  private final Cache<String, UserAgentInfo> cache;

  public UserAgents(UserAgentAnalyzer analyzer, BotDetector bots, int cacheSize) {
    this.analyzer = analyzer;
    this.bots = bots;
    this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
  }

  /** The analyser YAUAA builds (about 3 s): only the fields Sightline stores. Blocking; at start-up. */
  public static UserAgentAnalyzer newAnalyzer() {
    return UserAgentAnalyzer.newBuilder()
        .withFields(UserAgent.DEVICE_CLASS, UserAgent.AGENT_NAME, UserAgent.AGENT_VERSION_MAJOR,
            UserAgent.OPERATING_SYSTEM_NAME, UserAgent.OPERATING_SYSTEM_VERSION_MAJOR, UserAgent.AGENT_CLASS)
        .hideMatcherLoadStats()
        .withCache(0)
        .withUserAgentMaxLength(MAX_LENGTH)
        .dropTests()
        .immediateInitialization()
        .build();
  }

  /** A cached result, or null on a miss. Cheap: for the event loop. */
  public UserAgentInfo cached(String userAgent) {
    return cache.getIfPresent(key(userAgent));
  }

  /** Parses (CPU work, ~0.25-1 ms): call from a worker. The result is cached. */
  public UserAgentInfo parse(String userAgent) {
    return cache.get(key(userAgent), this::analyse);
  }

  /** Only the first {@value #MAX_KEY} characters are read, so a flood of huge User-Agents cannot make the cache huge. */
  private static String key(String userAgent) {
    return userAgent.length() > MAX_KEY ? userAgent.substring(0, MAX_KEY) : userAgent;
  }

  public double hitRatio() {
    return cache.stats().hitRate();
  }

  public Cache<String, UserAgentInfo> cache() {
    return cache;
  }

  private UserAgentInfo analyse(String ua) {
    String input = ua.length() > MAX_LENGTH ? ua.substring(0, MAX_LENGTH) : ua;
    UserAgent parsed;
    synchronized (analyzer) {
      parsed = analyzer.parse(input);
    }
    String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
    BotDetector.Verdict bot = bots.judge(input, deviceClass);
    return new UserAgentInfo(device(deviceClass), browserName(value(parsed, UserAgent.AGENT_NAME)), value(parsed, UserAgent.AGENT_VERSION_MAJOR),
        osName(value(parsed, UserAgent.OPERATING_SYSTEM_NAME)), value(parsed, UserAgent.OPERATING_SYSTEM_VERSION_MAJOR),
        bot == null ? null : bot.layer(), bot == null ? null : bot.reason());
  }

  static String device(String deviceClass) {
    return switch (deviceClass == null ? "" : deviceClass) {
      case "Phone", "Mobile", "Watch", "Augmented Reality", "Virtual Reality", "eReader", "Handheld Game Console" -> "mobile";
      case "Tablet" -> "tablet";
      default -> "desktop";
    };
  }

  /** The names dashboards use for browsers YAUAA names by their token. */
  static String browserName(String yauaa) {
    if (yauaa == null) {
      return null;
    }
    return switch (yauaa) {
      case "SamsungBrowser" -> "Samsung Internet";
      case "Edge Chromium" -> "Edge";
      case "OperaMini" -> "Opera Mini";
      default -> yauaa;
    };
  }

  /** The names dashboards use: "Windows NT" is Windows, "Mac OS" is macOS. */
  static String osName(String yauaa) {
    if (yauaa == null) {
      return null;
    }
    return switch (yauaa) {
      case "Windows NT", "Windows" -> "Windows";
      case "Mac OS", "Mac OS X", "macOS" -> "macOS";
      case "Chrome OS", "ChromeOS" -> "ChromeOS";
      default -> yauaa;
    };
  }

  private static String value(UserAgent parsed, String field) {
    String v = parsed.getValue(field);
    if (v == null || v.isBlank() || v.startsWith("??") || v.equals("Unknown") || v.startsWith("<<<")) {
      return null;
    }
    return v.length() > 100 ? v.substring(0, 100) : v;
  }
}
