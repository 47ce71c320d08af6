package io.sightline.rollup;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Additions to rollup rows, summed in memory so that one upsert per row covers a whole batch.
 * Counters can be negative (a session that stops being a bounce moves its counts). Rows whose
 * every counter sums to 0 are not written.
 */
public final class RollupDelta {
  /** Column order of a {@code rollup_total} delta. */
  public static final List<String> TOTAL_COLUMNS = List.of("vf", "vl", "vls", "pageviews", "events", "stable_events", "sessions",
      "bounces", "duration_us", "session_pageviews", "clickers");
  /** Column order of a {@code rollup_dim} delta. */
  public static final List<String> DIM_COLUMNS = List.of("visitors", "carry", "pageviews", "events", "sessions", "bounces",
      "duration_us", "session_pageviews", "clickers");

  static final int T_VF = 0, T_VL = 1, T_VLS = 2, T_PAGEVIEWS = 3, T_EVENTS = 4, T_STABLE = 5, T_SESSIONS = 6;
  static final int D_VISITORS = 0, D_CARRY = 1, D_PAGEVIEWS = 2, D_EVENTS = 3, D_SESSIONS = 4;
  /** Offset of the session counters (sessions, bounces, duration_us, session_pageviews, clickers) in each row kind. */
  static final int T_SESSION_BASE = T_SESSIONS;
  static final int D_SESSION_BASE = D_SESSIONS;

  private Integer[] firstMasks = new Integer[0];
  private List<Map.Entry<StableSketches.Key, byte[]>> sketchRows = List.of();

  /** The stable visitors' sketches the batch changed, serialized whole ({@link StableSketches}). */
  public List<Map.Entry<StableSketches.Key, byte[]>> sketchRows() {
    return sketchRows;
  }

  void sketchRows(List<Map.Entry<StableSketches.Key, byte[]>> rows) {
    this.sketchRows = rows;
  }

  private long[] gaps = new long[0];

  /**
   * The (site, salt day) pairs the bounded dedupe state no longer tracks and whose gap row is not stored yet
   * ({@code rollup_gaps}, stored in the batch's own statement): {@link #gapSites} and {@link #gapDays}.
   */
  public boolean hasGaps() {
    return gaps.length > 0;
  }

  public Integer[] gapSites() {
    Integer[] out = new Integer[gaps.length];
    for (int i = 0; i < gaps.length; i++) {
      out[i] = DedupeState.siteOf(gaps[i]);
    }
    return out;
  }

  public LocalDate[] gapDays() {
    LocalDate[] out = new LocalDate[gaps.length];
    for (int i = 0; i < gaps.length; i++) {
      out[i] = LocalDate.ofEpochDay(DedupeState.saltDayOf(gaps[i]));
    }
    return out;
  }

  void gaps(long[] dayKeys) {
    this.gaps = dayKeys;
  }

  /** The batch's events' first-occurrence flags ({@link FirstFlags}), in the batch's order. */
  public Integer[] firstMasks() {
    return firstMasks;
  }

  void firstMasks(Integer[] masks) {
    this.firstMasks = masks;
  }

  public record TotalKey(int siteId, long quarter) implements Comparable<TotalKey> {
    public Instant bucket() {
      return Instant.ofEpochSecond(quarter * 900);
    }

    @Override
    public int hashCode() {
      return hashOf(siteId, quarter);
    }

    static int hashOf(int siteId, long quarter) {
      return (int) Keys.mix((long) siteId << 40 ^ quarter);
    }

    @Override
    public int compareTo(TotalKey o) {
      return siteId != o.siteId ? Integer.compare(siteId, o.siteId) : Long.compare(quarter, o.quarter);
    }
  }

  public record DimKey(int siteId, short dim, long epochDay, String value) implements Comparable<DimKey> {
    public LocalDate day() {
      return LocalDate.ofEpochDay(epochDay);
    }

    /** Mixed: the record's default (31 x field hashes) collides for day x value grids and degrades the maps into trees. */
    @Override
    public int hashCode() {
      return hashOf(siteId, dim, epochDay, value);
    }

    static int hashOf(int siteId, short dim, long epochDay, String value) {
      return (int) Keys.mix(Keys.mix(((long) siteId << 16 | (dim & 0xffff)) ^ epochDay * 0x9E3779B97F4A7C15L) + hash(value));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DimKey k && k.siteId == siteId && k.dim == dim && k.epochDay == epochDay && java.util.Objects.equals(k.value, value);
    }

    private static final Comparator<DimKey> ORDER = Comparator.comparingInt(DimKey::siteId).thenComparingInt(DimKey::dim)
        .thenComparingLong(DimKey::epochDay).thenComparing(DimKey::value, Comparator.nullsFirst(Comparator.naturalOrder()));

    @Override
    public int compareTo(DimKey o) {
      return ORDER.compare(this, o);
    }
  }

  /**
   * A {@code rollup_drill} row: one page's counters on a UTC day among the events with one value of a
   * drill-down attribute ({@link RollupAccumulator#DRILL}); columns as {@link #DRILL_COLUMNS}.
   */
  public record DrillKey(int siteId, short filterDim, String filterValue, long epochDay, String page) implements Comparable<DrillKey> {
    public LocalDate day() {
      return LocalDate.ofEpochDay(epochDay);
    }

