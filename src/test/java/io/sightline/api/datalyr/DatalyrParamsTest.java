package io.sightline.api.datalyr;

import io.sightline.http.ApiException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DATALYR's date parameters: the three documented forms, local forms in the workspace zone, inclusive ends, and the errors. */
class DatalyrParamsTest {
  static final ZoneId CHICAGO = ZoneId.of("America/Chicago");

  static DatalyrParams.Range range(String start, String end) {
    return DatalyrParams.range(MultiMap.caseInsensitiveMultiMap().add("start_date", start).add("end_date", end), CHICAGO);
  }

  @Test
  void readsZOffsetsAndMillisecondsWithAnInclusiveEnd() {
    DatalyrParams.Range r = range("2026-03-16T14:30:00Z", "2026-03-16T08:30:00-06:00");
    assertEquals(Instant.parse("2026-03-16T14:30:00Z"), r.start());
    assertEquals(Instant.parse("2026-03-16T14:30:01Z"), r.end()); // the whole end second is in
    r = range("2026-03-16T14:30:00Z", "2026-03-16T14:30:45.123Z");
    assertEquals(Instant.parse("2026-03-16T14:30:45.124Z"), r.end());
    assertEquals(Instant.parse("2026-03-16T14:30:45.123Z"), r.inclusiveEnd());
  }

  @Test
  void readsDatesAndDateTimesWithoutOffsetInTheWorkspaceZone() {
    DatalyrParams.Range r = range("2026-03-16", "2026-03-16");
    assertEquals(Instant.parse("2026-03-16T05:00:00Z"), r.start());
    assertEquals(Instant.parse("2026-03-17T05:00:00Z"), r.end());
    r = range("2026-03-16T00:00:00", "2026-03-16T23:59:59");
    assertEquals(Instant.parse("2026-03-16T05:00:00Z"), r.start());
    assertEquals(Instant.parse("2026-03-17T05:00:00Z"), r.end());
    assertEquals("hour", DatalyrParams.autoAggregation(r));
  }

  @Test
  void autoAggregationFollowsTheDaysTheRangeTouches() {
    assertEquals("day", DatalyrParams.autoAggregation(range("2026-03-10T00:00:00Z", "2026-03-16T23:59:59Z")));
    assertEquals("day", DatalyrParams.autoAggregation(range("2026-01-01", "2026-03-01")));
    assertEquals("week", DatalyrParams.autoAggregation(range("2026-01-01", "2026-03-02")));
    assertEquals("week", DatalyrParams.autoAggregation(range("2026-01-01", "2026-06-29")));
    assertEquals("month", DatalyrParams.autoAggregation(range("2026-01-01", "2026-06-30")));
  }

  @Test
  void refusesMissingMalformedReversedAndHugeRanges() {
    for (String[] bad : new String[][] {{null, "2026-03-16"}, {"2026-03-16", ""}, {"yesterday", "2026-03-16"}, {"2026-03-16T25:00:00Z", "2026-03-17"},
        {"2026-03-17", "2026-03-16"}, {"2000-01-01", "2026-03-16"}, {"2026-03-16T00:00:00Z'; drop table events", "2026-03-17"},
        {"+999999999-01-01", "+999999999-01-02"}, {"2026-03-16T14:30:00Z".repeat(5), "2026-03-17"}}) {
      MultiMap p = MultiMap.caseInsensitiveMultiMap();
      if (bad[0] != null) {
        p.add("start_date", bad[0]);
      }
      p.add("end_date", bad[1]);
      ApiException e = assertThrows(ApiException.class, () -> DatalyrParams.range(p, CHICAGO), String.join(" / ", java.util.Arrays.asList(bad)));
      assertEquals(400, e.status());
    }
  }

  @Test
  void limitsAndChoicesAreChecked() {
    MultiMap p = MultiMap.caseInsensitiveMultiMap().add("limit", "100").add("bad", "1e3").add("type", "os");
    assertEquals(100, DatalyrParams.integer(p, "limit", 20, 1, 100));
    assertEquals(20, DatalyrParams.integer(p, "absent", 20, 1, 100));
    assertThrows(ApiException.class, () -> DatalyrParams.integer(p, "bad", 20, 1, 100));
    assertThrows(ApiException.class, () -> DatalyrParams.integer(p, "limit", 20, 1, 99));
    assertEquals("os", DatalyrParams.choice(p, "type", "browser", java.util.List.of("browser", "os")));
    assertThrows(ApiException.class, () -> DatalyrParams.choice(p, "type", "browser", java.util.List.of("browser")));
  }
}
