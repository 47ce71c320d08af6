package io.sightline.ingest.enrich;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The arranged alternation matches exactly the strings the plain one does. */
class PatternAlternationTest {
  @Test
  void matchesWhatThePlainAlternationMatches() {
    List<String> tokens = List.of("ahrefs", "axios/", "a.b", "updown.io", "got (", "bot", "bots", "bo", "x|y", "[z]", "q+");
    List<String> regexes = List.of("^foo\\d", "(?:^|[^g])news", "^a|b\\$", "(?<! cu)bots?(?:\\b|_)", "^[\\w-]+/[\\w]+$", "abuse", "24x7");
    List<String> plain = new ArrayList<>();
    tokens.forEach(t -> plain.add(Pattern.quote(t)));
    regexes.forEach(r -> plain.add("(?:" + r + ")"));
    Pattern expected = Pattern.compile(String.join("|", plain), Pattern.CASE_INSENSITIVE);
    Pattern arranged = Pattern.compile(PatternAlternation.of(tokens, regexes), Pattern.CASE_INSENSITIVE);
    String alphabet = "abotsxyiuzq|[]+.(/ -_$news24x7fcuAHREFSdpw";
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(14); n > 0; n--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertEquals(expected.matcher(s).find(), arranged.matcher(s).find(), s.toString());
    }
    for (String s : List.of("AhRefsBot", "got (x)", "updown.io", "updownxio", "foo1", "xfoo1", "gnews", "anews", "b$", "cubot", " cubot",
        "ab", "q+", "qq", "[z]", "z", "x|y", "curl/8", "24x7")) {
      assertEquals(expected.matcher(s).find(), arranged.matcher(s).find(), s);
    }
  }
}