    @Override
    public int hashCode() {
      return hashOf(siteId, filterDim, filterValue, epochDay, page);
    }

    static int hashOf(int siteId, short filterDim, String filterValue, long epochDay, String page) {
      return (int) Keys.mix(Keys.mix(((long) siteId << 16 | (filterDim & 0xffff)) ^ epochDay * 0x9E3779B97F4A7C15L) + hash(filterValue)
          + Keys.mix(hash(page)));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DrillKey k && k.siteId == siteId && k.filterDim == filterDim && k.epochDay == epochDay
          && java.util.Objects.equals(k.filterValue, filterValue) && java.util.Objects.equals(k.page, page);
    }

    private static final Comparator<DrillKey> ORDER = Comparator.comparingInt(DrillKey::siteId).thenComparingInt(DrillKey::filterDim)
        .thenComparing(DrillKey::filterValue, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingLong(DrillKey::epochDay)
        .thenComparing(DrillKey::page, Comparator.nullsFirst(Comparator.naturalOrder()));

    @Override
    public int compareTo(DrillKey o) {
      return ORDER.compare(this, o);
    }
  }

  /** Column order of a {@code rollup_drill} delta (the first four of {@link #DIM_COLUMNS}, same indexes). */
  public static final List<String> DRILL_COLUMNS = List.of("visitors", "carry", "pageviews", "events");

  final Map<TotalKey, long[]> totals;
  final Map<DimKey, long[]> dims;
  final Map<DrillKey, long[]> drills;

  public RollupDelta() {
    totals = new HashMap<>();
    dims = new HashMap<>();
    drills = new HashMap<>();
  }

  /** Sized for about as many rows as {@code like} has: a batch's delta like the last one's, without rehashing as it fills. */
  RollupDelta(RollupDelta like) {
    totals = new HashMap<>(capacity(like.totals.size()));
    dims = new HashMap<>(capacity(like.dims.size()));
    drills = new HashMap<>(capacity(like.drills.size()));
  }

  private static int capacity(int rows) {
    return (int) Math.min(1 << 30, rows * 4L / 3 + 1);
  }

  /** A string's hash for the keys' hash codes: {@link String#hashCode()}, which the string caches, so each value is hashed once. */
  private static long hash(String s) {
    return s == null ? 0x5bd1e9955bd1e995L : s.hashCode() * 0x9E3779B97F4A7C15L;
  }

  /*
   * Lookups of the accumulator's rows go through reusable probes: a probe has the key's hash and equals the key, so a
   * row that exists is found without building a key (a key is built only for a new row). HashMap calls the probe's
   * equals with the stored key.
   */
  private final TotalProbe totalProbe = new TotalProbe();
  private final DimProbe dimProbe = new DimProbe();
  private final DrillProbe drillProbe = new DrillProbe();

  private static final class TotalProbe {
    int siteId;
    long quarter;

    @Override
    public int hashCode() {
      return TotalKey.hashOf(siteId, quarter);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TotalKey k && k.siteId == siteId && k.quarter == quarter;
    }
  }

  private static final class DimProbe {
    int siteId;
    short dim;
    long epochDay;
    String value;

    @Override
    public int hashCode() {
      return DimKey.hashOf(siteId, dim, epochDay, value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DimKey k && k.siteId == siteId && k.dim == dim && k.epochDay == epochDay && Objects.equals(k.value, value);
    }
  }

  private static final class DrillProbe {
    int siteId;
    short filterDim;
    String filterValue;
    long epochDay;
    String page;

    @Override
    public int hashCode() {
      return DrillKey.hashOf(siteId, filterDim, filterValue, epochDay, page);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DrillKey k && k.siteId == siteId && k.filterDim == filterDim && k.epochDay == epochDay
          && Objects.equals(k.filterValue, filterValue) && Objects.equals(k.page, page);
    }
  }

  /** The counters of a total row (created at 0), to add to in place: one lookup for several counters. */
  long[] totalRow(int site, long quarter) {
    TotalProbe p = totalProbe;
    p.siteId = site;
    p.quarter = quarter;
    @SuppressWarnings("SuspiciousMethodCalls") long[] row = totals.get(p);
    if (row == null) {
      row = new long[TOTAL_COLUMNS.size()];
      totals.put(new TotalKey(site, quarter), row);
    }
    return row;
  }

  long[] dimRow(int site, RollupDim dim, long epochDay, String value) {
    DimProbe p = dimProbe;
    p.siteId = site;
    p.dim = dim.id;
    p.epochDay = epochDay;
    p.value = value;
    @SuppressWarnings("SuspiciousMethodCalls") long[] row = dims.get(p);
    p.value = null;
    if (row == null) {
      row = new long[DIM_COLUMNS.size()];
      dims.put(new DimKey(site, dim.id, epochDay, value), row);
    }
    return row;
  }

