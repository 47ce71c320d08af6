package io.sightline.goal;

import io.sightline.http.ApiException;

/**
 * Checks and normalises what a user gives for a goal; each failure is a 400 saying what is wrong.
 * Surrounding whitespace is removed (ingestion strips event names and click/form targets too);
 * everything else is kept as given.
 */
public final class GoalValidation {
  public static final int MAX_NAME = 120;
  public static final int MAX_MATCH = 500;

  private GoalValidation() {
  }

  /** A display name unique within the site: 1-120 characters, no control characters. */
  public static String name(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("name is required");
    }
    String name = raw.strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      throw ApiException.badRequest("name must be at most " + MAX_NAME + " characters");
    }
    if (hasControlCharacter(name)) {
      throw ApiException.badRequest("name must not contain control characters");
    }
    return name;
  }

  /** The goal type an id names, or 400 listing the known ones. */
  public static GoalType type(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("type is required (pageview, custom, click or form)");
    }
    GoalType type = GoalType.parse(raw);
    if (type == null) {
      throw ApiException.badRequest("unknown goal type '" + raw.strip() + "' (known: pageview, custom, click, form)");
    }
    return type;
  }

  /**
   * What the goal matches: 1-500 characters, no control characters; for a pageview goal a path
   * pattern starting with {@code /}, or {@code *} for any page.
   */
  public static String match(GoalType type, String raw) {
    if (type == null) {
      throw ApiException.badRequest("type is required (pageview, custom, click or form)");
    }
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("match is required");
    }
    String match = raw.strip();
    if (match.codePointCount(0, match.length()) > MAX_MATCH) {
      throw ApiException.badRequest("match must be at most " + MAX_MATCH + " characters");
    }
    if (hasControlCharacter(match)) {
      throw ApiException.badRequest("match must not contain control characters");
    }
    if (type == GoalType.PAGEVIEW && !match.startsWith("/") && !match.equals(GoalPatterns.ANY)) {
      throw ApiException.badRequest("match of a pageview goal must be a path starting with / (* matches any characters), or * for any page");
    }
    return match;
  }

  private static boolean hasControlCharacter(String s) {
    return s.codePoints().anyMatch(Character::isISOControl);
  }
}
