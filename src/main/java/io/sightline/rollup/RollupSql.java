package io.sightline.rollup;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The upserts that add a {@link RollupDelta} to {@code rollup_total} and {@code rollup_dim} (unnest arrays, one row per key). */
public final class RollupSql {
  private RollupSql() {
  }

  /** Number of parameters of {@link #upsertTotals}. */
  public static final int TOTAL_PARAMS = 2 + RollupDelta.TOTAL_COLUMNS.size();
  public static final int DIM_PARAMS = 4 + RollupDelta.DIM_COLUMNS.size();

  public static final int SKETCH_PARAMS = 6;
  public static final int DRILL_PARAMS = 5 + RollupDelta.DRILL_COLUMNS.size();

  public static String upsertDrills(int firstParam) {
    return upsertDrills(firstParam, null);
  }

  /** {@code where}: a condition on the rows to insert (null: all), e.g. the fold's guard ({@link RollupFold}). */
  static String upsertDrills(int firstParam, String where) {
    return upsert("rollup_drill", List.of("site_id", "filter_dim", "filter_value", "day", "page"),
        List.of("int4[]", "int2[]", "text[]", "date[]", "text[]"), RollupDelta.DRILL_COLUMNS, "on constraint rollup_drill_key", firstParam, where);
  }

  public static Object[] drillArrays(List<Map.Entry<RollupDelta.DrillKey, long[]>> rows) {
    int n = rows.size();
    Integer[] sites = new Integer[n];
    Short[] dims = new Short[n];
    String[] values = new String[n];
    LocalDate[] days = new LocalDate[n];
    String[] pages = new String[n];
    Long[][] counters = new Long[RollupDelta.DRILL_COLUMNS.size()][n];
    for (int r = 0; r < n; r++) {
      RollupDelta.DrillKey k = rows.get(r).getKey();
      sites[r] = k.siteId();
      dims[r] = k.filterDim();
      values[r] = k.filterValue();
      days[r] = k.day();
      pages[r] = k.page();
      long[] c = rows.get(r).getValue();
      for (int i = 0; i < c.length; i++) {
        counters[i][r] = c[i];
      }
    }
    Object[] out = new Object[DRILL_PARAMS];
    out[0] = sites;
    out[1] = dims;
    out[2] = values;
    out[3] = days;
    out[4] = pages;
    System.arraycopy(counters, 0, out, 5, counters.length);
    return out;
  }

  /**
   * Replaces the stored stable-visitor sketches of a batch (whole sketches: the writer's in-memory state, {@link StableSketches}),
   * as the rows of writer partition {@code $(first + 5)} (a rebuild writes {@link #REBUILT}'s).
   */
  public static String upsertSketches(int first) {
    return "insert into rollup_sketch (site_id, dim, day, value, sketch, part) select s.*, $" + (first + 5) + "::int2 from unnest($"
        + first + "::int4[], $" + (first + 1) + "::int2[], $" + (first + 2) + "::date[], $" + (first + 3) + "::text[], $" + (first + 4)
        + "::bytea[]) s on conflict on constraint rollup_sketch_key do update set sketch = excluded.sketch";
  }

  /**
   * The {@code part} of a rebuild's sketches: no writer partition's, so no writer replaces them. A writer replaces its own rows whole
   * with its in-memory sketch, which holds only its own visitors; had a rebuild's rows (every partition's visitors) been partition
   * 0's, partition 0's next batch would drop the other partitions' visitors from them.
   */
  public static final int REBUILT = -1;

  /** A rebuild's sketches: {@link #REBUILT}'s rows. */
  public static Object[] sketchArrays(List<Map.Entry<StableSketches.Key, byte[]>> rows) {
    return sketchArrays(rows, REBUILT);
  }

