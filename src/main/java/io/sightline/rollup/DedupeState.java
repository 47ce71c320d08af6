package io.sightline.rollup;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rollups have already counted of each daily visitor id, per salt day (the UTC day of the
 * id): for the id, its first quarter hour, its last quarter hour within the salt day and whether it
 * spilled past midnight; for each (id, dimension, value) pair, on which of the two UTC days it can
 * live (its salt day, and the next one for a session crossing midnight) it was seen. Keys are 64-bit
 * hashes (a collision among a day's ~10^6 keys has a probability around 10^-8).
 *
 * <p>Changes are logged until {@link #commit()}; {@link #rollback()} undoes them (a batch whose
 * transaction failed). Confined to the writer's event loop.
 */
final class DedupeState {
  static final int QUARTERS_PER_DAY = 96;

  private static final class Day {
    final Long2LongOpenHashMap visitors = new Long2LongOpenHashMap();
    final Long2IntOpenHashMap pairs = new Long2IntOpenHashMap();
  }

  private record Undo(Day day, boolean pair, long key, long previous) {
  }

  private final Long2ObjectOpenHashMap<Day> days = new Long2ObjectOpenHashMap<>();
  private final List<Undo> log = new ArrayList<>();

  /** Visitor state: first quarter (offset + 1 from the salt day's start, 0 = none) | last in-day quarter << 16 | spilled << 32. */
  static long first(long v) {
    return v & 0xffff;
  }

  static long lastInDay(long v) {
    return (v >>> 16) & 0xffff;
  }

  static boolean spilled(long v) {
    return (v >>> 32 & 1) != 0;
  }

  private Day day(long saltDay) {
    Day d = days.get(saltDay);
    if (d == null) {
      d = new Day();
      days.put(saltDay, d);
    }
    return d;
  }

  /**
   * Counts an event of a daily visitor id in the 15-minute totals: {@code offset} is its quarter
   * hour counted from the salt day's start.
   */
  void visit(int site, long visitorId, long saltDay, int offset, RollupDelta delta) {
    Day d = day(saltDay);
    long key = Keys.visitor(site, visitorId);
    long old = d.visitors.get(key);
    long now = old;
    int o = Math.max(0, Math.min(offset, 0xfffe));
    if (first(now) == 0 || o + 1 < first(now)) {
      now = (now & ~0xffffL) | (o + 1);
    }
    if (o < QUARTERS_PER_DAY) {
      if (lastInDay(now) == 0 || o + 1 > lastInDay(now)) {
        now = (now & ~(0xffffL << 16)) | ((long) (o + 1) << 16);
      }
    } else {
      now |= 1L << 32;
    }
    if (now != old) {
      long base = saltDay * QUARTERS_PER_DAY;
      contribute(site, base, old, -1, delta);
      contribute(site, base, now, 1, delta);
      log.add(new Undo(d, false, key, old));
      d.visitors.put(key, now);
    }
  }

  private static void contribute(int site, long base, long v, int sign, RollupDelta delta) {
    if (first(v) != 0) {
      delta.total(site, base + first(v) - 1, RollupDelta.T_VF, sign);
    }
    if (lastInDay(v) != 0) {
      delta.total(site, base + lastInDay(v) - 1, RollupDelta.T_VL, sign);
      if (spilled(v)) {
        delta.total(site, base + lastInDay(v) - 1, RollupDelta.T_VLS, sign);
      }
    }
  }

  /**
   * Counts an occurrence of (visitor, dimension value) on UTC day {@code epochDay} (the salt day or the next one);
   * returns what it was for the pair ({@link FirstFlags#FIRST}: first on that day; {@link FirstFlags#BOTH}: now seen on both days).
   */
  int pair(int site, long visitorId, long saltDay, RollupDim dim, String value, long epochDay, RollupDelta delta) {
    Day d = day(saltDay);
    long key = Keys.pair(site, visitorId, dim.id, value);
    int old = d.pairs.get(key);
    int now = old | (epochDay <= saltDay ? 1 : 2);
    if (now == old) {
      return 0;
    }
    pairContribution(site, dim, value, saltDay, old, -1, delta);
    pairContribution(site, dim, value, saltDay, now, 1, delta);
    log.add(new Undo(d, true, key, old));
    d.pairs.put(key, now);
    return outcome(now);
  }

  /** The same for a pair that only flags events (no rollup row): {@code key} from {@link Keys}. */
  int flagPair(long key, long saltDay, long epochDay) {
    Day d = day(saltDay);
    int old = d.pairs.get(key);
    int now = old | (epochDay <= saltDay ? 1 : 2);
    if (now == old) {
      return 0;
    }
    log.add(new Undo(d, true, key, old));
    d.pairs.put(key, now);
    return outcome(now);
  }

  /**
   * A (visitor, page, drill-down attribute value) occurrence ({@code key} from {@link Keys#pagePair}): counted in
   * the page's {@code rollup_drill} row for that value like {@link #pair} counts dimension rows; returns the outcome.
   */
  int drillPair(int site, long key, long saltDay, RollupDim filter, String filterValue, String page, long epochDay, RollupDelta delta) {
    Day d = day(saltDay);
    int old = d.pairs.get(key);
    int now = old | (epochDay <= saltDay ? 1 : 2);
    if (now == old) {
      return 0;
    }
    drillContribution(site, filter, filterValue, page, saltDay, old, -1, delta);
    drillContribution(site, filter, filterValue, page, saltDay, now, 1, delta);
    log.add(new Undo(d, true, key, old));
    d.pairs.put(key, now);
    return outcome(now);
  }

  private static void drillContribution(int site, RollupDim filter, String value, String page, long saltDay, int mask, int sign,
                                        RollupDelta delta) {
    if ((mask & 1) != 0) {
      delta.drill(site, filter, value, saltDay, page, RollupDelta.D_VISITORS, sign);
      if ((mask & 2) != 0) {
        delta.drill(site, filter, value, saltDay + 1, page, RollupDelta.D_CARRY, sign);
      }
    } else if ((mask & 2) != 0) {
      delta.drill(site, filter, value, saltDay + 1, page, RollupDelta.D_VISITORS, sign);
    }
  }

  private static int outcome(int now) {
    return FirstFlags.FIRST | (now == 3 ? FirstFlags.BOTH : 0);
  }

  private static void pairContribution(int site, RollupDim dim, String value, long saltDay, int mask, int sign, RollupDelta delta) {
    if ((mask & 1) != 0) {
      delta.dim(site, dim, saltDay, value, RollupDelta.D_VISITORS, sign);
      if ((mask & 2) != 0) {
        delta.dim(site, dim, saltDay + 1, value, RollupDelta.D_CARRY, sign);
      }
    } else if ((mask & 2) != 0) {
      delta.dim(site, dim, saltDay + 1, value, RollupDelta.D_VISITORS, sign);
    }
  }

  void commit() {
    log.clear();
  }

  void rollback() {
    for (int i = log.size() - 1; i >= 0; i--) {
      Undo u = log.get(i);
      if (u.pair) {
        if (u.previous == 0) {
          u.day.pairs.remove(u.key);
        } else {
          u.day.pairs.put(u.key, (int) u.previous);
        }
      } else if (u.previous == 0) {
        u.day.visitors.remove(u.key);
      } else {
        u.day.visitors.put(u.key, u.previous);
      }
    }
    log.clear();
  }

  /** Forgets salt days before {@code oldestKept} (epoch day); returns how many days were dropped. */
  int forgetBefore(long oldestKept) {
    int before = days.size();
    days.keySet().removeIf(day -> day < oldestKept);
    return before - days.size();
  }

  /** Entries held (visitor ids plus pairs), for the memory gauge. */
  long entries() {
    long n = 0;
    for (Day d : days.values()) {
      n += d.visitors.size() + d.pairs.size();
    }
    return n;
  }

  int saltDays() {
    return days.size();
  }
}
