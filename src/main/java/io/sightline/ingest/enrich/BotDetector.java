package io.sightline.ingest.enrich;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a User-Agent is a bot, and which layer says so. In order: the operator's allow-list
 * ({@code ingest.botAllowFile}: a match is a browser, whatever follows); YAUAA's robot device
 * classes; the one compiled {@link BotPatterns} (operator, automation markers, the maintained
 * list, Sightline's tokens); and the rule no list states: a User-Agent with no {@code Mozilla/}
 * and no other browser token is an HTTP client, not a browser. Runs once per distinct
 * User-Agent (the result is cached with the parse); thread-safe.
 */
public final class BotDetector {
  private static final Set<String> ROBOT_CLASSES = Set.of("Robot", "Robot Mobile", "Robot Imitator", "Hacker", "Spy");
  /** Browsers' product tokens: every browser since Netscape sends Mozilla/; Presto Opera and feature phones send these. */
  private static final String[] BROWSER_TOKENS = {"mozilla/", "opera/", "opera mini", "up.browser", "midp-"};

  /** A bot verdict: the deciding layer and what it matched. */
  public record Verdict(BotLayer layer, String reason) {
  }

  private final BotPatterns patterns;
  private final Pattern allow;

  public BotDetector(BotPatterns patterns, Optional<Pattern> allow) {
    this.patterns = patterns;
    this.allow = allow.orElse(null);
  }

  /** The bundled lists with the operator's extra patterns and allow-list (blocking: at start-up). */
  public static BotDetector load(Optional<Path> patternsFile, Optional<Path> allowFile) {
    return new BotDetector(BotPatterns.load(patternsFile), allowFile.map(BotDetector::allowPattern));
  }

  private static Pattern allowPattern(Path file) {
    List<String> alternatives = new ArrayList<>();
    for (String regex : ListFiles.fileLines(file)) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("ingest.botAllowFile: not a regular expression: " + regex + " (" + e.getDescription() + ")");
      }
      alternatives.add("(?:" + regex + ")");
    }
    return alternatives.isEmpty() ? null : Pattern.compile(String.join("|", alternatives), Pattern.CASE_INSENSITIVE);
  }

  /**
   * @param userAgent   the User-Agent (not blank)
   * @param deviceClass YAUAA's device class for it
   * @return null for a browser, else why it is a bot
   */
  public Verdict judge(String userAgent, String deviceClass) {
    if (allow != null && allow.matcher(userAgent).find()) {
      return null;
    }
    if (deviceClass != null && ROBOT_CLASSES.contains(deviceClass)) {
      return new Verdict(BotLayer.YAUAA, "device class " + deviceClass);
    }
    BotPatterns.Match m = patterns.match(userAgent);
    if (m != null) {
      return new Verdict(m.layer(), "pattern " + m.token().toLowerCase(Locale.ROOT));
    }
    if (!hasBrowserToken(userAgent)) {
      return new Verdict(BotLayer.NOT_BROWSER, "no browser token");
    }
    return null;
  }

  static boolean hasBrowserToken(String userAgent) {
    String ua = userAgent.toLowerCase(Locale.ROOT);
    for (String token : BROWSER_TOKENS) {
      if (ua.contains(token)) {
        return true;
      }
    }
    return false;
  }

  public BotPatterns patterns() {
    return patterns;
  }
}
