package io.sightline.realtime;

import io.sightline.event.EventRecord;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One minute of one site: counters and capped top-N maps. Mutated only by the realtime verticle;
 * {@link #copy} makes the immutable view a snapshot holds, and keeps it until the next event, so
 * that a minute nothing happened in is not copied again every second.
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
  private MinuteCounts frozen;

  MinuteBucket(long minute) {
    this.minute = minute;
  }

  /** Counts one event of this minute (engagement is not an event; only pageviews count pages, sources and countries). */
  void add(EventRecord e, int maxKeys) {
    frozen = null;
    if (!"engagement".equals(e.type())) {
      events++;
    }
    if ("pageview".equals(e.type())) {
      pageviews++;
      count(pages, e.pathname(), maxKeys);
      count(sources, e.source() == null ? "Direct / None" : e.source(), maxKeys);
      count(countries, e.country(), maxKeys);
    }
    if (e.revenueAmount() != null && e.revenueCurrency() != null) {
      revenue.merge(e.revenueCurrency(), e.revenueAmount(), BigDecimal::add);
    }
  }

  static void count(Map<String, Integer> map, String key, int cap) {
    String k = key == null ? "(none)" : key;
    if (!map.containsKey(k) && map.size() >= cap) {
      k = OTHER;
    }
    map.merge(k, 1, Integer::sum);
  }

  MinuteCounts copy() {
    if (frozen == null) {
      frozen = new MinuteCounts(minute, pageviews, events, Map.copyOf(revenue), Map.copyOf(pages), Map.copyOf(sources),
          Map.copyOf(countries));
    }
    return frozen;
  }
}
