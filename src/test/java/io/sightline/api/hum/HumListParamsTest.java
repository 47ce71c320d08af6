package io.sightline.api.hum;

import io.sightline.http.ApiException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HumListParamsTest {
  private static HumListParams parse(String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    return HumListParams.parse(m);
  }

  private static void invalid(String... pairs) {
    ApiException e = assertThrows(ApiException.class, () -> parse(pairs));
    assertEquals(422, e.status());
  }

  @Test
  void defaultsAreTheFirstPageOfEverySession() {
    HumListParams p = parse();
    assertEquals(1, p.page());
    assertEquals(0, p.offset());
    assertEquals(HumListParams.MIN, p.startInclusive());
    assertEquals(HumListParams.MAX, p.endExclusive());
    assertEquals(List.of(), p.tokens());
    assertEquals(false, p.withClicks());
    assertEquals(100, parse("page", "3").offset());
  }

  @Test
  void boundsCountWholeSecondsAndIncludeTheEndSecond() {
    HumListParams p = parse("start_date", "2026-01-01T00:00:00Z", "end_date", "2026-03-31T23:59:59Z");
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), p.startInclusive());
    assertEquals(Instant.parse("2026-04-01T00:00:00Z"), p.endExclusive());
    assertEquals(Instant.parse("2026-01-01T00:00:01Z"), parse("start_date", "2026-01-01T00:00:00.001Z").startInclusive());
    assertEquals(Instant.parse("2026-01-01T00:00:01Z"), parse("end_date", "2026-01-01T00:00:00.999Z").endExclusive());
    assertEquals(Instant.parse("2025-12-31T22:00:00Z"), parse("start_date", "2026-01-01T00:00:00+02:00").startInclusive());
    assertEquals(Instant.parse("2026-01-01T10:00:00Z"), parse("start_date", "2026-01-01T10:00:00").startInclusive());
    assertEquals(Instant.parse("2026-03-01T00:00:00Z"), parse("start_date", "2026-03-01").startInclusive());
    assertEquals(Instant.parse("2026-03-02T00:00:00Z"), parse("end_date", "2026-03-01").endExclusive());
    parse("start_date", "2026-03-01T10:00:00Z", "end_date", "2026-03-01T10:00:00Z"); // one second
    invalid("start_date", "2026-03-01T10:00:01Z", "end_date", "2026-03-01T10:00:00Z");
  }

  @Test
  void refusesBadValuesWith422() {
    for (String page : List.of("0", "-1", "x", "1.0", "1000001", "99999999999999999999", " ")) {
      invalid("page", page);
    }
    invalid("page", "1", "page", "2");
    for (String d : List.of("2026-02-30", "2026-01-01T25:00:00Z", "tomorrow", "1969-12-31T23:59:59Z", "9999-12-31", "", "2026-01-01 00:00:00")) {
      invalid("start_date", d);
    }
    invalid("with_clicks", "yes");
    invalid("token_ids[]", "abc");
    invalid("token_ids[]", "1234567890");
    invalid("token_ids[]", "sl_short");
    String[] many = new String[202];
    for (int i = 0; i < many.length; i += 2) {
      many[i] = "token_ids[]";
      many[i + 1] = "1";
    }
    invalid(many);
  }

  @Test
  void readsTokenReferencesAndClickFlags() {
    UUID uuid = UUID.randomUUID();
    HumListParams p = parse("token_ids[]", "12", "token_ids[]", "sl_AbCdEfGh12", "token_ids", uuid.toString().toUpperCase(java.util.Locale.ROOT),
        "with_clicks", "TRUE");
    assertEquals(12, p.tokens().get(0).id());
    assertEquals("AbCdEfGh12", p.tokens().get(1).keyId());
    assertEquals(uuid, p.tokens().get(2).uuid(), "Hum's schema names tokens by UUID");
    assertTrue(p.withClicks());
    assertEquals(false, parse("with_clicks", "0").withClicks());
  }

  @Test
  void sessionIdsRoundTripAndRejectOtherUuids() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      int site = 1 + random.nextInt(Integer.MAX_VALUE);
      long session = random.nextLong() & Long.MAX_VALUE;
      UUID id = HumSessionId.encode(site, session);
      assertEquals(8, id.version());
      assertEquals(2, id.variant());
      assertEquals(new HumSessionId.Key(site, session), HumSessionId.decode(id.toString()).orElseThrow());
      assertEquals(new HumSessionId.Key(site, session), HumSessionId.decode(id.toString().toUpperCase()).orElseThrow());
    }
    assertTrue(HumSessionId.decode(HumSessionId.encode(1, 5).toString().replace("-8", "-9")).isEmpty());
    long rejected = java.util.stream.IntStream.range(0, 1000).filter(i -> HumSessionId.decode(UUID.randomUUID().toString()).isEmpty()).count();
    assertEquals(1000, rejected);
    for (String s : List.of("", "x", "1-1-1-1-1", "00000001-0000-8000-8000-000000000000 ", "' or 1=1 --")) {
      assertTrue(HumSessionId.decode(s).isEmpty(), s);
    }
    // changing one bit of the session part is caught by the check bits
    String id = HumSessionId.encode(3, 123_456_789L).toString();
    String flipped = id.substring(0, 20) + (id.charAt(20) == '0' ? '1' : '0') + id.substring(21);
    assertTrue(HumSessionId.decode(flipped).isEmpty());
  }
}
