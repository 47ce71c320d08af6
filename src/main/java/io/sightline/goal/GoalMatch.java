package io.sightline.goal;

/**
 * A goal as the engine matches it against events: {@code type} is pageview, custom, click or form;
 * {@code pattern} is a LIKE pattern (backslash escape) of the path for pageview goals, the exact
 * event name for custom goals, the exact target (label, href or id) for clicks, and the exact form
 * name, id or action, or {@code *} for any form, for form goals.
 */
public record GoalMatch(String name, String type, String pattern) {
}
