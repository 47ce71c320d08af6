package io.sightline.ingest.enrich;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The curated crawler/monitor/preview/headless/HTTP-library tokens (bundled, matched as
 * case-insensitive substrings) plus operator regular expressions, compiled into one pattern.
 * Used on User-Agent cache misses only.
 */
public final class BotPatterns {
  private final Pattern pattern;

  private BotPatterns(Pattern pattern) {
    this.pattern = pattern;
  }

  public static BotPatterns load(Optional<Path> operatorFile) {
    List<String> alternatives = new ArrayList<>();
    for (String token : ListFiles.lines("bots/patterns.txt", Optional.empty())) {
      alternatives.add(Pattern.quote(token.toLowerCase(java.util.Locale.ROOT)));
    }
    if (operatorFile.isPresent()) {
      for (String regex : ListFiles.fileLines(operatorFile.get())) {
        Pattern.compile(regex); // fail at start on a bad operator pattern
        alternatives.add("(?:" + regex + ")");
      }
    }
    return new BotPatterns(Pattern.compile(String.join("|", alternatives), Pattern.CASE_INSENSITIVE));
  }

  /** The matched token, or null. */
  public String match(String userAgent) {
    var m = pattern.matcher(userAgent);
    return m.find() ? m.group() : null;
  }
}
