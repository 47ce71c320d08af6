package io.sightline.goal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoalPatternsTest {

  @Test
  void turnsStarsIntoPercentAndKeepsOtherCharacters() {
    assertEquals("/blog/%", GoalPatterns.likePattern("/blog/*"));
    assertEquals("/thank-you", GoalPatterns.likePattern("/thank-you"));
    assertEquals("%", GoalPatterns.likePattern("*"));
    assertEquals("/%/checkout/%", GoalPatterns.likePattern("/*/checkout/*"));
    assertEquals("/a%%b", GoalPatterns.likePattern("/a**b"));
    assertEquals("/ünïcødé/😀", GoalPatterns.likePattern("/ünïcødé/😀"));
  }

  @Test
  void escapesTheCharactersLikeWouldTreatAsSpecial() {
    assertEquals("/100\\%\\_off", GoalPatterns.likePattern("/100%_off"));
    assertEquals("/a\\\\b", GoalPatterns.likePattern("/a\\b"));
    assertEquals("/\\\\\\%\\_%", GoalPatterns.likePattern("/\\%_*"));
    assertEquals("/it's \"quoted\"", GoalPatterns.likePattern("/it's \"quoted\""));
  }

  @Test
  void matchesPathsInJavaWithStarAsAnyRunOfCharacters() {
    assertTrue(GoalPatterns.matchesPath("/blog/*", "/blog/"));
    assertTrue(GoalPatterns.matchesPath("/blog/*", "/blog/a/b/c"));
    assertFalse(GoalPatterns.matchesPath("/blog/*", "/blog"));
    assertFalse(GoalPatterns.matchesPath("/blog/*", "/Blog/post"), "case-sensitive");
    assertTrue(GoalPatterns.matchesPath("/thank-you", "/thank-you"));
    assertFalse(GoalPatterns.matchesPath("/thank-you", "/thank-you/"));
    assertTrue(GoalPatterns.matchesPath("*", ""));
    assertTrue(GoalPatterns.matchesPath("*", "/anything"));
    assertTrue(GoalPatterns.matchesPath("/*/checkout/*", "/de/checkout/done"));
    assertFalse(GoalPatterns.matchesPath("/*/checkout/*", "/checkout/done"));
    assertTrue(GoalPatterns.matchesPath("/a*b*c", "/aXbYbZc"));
    assertFalse(GoalPatterns.matchesPath("/a*b*c", "/aXbYbZ"));
    assertTrue(GoalPatterns.matchesPath("/100%_off", "/100%_off"));
    assertFalse(GoalPatterns.matchesPath("/100%_off", "/100abcXoff"), "% and _ are literal");
  }

  @Test
  void goalTypesParseTheirIdsAndNothingElse() {
    assertEquals(GoalType.PAGEVIEW, GoalType.parse("pageview"));
    assertEquals(GoalType.CUSTOM, GoalType.parse("custom"));
    assertEquals(GoalType.CLICK, GoalType.parse(" Click "));
    assertEquals(GoalType.FORM, GoalType.parse("FORM"));
    assertNull(GoalType.parse("engagement"));
    assertNull(GoalType.parse(""));
    assertNull(GoalType.parse(null));
    assertEquals("pageview", GoalType.PAGEVIEW.id());
    assertEquals("form", GoalType.FORM.id());
  }
}
