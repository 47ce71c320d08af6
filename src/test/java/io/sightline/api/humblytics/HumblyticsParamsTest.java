package io.sightline.api.humblytics;

import io.sightline.api.humblytics.HumblyticsParams.Granularity;
import io.sightline.http.ApiException;
import io.sightline.query.FunnelQuery;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pure parsing of the Humblytics parameters and funnel steps. */
class HumblyticsParamsTest {
  static MultiMap params(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      m.add(kv[i], kv[i + 1]);
    }
    return m;
  }

  static void bad(Runnable r) {
    ApiException e = assertThrows(ApiException.class, r::run);
    assertEquals(400, e.status());
    assertEquals("invalid_request", e.code());
  }

  @Test
  void aDateOnlyEndIsExclusiveYetItsDayIsTheLastBucket() {
    var r = HumblyticsParams.range(params("start", "2024-05-01", "end", "2024-05-07", "timezone", "America/New_York"));
    assertEquals(Instant.parse("2024-05-01T04:00:00Z"), r.start());
    assertEquals(Instant.parse("2024-05-07T04:00:00Z"), r.end());
    assertEquals("2024-05-01T04:00:00.000Z", r.metaStart());
    assertEquals("2024-05-07T03:59:59.000Z", r.metaEndText());
    List<LocalDateTime> days = r.buckets(Granularity.DAY);
    assertEquals(7, days.size());
    assertEquals("2024-05-07T00:00:00-04:00", r.bucketStart(days.get(6)));
    assertEquals(145, r.buckets(Granularity.HOUR).size());
  }

  @Test
  void timestampsAreUsedAsGivenAndATimestampEndIsInclusive() {
    var r = HumblyticsParams.range(params("start", "2024-05-01T00:00:00Z", "end", "2024-05-01T23:59:59.999Z"));
    assertEquals(Instant.parse("2024-05-02T00:00:00Z"), r.end());
    assertEquals("2024-05-01T23:59:59.999Z", r.metaEndText());
    assertEquals(1, r.buckets(Granularity.DAY).size());
    assertEquals(24, r.buckets(Granularity.HOUR).size());
    var local = HumblyticsParams.range(params("start", "2024-05-01T00:00", "end", "2024-05-02", "timezone", "Asia/Kolkata"));
    assertEquals(Instant.parse("2024-04-30T18:30:00Z"), local.start());
    var offset = HumblyticsParams.range(params("start", "2024-05-01T00:00:00+02:00", "end", "2024-05-02"));
    assertEquals(Instant.parse("2024-04-30T22:00:00Z"), offset.start());
  }

  @Test
  void weeksStartOnMondayAndMonthsOnTheFirst() {
    var r = HumblyticsParams.range(params("start", "2024-05-01", "end", "2024-06-01"));
    assertEquals(LocalDateTime.parse("2024-04-29T00:00"), r.buckets(Granularity.WEEK).get(0));
    assertEquals(List.of(LocalDateTime.parse("2024-05-01T00:00"), LocalDateTime.parse("2024-06-01T00:00")), r.buckets(Granularity.MONTH));
    assertEquals("2024-05-27", Granularity.WEEK.label(LocalDateTime.parse("2024-05-27T00:00")));
    assertEquals("2024-05", Granularity.MONTH.label(LocalDateTime.parse("2024-05-01T00:00")));
    assertEquals("2024-05-01 13:00", Granularity.HOUR.label(LocalDateTime.parse("2024-05-01T13:00")));
  }

  @Test
  void refusesWhatCannotBeParsed() {
    bad(() -> HumblyticsParams.range(params("end", "2024-05-07")));
    bad(() -> HumblyticsParams.range(params("start", "2024-02-30", "end", "2024-05-07")));
    bad(() -> HumblyticsParams.range(params("start", "2024-05-07", "end", "2024-05-01")));
    bad(() -> HumblyticsParams.range(params("start", "2024-05-01", "end", "2024-05-07", "timezone", "Europe/Nowhere")));
    bad(() -> HumblyticsParams.range(params("start", "2024-05-01", "end", "2024-05-07", "timezone", "+01:00")));
    bad(() -> HumblyticsParams.range(params("start", "1900-01-01", "end", "1901-01-01")));
    bad(() -> HumblyticsParams.range(params("start", "2010-01-01", "end", "2024-05-07")));
    bad(() -> HumblyticsParams.range(params("start", "2024-05-01", "end", "2024-06-01")).buckets(Granularity.HOUR));
    bad(() -> Granularity.parse("minute"));
    bad(() -> HumblyticsParams.limit(params("limit", "51")));
    bad(() -> HumblyticsParams.limit(params("limit", "1.5")));
    bad(() -> HumblyticsParams.page(params()));
    bad(() -> HumblyticsParams.page(params("page", "pricing")));
    assertEquals(10, HumblyticsParams.limit(params()));
    assertEquals(Granularity.DAY, Granularity.parse(null));
  }

  @Test
  void funnelStepsInTheLongAndShortForms() {
    assertEquals(List.of(new HumblyticsFunnels.Requested(FunnelQuery.StepKind.PAGE, "/"),
            new HumblyticsFunnels.Requested(FunnelQuery.StepKind.EVENT, "Signup"),
            new HumblyticsFunnels.Requested(FunnelQuery.StepKind.GOAL, "Buy"),
            new HumblyticsFunnels.Requested(FunnelQuery.StepKind.PAGE, "/pricing"),
            new HumblyticsFunnels.Requested(FunnelQuery.StepKind.EVENT, "Download")),
        HumblyticsFunnels.steps("[\"/\", \"Signup\", {\"goal\": \"Buy\"}, {\"type\": \"page\", \"value\": \"/pricing\"}, {\"event\": \"Download\"}]"));
    bad(() -> HumblyticsFunnels.steps("[{\"type\": \"page\", \"value\": 3}]"));
    bad(() -> HumblyticsFunnels.steps("{}"));
    bad(() -> HumblyticsFunnels.mode("any"));
    assertEquals(FunnelQuery.Mode.UNBOUNDED, HumblyticsFunnels.mode(null));
  }
}