  /** Null for an absent filter value of a page row (see {@link #drill}). */
  long[] drillRow(int site, RollupDim filter, String filterValue, long epochDay, String page) {
    return drillRow(site, filter.id, filterValue, epochDay, page);
  }

  /** @param filterDim {@link RollupDim#drillCode} */
  long[] drillRow(int site, short filterDim, String filterValue, long epochDay, String page) {
    if (filterValue == null && filterDim < 32) {
      return null; // pages are read for one value of the attribute; the other rows also for their own values (RollupDim.drillCode)
    }
    DrillProbe p = drillProbe;
    p.siteId = site;
    p.filterDim = filterDim;
    p.filterValue = filterValue;
    p.epochDay = epochDay;
    p.page = page;
    @SuppressWarnings("SuspiciousMethodCalls") long[] row = drills.get(p);
    p.filterValue = null;
    p.page = null;
    if (row == null) {
      row = new long[DRILL_COLUMNS.size()];
      drills.put(new DrillKey(site, filterDim, filterValue, epochDay, page), row);
    }
    return row;
  }

  void drill(int site, RollupDim filter, String filterValue, long epochDay, String page, int column, long n) {
    drill(site, filter.id, filterValue, epochDay, page, column, n);
  }

  void drill(int site, short filterDim, String filterValue, long epochDay, String page, int column, long n) {
    // a drill-down filters on one value ("is"), never on an absent one: rows without a value would never be read
    if (n != 0 && (filterValue != null || filterDim >= 32)) {
      drillRow(site, filterDim, filterValue, epochDay, page)[column] += n;
    }
  }

  public List<Map.Entry<DrillKey, long[]>> drillRows() {
    return nonZero(drills);
  }

  /** Removes and returns the drill-down rows of days before {@code epochDay} (a rebuild writes them once final). */
  List<Map.Entry<DrillKey, long[]>> takeDrillRowsBefore(long epochDay) {
    Map<DrillKey, long[]> taken = new HashMap<>();
    drills.entrySet().removeIf(e -> {
      if (e.getKey().epochDay() < epochDay) {
        taken.put(e.getKey(), e.getValue());
        return true;
      }
      return false;
    });
    return nonZero(taken);
  }

  void total(int site, long quarter, int column, long n) {
    if (n != 0) {
      totalRow(site, quarter)[column] += n;
    }
  }

  void dim(int site, RollupDim dim, long epochDay, String value, int column, long n) {
    if (n != 0) {
      dimRow(site, dim, epochDay, value)[column] += n;
    }
  }

  /** Adds another delta into this one. */
  public void addAll(RollupDelta other) {
    addAll(totals, other.totals);
    addAll(dims, other.dims);
    addAll(drills, other.drills);
  }

  private static <K> void addAll(Map<K, long[]> into, Map<K, long[]> rows) {
    for (Map.Entry<K, long[]> e : rows.entrySet()) {
      long[] row = into.get(e.getKey());
      if (row == null) {
        into.put(e.getKey(), e.getValue().clone());
      } else {
        add(row, e.getValue());
      }
    }
  }

  /** Adds {@code sign} times a row's counters to the row of {@code key}. */
  <K> void addRow(Map<K, long[]> rows, K key, long[] c, int sign) {
    long[] into = rows.computeIfAbsent(key, x -> new long[c.length]);
    for (int i = 0; i < c.length; i++) {
      into[i] += sign * c[i];
    }
  }

  /** Rows in memory (zero rows included): what the writer's interval between folds holds. */
  public int size() {
    return totals.size() + dims.size() + drills.size();
  }

  public void clear() {
    totals.clear();
    dims.clear();
    drills.clear();
  }

  private static void add(long[] into, long[] v) {
    for (int i = 0; i < v.length; i++) {
      into[i] += v[i];
    }
  }

  /** The total rows with a non-zero counter, sorted by key (concurrent writers then lock rows in the same order). */
  public List<Map.Entry<TotalKey, long[]>> totalRows() {
    return nonZero(totals);
  }

  public List<Map.Entry<DimKey, long[]>> dimRows() {
    return nonZero(dims);
  }

  private static <K extends Comparable<K>> List<Map.Entry<K, long[]>> nonZero(Map<K, long[]> rows) {
    List<Map.Entry<K, long[]>> out = new ArrayList<>();
    for (Map.Entry<K, long[]> e : rows.entrySet()) {
      for (long c : e.getValue()) {
        if (c != 0) {
          out.add(e);
          break;
        }
      }
    }
    out.sort(Map.Entry.comparingByKey());
    return out;
  }

  public boolean isEmpty() {
    return totalRows().isEmpty() && dimRows().isEmpty() && drillRows().isEmpty();
  }

  /** The summed counters of one dimension row, or null (for tests). */
  long[] dimRow(int site, RollupDim dim, LocalDate day, String value) {
    return dims.get(new DimKey(site, dim.id, day.toEpochDay(), value));
  }

  @Override
  public String toString() {
    return "RollupDelta[" + totals.size() + " total rows, " + dims.size() + " dimension rows]";
  }

  static boolean same(String a, String b) {
    return Objects.equals(a, b);
  }
}
