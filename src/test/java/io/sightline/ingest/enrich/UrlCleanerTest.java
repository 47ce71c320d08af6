package io.sightline.ingest.enrich;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlCleanerTest {
  private final UrlCleaner cleaner = new UrlCleaner(List.of("my_click"));

  @Test
  void stripsEveryClickIdAndRemembersTheFirstOnesName() {
    for (String id : UrlCleaner.CLICK_IDS) {
      CleanUrl url = cleaner.clean("https://shop.example/p?a=1&" + id + "=XYZ123&b=2").orElseThrow();
      assertEquals("a=1&b=2", url.query(), id);
      assertEquals(id, url.clickIdParam());
    }
    CleanUrl two = cleaner.clean("https://shop.example/?fbclid=1&gclid=2").orElseThrow();
    assertEquals("fbclid", two.clickIdParam());
    assertNull(two.query());
    assertEquals("my_click", cleaner.clean("https://shop.example/?my_click=9").orElseThrow().clickIdParam(), "operator ids too");
  }

  @Test
  void readsUtmValuesOutOfTheUrl() {
    CleanUrl url = cleaner.clean("https://Shop.Example/Pricing?utm_source=News%20letter&UTM_MEDIUM=email&utm_campaign=spring&"
        + "utm_content=hero&utm_term=shoes&keep=yes").orElseThrow();
    assertEquals("shop.example", url.hostname());
    assertEquals("/Pricing", url.pathname());
    assertEquals("keep=yes", url.query());
    assertEquals(Map.of("utm_source", "News letter", "utm_medium", "email", "utm_campaign", "spring", "utm_content", "hero",
        "utm_term", "shoes"), url.utm());
  }

  @Test
  void readsAPlusInTheQueryAsASpaceAndInThePathAsAPlus() {
    CleanUrl url = cleaner.clean("https://a.example/c++/guide+1?utm_term=web+analytics&utm_campaign=a%2Bb+c&ref=hacker+news&q=x+y")
        .orElseThrow();
    assertEquals("web analytics", url.utm().get("utm_term"));
    assertEquals("a+b c", url.utm().get("utm_campaign"), "an encoded plus stays a plus");
    assertEquals("hacker news", url.refParam());
    assertEquals("/c++/guide+1", url.pathname());
    assertEquals("ref=hacker+news&q=x+y", url.query(), "the kept query is stored as sent");
  }

  @Test
  void keepsARefParameterAsASourceHint() {
    CleanUrl url = cleaner.clean("https://a.example/?ref=producthunt").orElseThrow();
    assertEquals("producthunt", url.refParam());
    assertEquals("ref=producthunt", url.query());
  }

  @Test
  void decodesThePathAndDefaultsItToSlash() {
    assertEquals("/caf\u00e9 menu", cleaner.clean("https://a.example/caf%C3%A9%20menu").orElseThrow().pathname());
    assertEquals("/", cleaner.clean("https://a.example").orElseThrow().pathname());
    assertEquals("/", cleaner.clean("https://a.example?x=1").orElseThrow().pathname());
  }

  @Test
  void refusesWhatIsNotAnAbsoluteHttpUrl() {
    for (String bad : List.of("", "/relative", "ftp://a.example/", "javascript:alert(1)", "https://", "http://exa mple.com/", "data:text/html,x")) {
      assertTrue(cleaner.clean(bad).isEmpty(), bad);
    }
  }
}
