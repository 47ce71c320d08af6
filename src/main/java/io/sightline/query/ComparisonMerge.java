package io.sightline.query;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the results of the baseline queries of a {@link Comparison} (rows as in
 * {@link QueryEngine.Result#rows()}: metric ids to Long, Double or null, dimension ids to values)
 * into the {@code comparison} and {@code change} objects of an {@code include_comparison} response
 * (api-specs.md §5.3.5). Pure; no Vert.x types.
 * <p>
 * Averages are the plain mean of each baseline's value, rounded half up: to a whole number (Long),
 * or to 2 decimals (Double) for {@code views_per_visit} and {@code revenue}. A ratio such as
 * {@code bounce_rate} is averaged as the baselines report it, not re-weighted by their sessions.
 * The change is computed from that rounded average, so a client can recompute it from the
 * numbers it is shown.
 */
public final class ComparisonMerge {

  private ComparisonMerge() {
  }

  /** True for a count (a missing grouped key counts as 0), false for a ratio or average (a missing key is skipped). */
  public static boolean isAdditive(Metric metric) {
    return metric.counts();
  }

  /**
   * The mean of each metric over the baselines' aggregate rows (one row per baseline). Null values
   * are left out; a metric is null when every baseline has null.
   */
  public static Map<String, Object> average(List<Map<String, Object>> totals, List<Metric> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      List<Object> values = new ArrayList<>();
      for (Map<String, Object> row : totals) {
        values.add(row.get(m.id()));
      }
      out.put(m.id(), mean(m, values));
    }
    return out;
  }

  /**
   * The mean per grouped key over the baselines' rows, keyed by {@link #key} (the list of the
   * row's dimension values in {@code dimensionIds} order), keys in first-seen order. A key missing
   * from a baseline (or a null count) counts as 0 for an {@link #isAdditive additive} metric and
   * is skipped for a ratio (null when no baseline has a value).
   * <p>
   * The baseline queries must not be paged (no limit/offset cut), or a key cut from a baseline
   * would count as 0.
   */
  public static Map<Object, Map<String, Object>> averageByKey(List<List<Map<String, Object>>> baselineRows,
                                                              List<String> dimensionIds, List<Metric> metrics) {
    List<Map<Object, Map<String, Object>>> indexed = new ArrayList<>();
    Map<Object, Boolean> keys = new LinkedHashMap<>();
    for (List<Map<String, Object>> rows : baselineRows) {
      Map<Object, Map<String, Object>> byKey = new LinkedHashMap<>();
      for (Map<String, Object> row : rows) {
        Object k = key(row, dimensionIds);
        byKey.put(k, row);
        keys.put(k, Boolean.TRUE);
      }
      indexed.add(byKey);
    }
    Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object k : keys.keySet()) {
      Map<String, Object> averaged = new LinkedHashMap<>();
      for (Metric m : metrics) {
        List<Object> values = new ArrayList<>();
        for (Map<Object, Map<String, Object>> baseline : indexed) {
          Map<String, Object> row = baseline.get(k);
          Object v = row == null ? null : row.get(m.id());
          values.add(v == null && isAdditive(m) ? 0L : v);
        }
        averaged.put(m.id(), mean(m, values));
      }
      out.put(k, averaged);
    }
    return out;
  }

  /**
   * The key of a grouped row in {@link #averageByKey}: its values for {@code dimensionIds}, in that
   * order, as an unmodifiable list that may hold nulls (a missing country, say).
   */
  public static List<Object> key(Map<String, Object> row, List<String> dimensionIds) {
    List<Object> values = new ArrayList<>(dimensionIds.size());
    for (String id : dimensionIds) {
      values.add(row.get(id));
    }
    return Collections.unmodifiableList(values);
  }

  /**
   * For a time dimension ({@code hour}, {@code date}, {@code week}, {@code month}): bucket i of the
   * current range is compared with bucket i of each baseline, by position, because the labels
   * differ (a baseline's 2026-03-01 stands for the current 2026-03-08). Each baseline's rows are
   * put in chronological order of {@code timeDimensionId} first (the labels sort as text); the
   * result's element i is the mean of the baselines' i-th buckets, to pair with the i-th bucket of
   * the current range counted from its start (time buckets are zero-filled, so that is the current
   * result in chronological order when it is not paged).
   * <p>
   * A position past a baseline's last bucket lies outside that baseline's range (a shorter
   * baseline), so that baseline is skipped there, not counted as 0. The result is as long as the
   * longest baseline; a current bucket past its end has no comparison (today's hours after the
   * current one, since today's baselines stop at the current time). Across a DST change hour
   * buckets shift by one (a 23- or 25-hour day), which position-matching does not correct.
   */
  public static List<Map<String, Object>> averageByPosition(List<List<Map<String, Object>>> baselineRows,
                                                            String timeDimensionId, List<Metric> metrics) {
    List<List<Map<String, Object>>> sorted = new ArrayList<>();
    int buckets = 0;
    for (List<Map<String, Object>> rows : baselineRows) {
      List<Map<String, Object>> s = new ArrayList<>(rows);
      s.sort(Comparator.comparing(r -> String.valueOf(r.get(timeDimensionId))));
      sorted.add(s);
      buckets = Math.max(buckets, s.size());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      List<Map<String, Object>> bucket = new ArrayList<>();
      for (List<Map<String, Object>> s : sorted) {
        if (i < s.size()) {
          bucket.add(s.get(i));
        }
      }
      Map<String, Object> averaged = new LinkedHashMap<>();
      for (Metric m : metrics) {
        List<Object> values = new ArrayList<>();
        for (Map<String, Object> row : bucket) {
          Object v = row.get(m.id());
          values.add(v == null && isAdditive(m) ? 0L : v);
        }
        averaged.put(m.id(), mean(m, values));
      }
      out.add(averaged);
    }
    return out;
  }

  /**
   * The percent change of each metric, {@code (current - baseline) / baseline * 100} rounded half
   * up to 1 decimal; null when the baseline is 0 or null, or the current value is null. A null
   * {@code baseline} map (no comparison row) gives null for every metric.
   */
  public static Map<String, Object> change(Map<String, Object> current, Map<String, Object> baseline, List<Metric> metrics) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Metric m : metrics) {
      BigDecimal cur = decimal(current == null ? null : current.get(m.id()));
      BigDecimal base = decimal(baseline == null ? null : baseline.get(m.id()));
      out.put(m.id(), cur == null || base == null || base.signum() == 0 ? null
          : cur.subtract(base).multiply(BigDecimal.valueOf(100)).divide(base, 1, RoundingMode.HALF_UP).doubleValue());
    }
    return out;
  }

  /** The mean of the non-null values, rounded for the metric; null when there are none. */
  private static Object mean(Metric m, List<Object> values) {
    BigDecimal sum = BigDecimal.ZERO;
    int n = 0;
    for (Object v : values) {
      BigDecimal d = decimal(v);
      if (d != null) {
        sum = sum.add(d);
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    if (m.decimals()) {
      return sum.divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue();
    }
    return sum.divide(BigDecimal.valueOf(n), 0, RoundingMode.HALF_UP).longValueExact();
  }

  private static BigDecimal decimal(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return BigDecimal.valueOf(n.doubleValue()); // the shortest decimal that reads back as the double: 1.15 stays 1.15
    }
    throw new IllegalArgumentException("Not a metric value: " + v);
  }
}
