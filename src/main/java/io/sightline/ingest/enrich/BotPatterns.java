package io.sightline.ingest.enrich;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every User-Agent pattern, compiled into ONE case-insensitive regular expression with a named
 * group per layer: the operator's regexes ({@code ingest.botPatternsFile}), the automation
 * markers ({@code bots/automation.txt}), the maintained list ({@code bots/isbot.json}: isbot's
 * pattern list, which merges several crawler lists) and Sightline's own tokens
 * ({@code bots/patterns.txt}). One {@code find} answers whether any matches and which layer: the
 * match that starts first wins, and at one position the layers in that order. Each layer's
 * alternatives are arranged by {@link PatternAlternation} so that the engine tries few of them
 * at each position. Used on User-Agent cache misses only.
 */
public final class BotPatterns {
  /** The bundled maintained list: a JSON object with name, version, licence, source and {@code patterns}. */
  public static final String LIST_RESOURCE = "bots/isbot.json";

  private static final String[] GROUPS = {"operator", "automation", "list", "curated"};
  private static final BotLayer[] LAYERS = {BotLayer.OPERATOR, BotLayer.AUTOMATION, BotLayer.LIST, BotLayer.CURATED};

  /** A match: the layer whose pattern matched, and the matched text. */
  public record Match(BotLayer layer, String token) {
  }

  private final Pattern pattern;
  private final boolean[] present;
  private final String listVersion;

  private BotPatterns(Pattern pattern, boolean[] present, String listVersion) {
    this.pattern = pattern;
    this.present = present;
    this.listVersion = listVersion;
  }

  /** The bundled lists and the operator's regexes, if any (blocking: at start-up). A bad operator regex fails here. */
  public static BotPatterns load(Optional<Path> operatorFile) {
    JsonObject list = new JsonObject(resource(LIST_RESOURCE));
    List<String> operator = new ArrayList<>();
    if (operatorFile.isPresent()) {
      for (String regex : ListFiles.fileLines(operatorFile.get())) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("ingest.botPatternsFile: not a regular expression: " + regex + " (" + e.getDescription() + ")");
        }
        operator.add(regex);
      }
    }
    List<String> automation = ListFiles.lines("bots/automation.txt", Optional.empty());
    List<String> curated = ListFiles.lines("bots/patterns.txt", Optional.empty());
    List<String> maintained = listPatterns(list.getJsonArray("patterns"));
    List<String> layers = List.of(PatternAlternation.of(List.of(), operator), PatternAlternation.of(automation, List.of()),
        PatternAlternation.of(List.of(), maintained), PatternAlternation.of(curated, List.of()));
    StringBuilder all = new StringBuilder();
    boolean[] present = new boolean[GROUPS.length];
    for (int i = 0; i < GROUPS.length; i++) {
      if (layers.get(i).isEmpty()) {
        continue;
      }
      present[i] = true;
      all.append(all.isEmpty() ? "" : "|").append("(?<").append(GROUPS[i]).append('>').append(layers.get(i)).append(')');
    }
    return new BotPatterns(Pattern.compile(all.toString(), Pattern.CASE_INSENSITIVE), present,
        list.getString("name") + " " + list.getString("version"));
  }

  /** The maintained list's patterns, each checked to compile (they are written for JavaScript). */
  static List<String> listPatterns(JsonArray patterns) {
    List<String> out = new ArrayList<>(patterns.size());
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.getString(i);
      Pattern.compile(p); // a pattern Java reads differently fails the build's tests and the update command
      out.add(p);
    }
    return out;
  }

  /** The first match and its layer, or null. */
  public Match match(String userAgent) {
    Matcher m = pattern.matcher(userAgent);
    if (!m.find()) {
      return null;
    }
    for (int i = 0; i < GROUPS.length; i++) {
      if (present[i] && m.start(GROUPS[i]) >= 0) {
        return new Match(LAYERS[i], m.group());
      }
    }
    return new Match(BotLayer.LIST, m.group());
  }

  /** Name and version of the bundled maintained list, e.g. {@code isbot 5.2.4}. */
  public String listVersion() {
    return listVersion;
  }

  private static String resource(String name) {
    try (InputStream in = BotPatterns.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
