package io.sightline.realtime;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A site's realtime window frozen at {@code takenAt}: the last 60 minutes (oldest first, empty
 * minutes included) and the visitors active in them (most recent first). Immutable, so any event
 * loop reads it without locks; every realtime answer is computed from one of these.
 *
 * <p>What a poll needs is precomputed once, when the realtime verticle builds the snapshot, in
 * O(60 log visitors): how many visitors were active within each whole number of minutes from 0 to
 * 60 ({@link #activeCount(int)}; the visitors are sorted, so they are the first that many of
 * {@link #visitors}) and how many had their last event in each minute
 * ({@link #visitorsLastSeenIn}). An answer rendered from a snapshot is kept with it by
 * {@link #memo}, so repeated polls of one snapshot share one rendering; the next publication
 * brings a new snapshot with an empty memo.
 */
public final class SiteSnapshot {
  /** "Current visitors": distinct visitors active in the last 5 minutes (DESIGN.md). */
  public static final Duration CURRENT = Duration.ofMinutes(5);
  /** The longest window a snapshot answers for, in whole minutes. */
  static final int MAX_WINDOW_MINUTES = 60;
  /** Renderings kept per snapshot; past this many keys an answer is computed and not kept. */
  static final int MAX_MEMO = 128;

  static final Comparator<ActiveVisitor> MOST_RECENT = Comparator.comparing(ActiveVisitor::lastSeen).reversed()
      .thenComparingLong(ActiveVisitor::sessionId);

  private final int siteId;
  private final Instant takenAt;
  private final List<MinuteCounts> minutes;
  private final List<ActiveVisitor> visitors;
  private final int[] activeCount;
  private final int[] lastSeenIn;
  private final Map<Object, Object> memo = new ConcurrentHashMap<>();

  /**
   * @param minutes  consecutive minutes, oldest first
   * @param visitors sorted by {@link #MOST_RECENT}, immutable
   */
  SiteSnapshot(int siteId, Instant takenAt, List<MinuteCounts> minutes, List<ActiveVisitor> visitors) {
    this.siteId = siteId;
    this.takenAt = takenAt;
    this.minutes = minutes;
    this.visitors = visitors;
    this.activeCount = new int[MAX_WINDOW_MINUTES + 1];
    for (int m = 0; m <= MAX_WINDOW_MINUTES; m++) {
      activeCount[m] = seenSince(takenAt.minus(Duration.ofMinutes(m)));
    }
    this.lastSeenIn = new int[minutes.size()];
    for (int i = 0; i < lastSeenIn.length; i++) {
      long start = minutes.get(i).minute() * 60;
      lastSeenIn[i] = seenSince(Instant.ofEpochSecond(start)) - seenSince(Instant.ofEpochSecond(start + 60));
    }
  }

  /**
   * One site's snapshot from the windows of several processes (cluster mode), as of {@code takenAt}: their minutes summed (the
   * last 60 up to {@code takenAt}), their visitors together, once each (a visitor whose partition moved between members may be in
   * two windows for a while: its most recent state counts).
   */
  public static SiteSnapshot merge(int siteId, Instant takenAt, List<SiteSnapshot> parts) {
    long current = takenAt.getEpochSecond() / 60;
    long first = current - MAX_WINDOW_MINUTES + 1;
    List<MinuteCounts> minutes = new java.util.ArrayList<>(MAX_WINDOW_MINUTES);
    Map<Long, ActiveVisitor> visitors = new HashMap<>();
    for (long m = first; m <= current; m++) {
      int pageviews = 0;
      int events = 0;
      Map<String, BigDecimal> revenue = new HashMap<>();
      Map<String, Integer> pages = new HashMap<>();
      Map<String, Integer> sources = new HashMap<>();
      Map<String, Integer> countries = new HashMap<>();
      for (SiteSnapshot part : parts) {
        for (MinuteCounts c : part.minutes) {
          if (c.minute() == m) {
            pageviews += c.pageviews();
            events += c.events();
            c.revenue().forEach((k, v) -> revenue.merge(k, v, BigDecimal::add));
            c.pages().forEach((k, v) -> pages.merge(k, v, Integer::sum));
            c.sources().forEach((k, v) -> sources.merge(k, v, Integer::sum));
            c.countries().forEach((k, v) -> countries.merge(k, v, Integer::sum));
          }
        }
      }
      minutes.add(new MinuteCounts(m, pageviews, events, Map.copyOf(revenue), Map.copyOf(pages), Map.copyOf(sources), Map.copyOf(countries)));
    }
    Instant horizon = takenAt.minus(Duration.ofMinutes(MAX_WINDOW_MINUTES));
    for (SiteSnapshot part : parts) {
      for (ActiveVisitor v : part.visitors) {
        if (!v.lastSeen().isBefore(horizon)) {
          visitors.merge(v.visitorId(), v, (a, b) -> MOST_RECENT.compare(a, b) <= 0 ? a : b);
        }
      }
    }
    List<ActiveVisitor> sorted = new java.util.ArrayList<>(visitors.values());
    sorted.sort(MOST_RECENT);
    return new SiteSnapshot(siteId, takenAt, List.copyOf(minutes), List.copyOf(sorted));
  }

  /** A snapshot from another process's window (cluster mode): its minutes as given, its visitors sorted here. */
  public static SiteSnapshot of(int siteId, Instant takenAt, List<MinuteCounts> minutes, List<ActiveVisitor> visitors) {
    List<ActiveVisitor> sorted = new java.util.ArrayList<>(visitors);
    sorted.sort(MOST_RECENT);
    return new SiteSnapshot(siteId, takenAt, List.copyOf(minutes), List.copyOf(sorted));
  }

  public static SiteSnapshot empty(int siteId, Instant now) {
    return new SiteSnapshot(siteId, now, List.of(), List.of());
  }

  public int siteId() {
    return siteId;
  }

  public Instant takenAt() {
    return takenAt;
  }

  /** The last 60 minutes, oldest first (none in an empty snapshot). */
  public List<MinuteCounts> minutes() {
    return minutes;
  }

  /** The visitors active in the last 60 minutes, most recent first (last event descending, then session id). */
  public List<ActiveVisitor> visitors() {
    return visitors;
  }

  /** How many visitors are active within the last {@code minutes} (0 to 60): a lookup. */
  public int activeCount(int minutes) {
    return activeCount[minutes];
  }

  /** How many visitors' last event is within the last {@code window}. */
  public int activeCount(Duration window) {
    long m = window.toMinutes();
    boolean whole = window.equals(Duration.ofMinutes(m));
    return whole && m >= 0 && m <= MAX_WINDOW_MINUTES ? activeCount[(int) m] : seenSince(takenAt.minus(window));
  }

  /** Visitors whose last event is within the last {@code window}, most recent first (a view, no copying). */
  public List<ActiveVisitor> activeWithin(Duration window) {
    return visitors.subList(0, activeCount(window));
  }

  /** How many visitors have their last event in {@code minute} (a Unix minute of the window; 0 outside it). */
  public int visitorsLastSeenIn(long minute) {
    if (minutes.isEmpty()) {
      return 0;
    }
    long i = minute - minutes.get(0).minute();
    return i >= 0 && i < lastSeenIn.length ? lastSeenIn[(int) i] : 0;
  }

  /** The minutes inside the last {@code window} (1 to 60 minutes; the current minute counts as one). */
  public List<MinuteCounts> minutesWithin(Duration window) {
    long current = takenAt.getEpochSecond() / 60;
    long first = current - Math.max(1, window.toMinutes()) + 1;
    int from = minutes.size();
    while (from > 0 && minutes.get(from - 1).minute() >= first) {
      from--;
    }
    return minutes.subList(from, minutes.size());
  }

  public int pageviews(Duration window) {
    int sum = 0;
    for (MinuteCounts m : minutesWithin(window)) {
      sum += m.pageviews();
    }
    return sum;
  }

  public int events(Duration window) {
    int sum = 0;
    for (MinuteCounts m : minutesWithin(window)) {
      sum += m.events();
    }
    return sum;
  }

  public Map<String, BigDecimal> revenue(Duration window) {
    Map<String, BigDecimal> sum = new HashMap<>();
    minutesWithin(window).forEach(m -> m.revenue().forEach((c, v) -> sum.merge(c, v, BigDecimal::add)));
    return sum;
  }

  public LinkedHashMap<String, Integer> top(Duration window, Function<MinuteCounts, Map<String, Integer>> dimension, int limit) {
    Map<String, Integer> sum = new HashMap<>();
    minutesWithin(window).forEach(m -> dimension.apply(m).forEach((k, v) -> sum.merge(k, v, Integer::sum)));
    LinkedHashMap<String, Integer> top = new LinkedHashMap<>();
    sum.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(limit).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /**
   * The answer {@code render} gives for this snapshot, rendered once per {@code key} and then
   * shared by every poll of this snapshot, from any event loop. Two event loops asking first at
   * the same moment may both render, but both get the one answer that was kept. Keys are values
   * that say what the rendering depends on (a dialect's own record or enum, so dialects never
   * collide); answers must not be modified by whoever gets them. Bounded: past
   * {@link #MAX_MEMO} keys an answer is rendered and not kept.
   */
  @SuppressWarnings("unchecked")
  public <T> T memo(Object key, Function<SiteSnapshot, T> render) {
    Object known = memo.get(key);
    if (known != null) {
      return (T) known;
    }
    T rendered = render.apply(this);
    if (memo.size() >= MAX_MEMO) {
      return rendered;
    }
    Object raced = memo.putIfAbsent(key, rendered);
    return raced != null ? (T) raced : rendered;
  }

  /** Visitors whose last event is at or after {@code since}: a binary search, the visitors being most recent first. */
  private int seenSince(Instant since) {
    int low = 0;
    int high = visitors.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (visitors.get(mid).lastSeen().isBefore(since)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  @Override
  public String toString() {
    return "SiteSnapshot[site=" + siteId + ", takenAt=" + takenAt + ", visitors=" + visitors.size() + "]";
  }
}
