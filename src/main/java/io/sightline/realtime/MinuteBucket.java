package io.sightline.realtime;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One minute of one site: counters and capped top-N maps. Mutated only by the realtime verticle;
 * {@link #copy} makes the immutable view a snapshot holds.
 */
final class MinuteBucket {
  static final String OTHER = "(other)";
  final long minute;
  int pageviews;
  int events;
  final Map<String, BigDecimal> revenue = new HashMap<>();
  final Map<String, Integer> pages = new HashMap<>();
  final Map<String, Integer> sources = new HashMap<>();
  final Map<String, Integer> countries = new HashMap<>();

  MinuteBucket(long minute) {
    this.minute = minute;
  }

  static void count(Map<String, Integer> map, String key, int cap) {
    String k = key == null ? "(none)" : key;
    if (!map.containsKey(k) && map.size() >= cap) {
      k = OTHER;
    }
    map.merge(k, 1, Integer::sum);
  }

  MinuteCounts copy() {
    return new MinuteCounts(minute, pageviews, events, Map.copyOf(revenue), Map.copyOf(pages), Map.copyOf(sources), Map.copyOf(countries));
  }
}
