package io.sightline.realtime;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A site's realtime window frozen at {@code takenAt}: the last 60 minutes (oldest first, empty
 * minutes included) and the visitors active in them (most recent first). Immutable, so any event
 * loop reads it without locks; every realtime answer is computed from one of these.
 */
public record SiteSnapshot(int siteId, Instant takenAt, List<MinuteCounts> minutes, List<ActiveVisitor> visitors) {
  /** "Current visitors": distinct visitors active in the last 5 minutes (DESIGN.md). */
  public static final Duration CURRENT = Duration.ofMinutes(5);

  public static SiteSnapshot empty(int siteId, Instant now) {
    return new SiteSnapshot(siteId, now, List.of(), List.of());
  }

  /** Visitors whose last event is within the last {@code window}. */
  public List<ActiveVisitor> activeWithin(Duration window) {
    Instant since = takenAt.minus(window);
    return visitors.stream().filter(v -> !v.lastSeen().isBefore(since)).toList();
  }

  /** The minutes inside the last {@code window} (1 to 60 minutes; the current minute counts as one). */
  public List<MinuteCounts> minutesWithin(Duration window) {
    long current = takenAt.getEpochSecond() / 60;
    long first = current - Math.max(1, window.toMinutes()) + 1;
    return minutes.stream().filter(m -> m.minute() >= first).toList();
  }

  public int pageviews(Duration window) {
    return minutesWithin(window).stream().mapToInt(MinuteCounts::pageviews).sum();
  }

  public int events(Duration window) {
    return minutesWithin(window).stream().mapToInt(MinuteCounts::events).sum();
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

  /** Distinct visitors per minute is not kept; the timeline counts visitors whose last event fell in each minute. */
  public Map<Long, Integer> visitorsByLastMinute(Duration window) {
    Map<Long, Integer> byMinute = new HashMap<>();
    activeWithin(window).forEach(v -> byMinute.merge(v.lastSeen().getEpochSecond() / 60, 1, Integer::sum));
    return byMinute;
  }

  static final Comparator<ActiveVisitor> MOST_RECENT = Comparator.comparing(ActiveVisitor::lastSeen).reversed()
      .thenComparingLong(ActiveVisitor::sessionId);
}
