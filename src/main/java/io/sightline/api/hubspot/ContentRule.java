package io.sightline.api.hubspot;

import io.sightline.goal.GoalPatterns;
import io.sightline.http.ApiException;
import io.sightline.http.TextInput;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * Which pages are of a content type: {@code pattern} is a path where {@code *} matches any run of
 * characters ({@code /blog/*}), as in pageview goals. A {@code blog-posts} rule is one blog, its id
 * the content group id.
 */
public record ContentRule(int id, int siteId, String contentType, String pattern, String name, OffsetDateTime createdAt) {
  public static final List<String> CONTENT_TYPES = List.of("landing-pages", "standard-pages", "blog-posts", "listing-pages",
      "knowledge-articles");
  public static final String STANDARD = "standard-pages";

  public boolean matches(String path) {
    return GoalPatterns.matchesPath(pattern, path);
  }

  /**
   * The content type of a page: the rule with the longest pattern that matches it wins (the older
   * rule on a tie; rules come oldest first); pages no rule matches are standard pages.
   */
  public static ContentRule ruleFor(String path, List<ContentRule> rules) {
    ContentRule best = null;
    for (ContentRule r : rules) {
      if (r.matches(path) && (best == null || r.pattern.length() > best.pattern.length())) {
        best = r;
      }
    }
    return best;
  }

  public static String typeOf(String path, List<ContentRule> rules) {
    ContentRule r = ruleFor(path, rules);
    return r == null ? STANDARD : r.contentType;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("content_type", contentType).put("pattern", pattern).put("name", name)
        .put("created_at", createdAt.toInstant().toString());
  }

  static String contentType(String raw) {
    if (raw == null || !CONTENT_TYPES.contains(raw.strip())) {
      throw ApiException.badRequest("content_type must be one of " + String.join(", ", CONTENT_TYPES));
    }
    return raw.strip();
  }

  static String pattern(String raw) {
    String p = text("pattern", raw, 500);
    if (!p.startsWith("/") && !p.equals(GoalPatterns.ANY)) {
      throw ApiException.badRequest("pattern must be a path starting with / (* matches any characters), or * for every page");
    }
    return p;
  }

  /** A required text of 1-max characters without control characters, stripped. */
  static String text(String field, String raw, int max) {
    return TextInput.required(field, raw, max, "is required");
  }

  static final Set<String> TYPES = Set.copyOf(CONTENT_TYPES);
}