  public static Object[] sketchArrays(List<Map.Entry<StableSketches.Key, byte[]>> rows, int partition) {
    int n = rows.size();
    Integer[] sites = new Integer[n];
    Short[] dims = new Short[n];
    LocalDate[] days = new LocalDate[n];
    String[] values = new String[n];
    io.vertx.core.buffer.Buffer[] sketches = new io.vertx.core.buffer.Buffer[n];
    for (int r = 0; r < n; r++) {
      StableSketches.Key k = rows.get(r).getKey();
      sites[r] = k.siteId();
      dims[r] = k.dim();
      days[r] = k.day();
      values[r] = k.value();
      sketches[r] = io.vertx.core.buffer.Buffer.buffer(rows.get(r).getValue());
    }
    return new Object[] {sites, dims, days, values, sketches, (short) partition};
  }

  public static String upsertTotals(int firstParam) {
    return upsertTotals(firstParam, null);
  }

  static String upsertTotals(int firstParam, String where) {
    return upsert("rollup_total", List.of("site_id", "bucket"), List.of("int4[]", "timestamptz[]"), RollupDelta.TOTAL_COLUMNS,
        "(site_id, bucket)", firstParam, where);
  }

  public static String upsertDims(int firstParam) {
    return upsertDims(firstParam, null);
  }

  static String upsertDims(int firstParam, String where) {
    return upsert("rollup_dim", List.of("site_id", "dim", "day", "value"), List.of("int4[]", "int2[]", "date[]", "text[]"),
        RollupDelta.DIM_COLUMNS, "on constraint rollup_dim_key", firstParam, where);
  }

  private static String upsert(String table, List<String> keys, List<String> keyTypes, List<String> counters, String target, int first,
                               String where) {
    StringBuilder params = new StringBuilder();
    int p = first;
    for (String type : keyTypes) {
      params.append(params.isEmpty() ? "" : ", ").append('$').append(p++).append("::").append(type);
    }
    for (int i = 0; i < counters.size(); i++) {
      params.append(", $").append(p++).append("::int8[]");
    }
    String names = String.join(", ", keys) + ", " + String.join(", ", counters);
    return "insert into " + table + " (" + names + ") select * from unnest(" + params + ") "
        + (where == null ? "" : "where " + where + " ")
        + "on conflict " + target + " do update set "
        + counters.stream().map(c -> c + " = " + table + "." + c + " + excluded." + c).collect(Collectors.joining(", "));
  }

  /** The parameters of {@link #upsertTotals}: the keys' arrays, then one array per counter. */
  public static Object[] totalArrays(List<Map.Entry<RollupDelta.TotalKey, long[]>> rows) {
    int n = rows.size();
    Integer[] sites = new Integer[n];
    OffsetDateTime[] buckets = new OffsetDateTime[n];
    Long[][] counters = new Long[RollupDelta.TOTAL_COLUMNS.size()][n];
    for (int r = 0; r < n; r++) {
      sites[r] = rows.get(r).getKey().siteId();
      buckets[r] = rows.get(r).getKey().bucket().atOffset(ZoneOffset.UTC);
      long[] c = rows.get(r).getValue();
      for (int i = 0; i < c.length; i++) {
        counters[i][r] = c[i];
      }
    }
    Object[] out = new Object[TOTAL_PARAMS];
    out[0] = sites;
    out[1] = buckets;
    System.arraycopy(counters, 0, out, 2, counters.length);
    return out;
  }

  public static Object[] dimArrays(List<Map.Entry<RollupDelta.DimKey, long[]>> rows) {
    int n = rows.size();
    Integer[] sites = new Integer[n];
    Short[] dims = new Short[n];
    LocalDate[] days = new LocalDate[n];
    String[] values = new String[n];
    Long[][] counters = new Long[RollupDelta.DIM_COLUMNS.size()][n];
    for (int r = 0; r < n; r++) {
      RollupDelta.DimKey k = rows.get(r).getKey();
      sites[r] = k.siteId();
      dims[r] = k.dim();
      days[r] = k.day();
      values[r] = k.value();
      long[] c = rows.get(r).getValue();
      for (int i = 0; i < c.length; i++) {
        counters[i][r] = c[i];
      }
    }
    Object[] out = new Object[DIM_PARAMS];
    out[0] = sites;
    out[1] = dims;
    out[2] = days;
    out[3] = values;
    System.arraycopy(counters, 0, out, 4, counters.length);
    return out;
  }
}
