package io.sightline.auth;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyTokenTest {
  @Test
  void generatedKeysHaveTheRecognisablePrefixAndParseBack() {
    ApiKeyToken token = ApiKeyToken.generate();
    assertTrue(token.value().matches("sl_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}"), token.value());
    assertEquals(token.keyId(), ApiKeyToken.parse(token.value()).orElseThrow().keyId());
    assertEquals("sl_" + token.keyId(), token.displayPrefix());
  }

  @Test
  void generatedKeysAreDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertTrue(seen.add(ApiKeyToken.generate().value()));
    }
  }

  @Test
  void rejectsAnythingThatIsNotAKey() {
    assertTrue(ApiKeyToken.parse(null).isEmpty());
    assertTrue(ApiKeyToken.parse("").isEmpty());
    assertTrue(ApiKeyToken.parse("ck_live_123").isEmpty());
    String valid = ApiKeyToken.generate().value();
    assertTrue(ApiKeyToken.parse(valid + "x").isEmpty());
    assertTrue(ApiKeyToken.parse(valid.replace("sl_", "xx_")).isEmpty());
    assertTrue(ApiKeyToken.parse(valid.substring(0, valid.length() - 1) + "'").isEmpty());
    assertTrue(ApiKeyToken.parse("sl_' OR 1=1 --_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").isEmpty());
  }

  @Test
  void matchesOnlyItsOwnSha256Hash() {
    ApiKeyToken token = ApiKeyToken.generate();
    byte[] hash = token.hash();
    assertEquals(32, hash.length);
    assertArrayEquals(ApiKeyToken.sha256(token.value()), hash);
    assertTrue(token.matches(hash));
    assertFalse(ApiKeyToken.generate().matches(hash));
  }

  @Test
  void neverPrintsTheSecret() {
    ApiKeyToken token = ApiKeyToken.generate();
    String secret = token.value().substring(token.value().lastIndexOf('_') + 1);
    assertFalse(token.toString().contains(secret));
  }
}
