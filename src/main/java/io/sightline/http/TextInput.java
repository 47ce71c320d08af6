package io.sightline.http;

/** Checks for short texts operators and clients send (names, patterns, property keys). */
public final class TextInput {
  private TextInput() {
  }

  /**
   * The text stripped of surrounding spaces (as ingestion strips names), 1 to {@code max}
   * characters (code points), without control characters; else a 400 naming the field.
   *
   * @param whenEmpty how the message ends when the text is missing or blank ("is required")
   */
  public static String required(String field, String raw, int max, String whenEmpty) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest(field + " " + whenEmpty);
    }
    String s = raw.strip();
    if (s.codePointCount(0, s.length()) > max) {
      throw ApiException.badRequest(field + " must be at most " + max + " characters");
    }
    if (s.codePoints().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest(field + " must not contain control characters");
    }
    return s;
  }
}
