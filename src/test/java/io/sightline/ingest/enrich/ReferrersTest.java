package io.sightline.ingest.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferrersTest {
  private final Referrers referrers = Referrers.load(Optional.empty());

  private void expect(String host, String name, SourceCategory category) {
    KnownSource s = referrers.lookup(host).orElseThrow(() -> new AssertionError("unknown " + host));
    assertEquals(name, s.name(), host);
    assertEquals(category, s.category(), host);
  }

  @Test
  void knowsSearchEnginesUnderEveryCountryDomain() {
    expect("www.google.com", "Google", SourceCategory.SEARCH);
    expect("www.google.co.uk", "Google", SourceCategory.SEARCH);
    expect("google.de", "Google", SourceCategory.SEARCH);
    expect("www.google.com.br", "Google", SourceCategory.SEARCH);
    expect("duckduckgo.com", "DuckDuckGo", SourceCategory.SEARCH);
    expect("www.bing.com", "Bing", SourceCategory.SEARCH);
  }

  @Test
  void knowsSocialVideoShoppingEmailAndAiAssistants() {
    expect("l.facebook.com", "Facebook", SourceCategory.SOCIAL);
    expect("t.co", "Twitter", SourceCategory.SOCIAL);
    expect("news.ycombinator.com", "Hacker News", SourceCategory.SOCIAL);
    expect("m.youtube.com", "YouTube", SourceCategory.VIDEO);
    expect("www.amazon.de", "Amazon", SourceCategory.SHOPPING);
    expect("mail.google.com", "Gmail", SourceCategory.EMAIL);
    expect("chatgpt.com", "ChatGPT", SourceCategory.AI);
    expect("www.perplexity.ai", "Perplexity", SourceCategory.AI);
    expect("gemini.google.com", "Gemini", SourceCategory.AI);
  }

  @Test
  void findsNothingForUnknownHosts() {
    assertTrue(referrers.lookup("blog.someone.example").isEmpty());
    assertTrue(referrers.lookup("google.evil.example.com").isEmpty(), "google.* only under a short TLD");
    assertTrue(referrers.lookup("").isEmpty());
  }

  @Test
  void namesTaggedSourcesAsPeopleWriteThem() {
    assertEquals("Google", referrers.lookupName("google").orElseThrow().name());
    assertEquals("Facebook", referrers.lookupName("Facebook").orElseThrow().name());
    assertEquals("Twitter", referrers.lookupName("t.co").orElseThrow().name());
    assertTrue(referrers.lookupName("newsletter").isEmpty());
  }

  @Test
  void operatorListsExtendTheBuiltInOnes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("refs.tsv");
    Files.writeString(file, "# ours\nintranet.example\tIntranet\tother\n");
    Referrers extended = Referrers.load(Optional.of(file));
    assertEquals("Intranet", extended.lookup("wiki.intranet.example").orElseThrow().name());
    Path spamFile = dir.resolve("spam.txt");
    Files.writeString(spamFile, "spammy.example\n");
    SpamReferrers spam = SpamReferrers.load(Optional.of(spamFile));
    assertTrue(spam.isSpam("www.spammy.example"));
    assertTrue(spam.isSpam("semalt.com"), "built-in list still there");
    assertFalse(spam.isSpam("google.com"));
  }
}
