package io.sightline.goal;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * A conversion a site counts. What {@code match} means depends on the {@link GoalType}; each is
 * compared with the stored event columns as the query engine does:
 * <ul>
 *   <li>{@code pageview}: a path pattern starting with {@code /}, where {@code *} matches any run
 *       of characters ({@code /blog/*}, {@code /thank-you}), or {@code *} alone for any page.
 *       Compared, case-sensitively, with the whole path of a pageview (no query string or hash):
 *       {@code type = 'pageview' and pathname like GoalPatterns.likePattern(match) escape '\'}.</li>
 *   <li>{@code custom}: the exact event name: {@code type = 'custom' and name = match}.</li>
 *   <li>{@code click}: the exact click target text, matched against the click's label or its href
 *       or element id: {@code type = 'click' and (target_label = match or target_secondary = match)}.</li>
 *   <li>{@code form}: the exact form name, id or action, or {@code *} for any form submission:
 *       {@code type = 'form' and (match = '*' or target_label = match or target_secondary = match)}.</li>
 * </ul>
 *
 * @param createdAt when the goal was defined; null for a goal not read from the database
 */
public record Goal(int id, int siteId, String name, GoalType type, String match, OffsetDateTime createdAt) {

  /** A goal without its creation time (for tests and callers that only need the definition). */
  public Goal(int id, int siteId, String name, GoalType type, String match) {
    this(id, siteId, name, type, match, null);
  }

  /** The goal as the query engine matches it against events. */
  public GoalMatch toMatch() {
    return new GoalMatch(name, type.id(), type == GoalType.PAGEVIEW ? GoalPatterns.likePattern(match) : match);
  }

  /** The goal as the admin API shows it: {@code id}, {@code name}, {@code type}, {@code match}, {@code created_at}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("type", type.id())
        .put("match", match);
    if (createdAt != null) {
      json.put("created_at", createdAt.toInstant().toString());
    }
    return json;
  }
}
