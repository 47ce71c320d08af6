package io.sightline.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.sightline.query.Metric.AVG_DURATION;
import static io.sightline.query.Metric.AVG_SCROLL;
import static io.sightline.query.Metric.BOUNCE_RATE;
import static io.sightline.query.Metric.CLICKERS;
import static io.sightline.query.Metric.ENGAGEMENT;
import static io.sightline.query.Metric.EVENTS;
import static io.sightline.query.Metric.PAGEVIEWS;
import static io.sightline.query.Metric.SESSIONS;
import static io.sightline.query.Metric.VIEWS_PER_VISIT;
import static io.sightline.query.Metric.VISITORS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonMergeTest {

  /** A row like QueryEngine's: alternating keys and values, nulls allowed. */
  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // average

  @Test
  void averagesEachMetricOverTheBaselinesRoundingCountsHalfUpToWholeNumbers() {
    List<Map<String, Object>> totals = List.of(
        row("visitors", 100L, "pageviews", 10L, "sessions", 3L, "bounce_rate", 42L),
        row("visitors", 101L, "pageviews", 11L, "sessions", 4L, "bounce_rate", 43L),
        row("visitors", 102L, "pageviews", 10L, "sessions", 3L, "bounce_rate", 42L),
        row("visitors", 104L, "pageviews", 10L, "sessions", 4L, "bounce_rate", 43L));
    assertEquals(row("visitors", 102L, "pageviews", 10L, "sessions", 4L, "bounce_rate", 43L),
        ComparisonMerge.average(totals, List.of(VISITORS, PAGEVIEWS, SESSIONS, BOUNCE_RATE)));
  }

  @Test
  void averagesViewsPerVisitToTwoDecimalsHalfUpWithoutBinaryRoundingErrors() {
    // 1.115 as a double is 1.11499999...; the mean is taken in decimal, so it rounds up to 1.12
    assertEquals(row("views_per_visit", 1.12),
        ComparisonMerge.average(List.of(row("views_per_visit", 1.11), row("views_per_visit", 1.12)), List.of(VIEWS_PER_VISIT)));
    assertEquals(row("views_per_visit", 1.48), ComparisonMerge.average(List.of(row("views_per_visit", 1.5),
        row("views_per_visit", 1.25), row("views_per_visit", 2.0), row("views_per_visit", 1.16)), List.of(VIEWS_PER_VISIT)));
  }

  @Test
  void averageReturnsLongsForWholeNumberMetricsAndDoublesForViewsPerVisit() {
    Map<String, Object> avg = ComparisonMerge.average(List.of(row("visitors", 3L, "views_per_visit", 2.0),
        row("visitors", 4L, "views_per_visit", 2.0)), List.of(VISITORS, VIEWS_PER_VISIT));
    assertEquals(Long.valueOf(4), avg.get("visitors")); // 3.5 rounds half up
    assertEquals(Double.valueOf(2.0), avg.get("views_per_visit"));
  }

  @Test
  void averageSkipsNullValuesAndIsNullWhenEveryBaselineIsNull() {
    List<Map<String, Object>> totals = List.of(
        row("avg_scroll", null, "engagement", null, "avg_duration", 61L),
        row("avg_scroll", 60L, "engagement", null, "avg_duration", 62L),
        row("avg_scroll", null, "engagement", null, "avg_duration", 0L),
        row("avg_scroll", 71L, "engagement", null, "avg_duration", 0L));
    assertEquals(row("avg_scroll", 66L, "engagement", null, "avg_duration", 31L),
        ComparisonMerge.average(totals, List.of(AVG_SCROLL, ENGAGEMENT, AVG_DURATION)));
  }

  @Test
  void averageOfNoBaselinesIsNullForEveryMetric() {
    assertEquals(row("visitors", null, "views_per_visit", null), ComparisonMerge.average(List.of(), List.of(VISITORS, VIEWS_PER_VISIT)));
  }

  @Test
  void averageAcceptsIntegerAndDoubleValuesForWholeNumberMetrics() {
    assertEquals(row("visitors", 3L, "bounce_rate", 51L),
        ComparisonMerge.average(List.of(row("visitors", 2, "bounce_rate", 50.0), row("visitors", 3, "bounce_rate", 51.0),
            row("visitors", 4, "bounce_rate", 51.0)), List.of(VISITORS, BOUNCE_RATE)));
  }

  // additive or ratio

  @Test
  void countsAreAdditiveAndRatiosAndAveragesAreNot() {
    for (Metric m : List.of(VISITORS, SESSIONS, PAGEVIEWS, EVENTS, CLICKERS)) {
      assertTrue(ComparisonMerge.isAdditive(m), m.id());
    }
    for (Metric m : List.of(VIEWS_PER_VISIT, BOUNCE_RATE, AVG_DURATION, AVG_SCROLL, ENGAGEMENT)) {
      assertFalse(ComparisonMerge.isAdditive(m), m.id());
    }
  }

  // averageByKey

  @Test
  void averagesGroupedRowsByKeyCountingAMissingKeyAsZeroForCountsAndSkippingItForRatios() {
    List<List<Map<String, Object>>> baselines = List.of(
        List.of(row("page", "/", "visitors", 10L, "bounce_rate", 40L), row("page", "/pricing", "visitors", 5L, "bounce_rate", 60L)),
        List.of(row("page", "/", "visitors", 12L, "bounce_rate", 50L)),
        List.of(row("page", "/", "visitors", 9L, "bounce_rate", 45L), row("page", "/blog", "visitors", 2L, "bounce_rate", 100L)),
        List.of(row("page", "/", "visitors", 11L, "bounce_rate", null), row("page", "/pricing", "visitors", 3L, "bounce_rate", 70L)));
    Map<Object, Map<String, Object>> avg = ComparisonMerge.averageByKey(baselines, List.of("page"), List.of(VISITORS, BOUNCE_RATE));
    assertEquals(List.of(List.of("/"), List.of("/pricing"), List.of("/blog")), new ArrayList<>(avg.keySet()));
    assertEquals(row("visitors", 11L, "bounce_rate", 45L), avg.get(List.of("/")));        // 42 / 4 = 10.5; (40+50+45) / 3
    assertEquals(row("visitors", 2L, "bounce_rate", 65L), avg.get(List.of("/pricing")));  // (5+0+0+3) / 4; (60+70) / 2
    assertEquals(row("visitors", 1L, "bounce_rate", 100L), avg.get(List.of("/blog")));    // 2 / 4 = 0.5
  }

  @Test
  void averagesViewsPerVisitByKeyOnlyOverTheBaselinesThatHaveTheKey() {
    Map<Object, Map<String, Object>> avg = ComparisonMerge.averageByKey(List.of(
            List.of(row("source", "Google", "sessions", 4L, "views_per_visit", 1.5)),
            List.of(row("source", "Google", "sessions", 1L, "views_per_visit", 2.25)),
            List.of(), List.of()),
        List.of("source"), List.of(SESSIONS, VIEWS_PER_VISIT));
    assertEquals(row("sessions", 1L, "views_per_visit", 1.88), avg.get(List.of("Google"))); // 5 / 4 = 1.25; 3.75 / 2 = 1.875
  }

  @Test
  void keysOfSeveralDimensionsMayHoldNulls() {
    List<String> dims = List.of("country", "device");
    Map<Object, Map<String, Object>> avg = ComparisonMerge.averageByKey(List.of(
            List.of(row("country", null, "device", "Mobile", "visitors", 4L), row("country", "DE", "device", "Mobile", "visitors", 6L)),
            List.of(row("country", null, "device", "Mobile", "visitors", 7L))),
        dims, List.of(VISITORS));
    assertEquals(row("visitors", 6L), avg.get(Arrays.asList(null, "Mobile"))); // 5.5
    assertEquals(row("visitors", 3L), avg.get(List.of("DE", "Mobile")));
    assertEquals(Arrays.asList(null, "Mobile"), ComparisonMerge.key(row("device", "Mobile", "visitors", 1L), dims));
  }

  @Test
  void aNullCountInAGroupedRowCountsAsZero() {
    Map<Object, Map<String, Object>> avg = ComparisonMerge.averageByKey(List.of(
        List.of(row("page", "/", "clickers", 3L)), List.of(row("page", "/", "clickers", null))), List.of("page"), List.of(CLICKERS));
    assertEquals(row("clickers", 2L), avg.get(List.of("/"))); // 1.5
  }

  // averageByPosition

  @Test
  void averagesTimeBucketsByPositionInChronologicalOrderSkippingBaselinesTooShortToReachThem() {
    List<List<Map<String, Object>>> baselines = List.of(
        List.of(row("date", "2026-03-03", "visitors", 4L, "avg_scroll", 50L), row("date", "2026-03-02", "visitors", 2L, "avg_scroll", null)),
        List.of(row("date", "2026-02-23", "visitors", 3L, "avg_scroll", 30L), row("date", "2026-02-24", "visitors", 6L, "avg_scroll", 61L)),
        List.of(row("date", "2026-02-16", "visitors", 5L, "avg_scroll", 40L)));
    assertEquals(List.of(
            row("visitors", 3L, "avg_scroll", 35L),  // (2+3+5) / 3 = 3.33; (30+40) / 2
            row("visitors", 5L, "avg_scroll", 56L)), // (4+6) / 2, the third baseline has no second day; (50+61) / 2 = 55.5
        ComparisonMerge.averageByPosition(baselines, "date", List.of(VISITORS, AVG_SCROLL)));
  }

  @Test
  void hourBucketsOfDifferentDaysAreMatchedByPositionNotByLabel() {
    List<List<Map<String, Object>>> baselines = List.of(
        List.of(row("hour", "2026-03-18 00:00", "pageviews", 1L), row("hour", "2026-03-18 01:00", "pageviews", 4L)),
        List.of(row("hour", "2026-03-11 00:00", "pageviews", 2L), row("hour", "2026-03-11 01:00", "pageviews", 0L)));
    List<Map<String, Object>> avg = ComparisonMerge.averageByPosition(baselines, "hour", List.of(PAGEVIEWS));
    assertEquals(List.of(row("pageviews", 2L), row("pageviews", 2L)), avg); // 1.5, 2
  }

  // change

  @Test
  void changeIsThePercentChangeRoundedToOneDecimal() {
    // the numbers of api-specs §5.3.5's example
    Map<String, Object> current = row("visitors", 4821L, "pageviews", 12493L, "views_per_visit", 2.59);
    Map<String, Object> baseline = row("visitors", 4310L, "pageviews", 11020L, "views_per_visit", 2.5);
    assertEquals(row("visitors", 11.9, "pageviews", 13.4, "views_per_visit", 3.6),
        ComparisonMerge.change(current, baseline, List.of(VISITORS, PAGEVIEWS, VIEWS_PER_VISIT)));
  }

  @Test
  void changeRoundsHalfAwayFromZeroInBothDirections() {
    assertEquals(row("visitors", 6.3, "sessions", -6.3, "pageviews", -100.0, "events", 0.0, "clickers", 12.5),
        ComparisonMerge.change(row("visitors", 17L, "sessions", 15L, "pageviews", 0L, "events", 7L, "clickers", 9L),
            row("visitors", 16L, "sessions", 16L, "pageviews", 5L, "events", 7L, "clickers", 8L),
            List.of(VISITORS, SESSIONS, PAGEVIEWS, EVENTS, CLICKERS)));
  }

  @Test
  void changeIsNullWhenTheBaselineIsZeroOrNullOrTheCurrentValueIsNull() {
    assertEquals(row("bounce_rate", null, "avg_scroll", null, "engagement", null, "visitors", null),
        ComparisonMerge.change(row("bounce_rate", 42L, "avg_scroll", null, "engagement", 30L, "visitors", 5L),
            row("bounce_rate", 0L, "avg_scroll", 60L, "engagement", null, "visitors", 0L),
            List.of(BOUNCE_RATE, AVG_SCROLL, ENGAGEMENT, VISITORS)));
  }

  @Test
  void changeAgainstAMissingBaselineRowIsNullForEveryMetric() {
    assertEquals(row("visitors", null, "bounce_rate", null),
        ComparisonMerge.change(row("visitors", 5L, "bounce_rate", 20L), null, List.of(VISITORS, BOUNCE_RATE)));
  }

  @Test
  void changeOfViewsPerVisitIsComputedInDecimal() {
    // (2.2 - 2.0) / 2.0 * 100 in doubles is 10.000000000000009; in decimal exactly 10
    assertEquals(row("views_per_visit", 10.0),
        ComparisonMerge.change(row("views_per_visit", 2.2), row("views_per_visit", 2.0), List.of(VIEWS_PER_VISIT)));
  }
}
