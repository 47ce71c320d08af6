package io.sightline.api.hubspot;

import io.sightline.http.ApiException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HubSpotParamsTest {
  static MultiMap params(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      m.add(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void readsDatesInBothFormsAndDefaults() {
    HubSpotParams p = HubSpotParams.parse(params("start", "20240501", "end", "2024-05-31", "f", "a", "f", "b", "e", "c", "exclude", "d"));
    assertEquals(LocalDate.of(2024, 5, 1), p.start());
    assertEquals(LocalDate.of(2024, 5, 31), p.end());
    assertEquals(List.of("a", "b"), p.include());
    assertEquals(List.of("c", "d"), p.exclude());
    assertEquals(350, p.limit());
    assertEquals(0, p.offset());
    assertEquals(false, p.ascending());
  }

  @Test
  void refusesBadValues() {
    for (String[] bad : List.of(new String[] {"start", "20240230", "end", "20240301"}, new String[] {"start", "2024-5-1", "end", "20240301"},
        new String[] {"start", "20240302", "end", "20240301"}, new String[] {"start", "20240101", "end", "20240102", "limit", "10001"},
        new String[] {"start", "20240101", "end", "20240102", "sortDir", "sideways"}, new String[] {"start", "20240101", "end", "20240102", "d2", "x"})) {
      ApiException e = assertThrows(ApiException.class, () -> HubSpotParams.parse(params(bad)));
      assertEquals(400, e.status());
    }
  }

  @Test
  void periodsAreKeyedByTheirFirstDayAndHoldOnlyTheRangesDays() {
    LocalDate start = LocalDate.of(2024, 5, 3);
    LocalDate end = LocalDate.of(2024, 6, 4);
    List<HubSpotParams.Period> weeks = HubSpotParams.periods(start, end, HubSpotParams.Unit.WEEKLY);
    assertEquals(new HubSpotParams.Period(LocalDate.of(2024, 4, 29), start, LocalDate.of(2024, 5, 6)), weeks.get(0));
    assertEquals(new HubSpotParams.Period(LocalDate.of(2024, 6, 3), LocalDate.of(2024, 6, 3), LocalDate.of(2024, 6, 5)), weeks.get(weeks.size() - 1));
    List<HubSpotParams.Period> months = HubSpotParams.periods(start, end, HubSpotParams.Unit.MONTHLY);
    assertEquals(List.of(new HubSpotParams.Period(LocalDate.of(2024, 5, 1), start, LocalDate.of(2024, 6, 1)),
        new HubSpotParams.Period(LocalDate.of(2024, 6, 1), LocalDate.of(2024, 6, 1), LocalDate.of(2024, 6, 5))), months);
    assertEquals(33, HubSpotParams.periods(start, end, HubSpotParams.Unit.DAILY).size());
    assertEquals(1, HubSpotParams.periods(start, end, HubSpotParams.Unit.TOTAL).size());
    assertEquals(501, HubSpotParams.periods(LocalDate.of(2020, 1, 1), LocalDate.of(2022, 1, 1), HubSpotParams.Unit.DAILY).size());
  }

  @Test
  void reportPathsNameReportPageBlogAndPeriod() {
    assertEquals(new HubSpotRoutes.Target("sources", null, null, HubSpotParams.Unit.TOTAL, false), HubSpotRoutes.target(List.of("sources", "total")));
    assertEquals(new HubSpotRoutes.Target("pages", null, null, HubSpotParams.Unit.MONTHLY, true),
        HubSpotRoutes.target(List.of("pages", "summarize", "monthly")));
    assertEquals(new HubSpotRoutes.Target("landing-pages", "123", null, HubSpotParams.Unit.DAILY, false),
        HubSpotRoutes.target(List.of("landing-pages", "123", "sources", "daily")));
    assertEquals(new HubSpotRoutes.Target("blog-posts", null, "7", HubSpotParams.Unit.WEEKLY, true),
        HubSpotRoutes.target(List.of("blog-posts", "content-group", "7", "sources", "summarize", "weekly")));
    for (List<String> bad : List.of(List.of("nope", "total"), List.of("sources", "summarize", "total"), List.of("sources", "hourly"),
        List.of("sources"), List.of("pages", "1", "sources", "total"))) {
      assertEquals(404, assertThrows(ApiException.class, () -> HubSpotRoutes.target(bad)).status(), bad.toString());
    }
  }

  @Test
  void contentIdsAreStableAndFitJavaScriptNumbers() {
    String id = HubSpotRows.contentId("https://example.com/pricing");
    assertEquals(id, HubSpotRows.contentId("https://example.com/pricing"));
    assertNotEquals(id, HubSpotRows.contentId("https://example.com/pricing/"));
    assertEquals(true, Long.parseLong(id) < (1L << 53));
    assertEquals("organic", HubSpotRows.sourceType("Organic Search"));
    assertEquals(List.of("AI Search", "Referral"), HubSpotRows.channelsOf("referrals"));
  }
}
