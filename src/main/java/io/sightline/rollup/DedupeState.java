package io.sightline.rollup;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;

import java.util.Arrays;

/**
 * What the rollups have already counted of each daily visitor id, per salt day (the UTC day of the
 * id): for the id, its first quarter hour, its last quarter hour within the salt day and whether it
 * spilled past midnight; for each (id, dimension, value) pair, on which of the two UTC days it can
 * live (its salt day, and the next one for a session crossing midnight) it was seen.
 *
 * <p>Packed per visitor: a salt day maps the id's 64-bit hash to one {@link Visitor}, which holds its
 * pairs in a small open-addressed table of 64-bit pair hashes with the two day bits in their low bits.
 * An event looks its visitor up once in a map of millions, then finds its 10-25 pairs in a table of a
 * few cache lines, instead of 10-25 lookups in a map of tens of millions of pairs (each a cache miss).
 * A collision needs two ids of a day with equal 64-bit hashes (~10^-8 among 10^6 ids) or two of a
 * visitor's few hundred pairs with equal 62-bit hashes (~10^-14).
 *
 * <p>Changes are logged until {@link #commit()}, in primitive arrays; {@link #rollback()} undoes them in
 * reverse (a batch whose transaction failed). Confined to the writer's event loop.
 *
 * <p>The state is bounded: beyond {@code maxEntries} (visitor ids plus pairs), a new visitor id first drops the
 * largest (site, salt day) held, which from then on is untracked ({@link #visitor} returns null for it). Its rollup
 * rows and first-occurrence flags can no longer be exact on that UTC day and the next (where its ids' sessions
 * carry over midnight), so the drop is recorded as a gap ({@link #takeDropped}, stored in {@code rollup_gaps} with
 * the next batch) and the planner answers ranges touching those days from raw events.
 *
 * <p>The sessions the rollups counted live here too, per (site, salt day) of their visitor id: the last state counted
 * of each ({@link Session}, updated in place), to move a session's contribution when it changes. A remembered session
 * weighs {@link #SESSION_ENTRIES} entries in the bound, and a dropped (site, salt day) forgets its sessions with its
 * visitor ids: a later state of one of them is not counted ({@link #session} returns {@link #UNTRACKED}), which the
 * gap covers like the visitors' counts.
 */
final class DedupeState {
  static final int QUARTERS_PER_DAY = 96;
  /**
   * What a remembered session weighs in the bound, in entries of about 50 bytes: its map slot, its holder and the
   * session row it keeps (about 40 fields; its strings are shared with the event and the tracker).
   */
  static final int SESSION_ENTRIES = 8;
  /** {@link #session}'s answer for a session of an untracked (site, salt day). */
  static final Session UNTRACKED = new Session(null, 0);
  private static final int FIRST_CAPACITY = 32;

  /** One daily visitor id on its salt day. */
  static final class Visitor {
    /** first quarter (offset + 1 from the salt day's start, 0 = none) | last in-day quarter << 16 | spilled << 32. */
    long state;
    /** Pair hash (low two bits cleared, never 0) | day bits; 0 = free. Linear probing, at most 3/4 full. */
    long[] table = new long[FIRST_CAPACITY];
    int size;
    /** The session attributes whose 13 pairs are known to be counted on {@link #attributesDay} (a shortcut, see the accumulator). */
    SessionAttributes attributes;
    long attributesDay;
    /** The (site, salt day) it belongs to, which counts its entries. */
    final Day day;

    Visitor(Day day) {
      this.day = day;
    }
  }

  /** The last state of a session the rollups counted, and when the writer last saw it (epoch ms); updated in place. */
  static final class Session {
    SessionRow row;
    long touched;

    Session(SessionRow row, long touched) {
      this.row = row;
      this.touched = touched;
    }
  }

  /** One site's daily visitor ids of one salt day and their sessions; once dropped ({@link #visitors} null), untracked. */
  private static final class Day {
    final int site;
    final long saltDay;
    Long2ObjectOpenHashMap<Visitor> visitors = new Long2ObjectOpenHashMap<>();
    /** By session id; null while none. */
    Long2ObjectOpenHashMap<Session> sessions;
    /** Visitor ids plus pairs held, and {@link #SESSION_ENTRIES} per session. */
    long entries;

    Day(int site, long saltDay) {
      this.site = site;
      this.saltDay = saltDay;
    }
  }

  // the undo log: what, for which visitor (or day), in which table, the previous value
  private static final int SLOT = 0;
  private static final int STATE = -1;
  private static final int GROWN = -2;
  private static final int ADDED = -3;
  private Object[] logOwner = new Object[1024];
  private long[][] logTable = new long[1024][];
  private int[] logIndex = new int[1024];
  private long[] logPrevious = new long[1024];
  private int logSize;
  // the sessions' undo log: the session changed (in its day, by id) and its previous row (null: it was added) and time
  private Day[] sessionLogDay = new Day[256];
  private long[] sessionLogId = new long[256];
  private Session[] sessionLogSession = new Session[256];
  private SessionRow[] sessionLogRow = new SessionRow[256];
  private long[] sessionLogTouched = new long[256];
  private int sessionLogSize;
  private long sessions;

  /** By {@link #dayKey}. */
  private final Long2ObjectOpenHashMap<Day> days = new Long2ObjectOpenHashMap<>();
  private Day lastDay;
  private long lastDayKey = Long.MIN_VALUE;
  /** Visitor ids plus pairs held, over all days. */
  private long entries;
  private long maxEntries = Long.MAX_VALUE;
  /** (site, salt day) pairs dropped since the last {@link #takeDropped}, as {@link #dayKey}s. */
  private final LongArrayList dropped = new LongArrayList();
  private long drops;

  static long first(long v) {
    return v & 0xffff;
  }

  static long lastInDay(long v) {
    return (v >>> 16) & 0xffff;
  }

  static boolean spilled(long v) {
    return (v >>> 32 & 1) != 0;
  }

  static long dayKey(int site, long saltDay) {
    return saltDay << 32 | (site & 0xffffffffL);
  }

  static int siteOf(long dayKey) {
    return (int) dayKey;
  }

  static long saltDayOf(long dayKey) {
    return dayKey >> 32;
  }

  /** The most visitor ids plus pairs held at once (at least one day's first visitor is always taken). */
  void limit(long maxEntries) {
    this.maxEntries = Math.max(1, maxEntries);
  }

  private Day day(int site, long saltDay) {
    long k = dayKey(site, saltDay);
    if (k == lastDayKey) {
      return lastDay;
    }
    Day d = days.get(k);
    if (d == null) {
      d = new Day(site, saltDay);
      days.put(k, d);
    }
    lastDay = d;
    lastDayKey = k;
    return d;
  }

  /**
   * The state of a daily visitor id on its salt day (created empty when new), or null when its (site, salt day) is
   * untracked: dropped to keep within the bound, now or before.
   */
  Visitor visitor(int site, long visitorId, long saltDay) {
    Day d = day(site, saltDay);
    if (d.visitors == null) {
      return null;
    }
    long key = Keys.visitor(site, visitorId);
    Visitor v = d.visitors.get(key);
    if (v == null) {
      if (entries >= maxEntries) {
        dropLargest();
        if (d.visitors == null) {
          return null;
        }
      }
      v = new Visitor(d);
      d.visitors.put(key, v);
      d.entries++;
      entries++;
      log(d, null, ADDED, key);
    }
    return v;
  }

  /** Drops the (site, salt day) holding the most entries. */
  private void dropLargest() {
    Day largest = null;
    for (Day d : days.values()) {
      if (d.visitors != null && (largest == null || d.entries > largest.entries)) {
        largest = d;
      }
    }
    if (largest != null) {
      drop(largest);
    }
  }

  private void drop(Day d) {
    entries -= d.entries;
    d.entries = 0;
    d.visitors = null;
    forgetSessions(d);
    dropped.add(dayKey(d.site, d.saltDay));
    drops++;
  }

  /** Marks (site, salt day) untracked, as restored from a stored gap (not reported by {@link #takeDropped}). */
  void untracked(int site, long saltDay) {
    Day d = day(site, saltDay);
    if (d.visitors != null) {
      entries -= d.entries;
      d.entries = 0;
      d.visitors = null;
      forgetSessions(d);
    }
  }

  private void forgetSessions(Day d) {
    if (d.sessions != null) {
      sessions -= d.sessions.size();
      d.sessions = null;
    }
  }

  /**
   * What was counted of a session whose visitor id has {@code saltDay}: its remembered state, null when none, or
   * {@link #UNTRACKED} when its (site, salt day) is untracked (its counts are the gap's to answer).
   */
  Session session(int site, long saltDay, long sessionId) {
    Day d = day(site, saltDay);
    if (d.visitors == null) {
      return UNTRACKED;
    }
    return d.sessions == null ? null : d.sessions.get(sessionId);
  }

  /**
   * Remembers a session's first counted state (logged unless {@code restored}); null when making room dropped its own
   * (site, salt day), which is untracked from then on.
   */
  Session addSession(int site, long saltDay, SessionRow row, long touched, boolean restored) {
    Day d = day(site, saltDay);
    if (d.visitors == null) {
      return null;
    }
    if (entries + SESSION_ENTRIES > maxEntries) {
      dropLargest();
      if (d.visitors == null) {
        return null;
      }
    }
    Session s = new Session(row, touched);
    if (d.sessions == null) {
      d.sessions = new Long2ObjectOpenHashMap<>();
    }
    d.sessions.put(row.sessionId(), s);
    d.entries += SESSION_ENTRIES;
    entries += SESSION_ENTRIES;
    sessions++;
    if (!restored) {
      logSession(d, row.sessionId(), s, null, 0);
    }
    return s;
  }

  /** Replaces a remembered session's state (logged). */
  void updateSession(Session s, SessionRow row, long touched) {
    logSession(null, 0, s, s.row, s.touched);
    s.row = row;
    s.touched = touched;
  }

  /** Forgets the sessions the writer has not seen since {@code cutoff} (epoch ms). */
  void forgetSessionsBefore(long cutoff) {
    for (Day d : days.values()) {
      if (d.sessions != null) {
        int before = d.sessions.size();
        d.sessions.values().removeIf(s -> s.touched < cutoff);
        int gone = before - d.sessions.size();
        d.entries -= (long) gone * SESSION_ENTRIES;
        entries -= (long) gone * SESSION_ENTRIES;
        sessions -= gone;
        if (d.sessions.isEmpty()) {
          d.sessions = null;
        }
      }
    }
  }

  /** Sessions remembered. */
  long sessions() {
    return sessions;
  }

  private void logSession(Day d, long id, Session s, SessionRow previous, long previousTouched) {
    if (sessionLogSize == sessionLogDay.length) {
      int n = sessionLogSize * 2;
      sessionLogDay = Arrays.copyOf(sessionLogDay, n);
      sessionLogId = Arrays.copyOf(sessionLogId, n);
      sessionLogSession = Arrays.copyOf(sessionLogSession, n);
      sessionLogRow = Arrays.copyOf(sessionLogRow, n);
      sessionLogTouched = Arrays.copyOf(sessionLogTouched, n);
    }
    sessionLogDay[sessionLogSize] = d;
    sessionLogId[sessionLogSize] = id;
    sessionLogSession[sessionLogSize] = s;
    sessionLogRow[sessionLogSize] = previous;
    sessionLogTouched[sessionLogSize] = previousTouched;
    sessionLogSize++;
  }

  /** The (site, salt day) pairs dropped since the last call, as {@link #dayKey}s; the list is cleared. */
  long[] takeDropped() {
    long[] out = dropped.toLongArray();
    dropped.clear();
    return out;
  }

  /** (site, salt day) pairs dropped since start. */
  long drops() {
    return drops;
  }

  /**
   * Counts an event of a daily visitor id in the 15-minute totals: {@code offset} is its quarter
   * hour counted from the salt day's start.
   */
  void visit(Visitor v, int site, long saltDay, int offset, RollupDelta delta) {
    long old = v.state;
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
      log(v, null, STATE, old);
      v.state = now;
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
  int pair(Visitor v, int site, long saltDay, RollupDim dim, String value, long epochDay, RollupDelta delta) {
    return pair(v, site, saltDay, dim, value, epochDay, delta, NO_DIMS, null);
  }

  private static final RollupDim[] NO_DIMS = {};

  /**
   * The same, also counting the (visitor, value, attribute value) triple of each of {@code byVisitor} (the event's
   * values) in the {@code rollup_drill} rows of {@code dim} among that attribute value ({@link RollupDim#drillCode}),
   * each triple deduplicated on its own (a daily id may carry two values of an attribute: a CDN's country header).
   * Returns the pair's outcome.
   */
  int pair(Visitor v, int site, long saltDay, RollupDim dim, String value, long epochDay, RollupDelta delta, RollupDim[] byVisitor,
           EventRecord e) {
    int bit = epochDay <= saltDay ? 1 : 2;
    int old = mark(v, Keys.value(dim.id, value), bit);
    if ((old & bit) == 0) {
      pairContribution(site, dim, value, saltDay, old, -1, delta);
      pairContribution(site, dim, value, saltDay, old | bit, 1, delta);
    }
    if (byVisitor.length > 0) {
      long valueHash = Keys.fnv(value);
      for (RollupDim f : byVisitor) {
        String fv = f.valueOf(e);
        short code = RollupDim.drillCode(f, dim);
        int was = mark(v, Keys.among(code, valueHash, fv), bit);
        if ((was & bit) == 0) {
          drillContribution(site, code, fv, value, saltDay, was, -1, delta);
          drillContribution(site, code, fv, value, saltDay, was | bit, 1, delta);
        }
      }
    }
    return (old & bit) != 0 ? 0 : outcome(old | bit);
  }

  /** The same for a pair that only flags events (no rollup row): {@code key} from {@link Keys}. */
  int flagPair(Visitor v, long key, long saltDay, long epochDay) {
    int bit = epochDay <= saltDay ? 1 : 2;
    int old = mark(v, key, bit);
    return (old & bit) != 0 ? 0 : outcome(old | bit);
  }

  /**
   * A (visitor, page, drill-down attribute value) occurrence ({@code key} from {@link Keys#pageValue}): counted in
   * the page's {@code rollup_drill} row for that value like {@link #pair} counts dimension rows; returns the outcome.
   */
  int drillPair(Visitor v, int site, long key, long saltDay, RollupDim filter, String filterValue, String page, long epochDay,
                RollupDelta delta) {
    int bit = epochDay <= saltDay ? 1 : 2;
    int old = mark(v, key, bit);
    if ((old & bit) != 0) {
      return 0;
    }
    drillContribution(site, filter.id, filterValue, page, saltDay, old, -1, delta);
    drillContribution(site, filter.id, filterValue, page, saltDay, old | bit, 1, delta);
    return outcome(old | bit);
  }

  /** Sets {@code bit} on the visitor's pair {@code hash} (added when new); returns the pair's day bits before. */
  private int mark(Visitor v, long hash, int bit) {
    long key = hash & ~3L;
    if (key == 0) {
      key = 4;
    }
    long[] t = v.table;
    int mask = t.length - 1;
    int i = (int) (key >>> 2) & mask;
    for (long e; (e = t[i]) != 0; i = (i + 1) & mask) {
      if ((e & ~3L) == key) {
        int old = (int) (e & 3);
        if ((old & bit) == 0) {
          log(v, t, i, e);
          t[i] = e | bit;
        }
        return old;
      }
    }
    if ((v.size + 1) * 4 > t.length * 3) {
      grow(v);
      return mark(v, hash, bit);
    }
    log(v, t, i, 0);
    t[i] = key | bit;
    v.size++;
    if (v.day.visitors != null) {
      v.day.entries++;
      entries++;
    }
    return 0;
  }

  private void grow(Visitor v) {
    long[] old = v.table;
    long[] t = new long[old.length * 2];
    int mask = t.length - 1;
    for (long e : old) {
      if (e != 0) {
        int i = (int) (e >>> 2) & mask;
        while (t[i] != 0) {
          i = (i + 1) & mask;
        }
        t[i] = e;
      }
    }
    log(v, old, GROWN, v.size);
    v.table = t;
  }

  private static void drillContribution(int site, short filter, String value, String page, long saltDay, int mask, int sign,
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

  private void log(Object owner, long[] table, int index, long previous) {
    if (logSize == logOwner.length) {
      int n = logSize * 2;
      logOwner = Arrays.copyOf(logOwner, n);
      logTable = Arrays.copyOf(logTable, n);
      logIndex = Arrays.copyOf(logIndex, n);
      logPrevious = Arrays.copyOf(logPrevious, n);
    }
    logOwner[logSize] = owner;
    logTable[logSize] = table;
    logIndex[logSize] = index;
    logPrevious[logSize] = previous;
    logSize++;
  }

  void commit() {
    Arrays.fill(logOwner, 0, logSize, null);
    Arrays.fill(logTable, 0, logSize, null);
    logSize = 0;
    Arrays.fill(sessionLogDay, 0, sessionLogSize, null);
    Arrays.fill(sessionLogSession, 0, sessionLogSize, null);
    Arrays.fill(sessionLogRow, 0, sessionLogSize, null);
    sessionLogSize = 0;
  }

  void rollback() {
    for (int n = sessionLogSize - 1; n >= 0; n--) {
      Session s = sessionLogSession[n];
      if (sessionLogRow[n] != null) {
        s.row = sessionLogRow[n];
        s.touched = sessionLogTouched[n];
        continue;
      }
      Day d = sessionLogDay[n]; // added: removed again (unless its day was dropped since, which forgot it already)
      if (d.sessions != null && d.sessions.remove(sessionLogId[n]) != null) {
        d.entries -= SESSION_ENTRIES;
        entries -= SESSION_ENTRIES;
        sessions--;
      }
    }
    for (int n = logSize - 1; n >= 0; n--) {
      int index = logIndex[n];
      long previous = logPrevious[n];
      if (index == ADDED) {
        Day d = (Day) logOwner[n];
        if (d.visitors != null && d.visitors.remove(previous) != null) {
          d.entries--;
          entries--;
        }
        continue;
      }
      Visitor v = (Visitor) logOwner[n];
      v.attributes = null; // its pairs change back: the shortcut no longer holds
      if (index == STATE) {
        v.state = previous;
      } else if (index == GROWN) {
        v.table = logTable[n];
        v.size = (int) previous;
      } else {
        logTable[n][index] = previous;
        if (previous == 0) {
          v.size--;
          if (v.day.visitors != null) {
            v.day.entries--;
            entries--;
          }
        }
      }
    }
    commit();
  }

  /** Forgets salt days before {@code oldestKept} (epoch day); returns how many days were dropped. */
  int forgetBefore(long oldestKept) {
    LongOpenHashSet saltDays = new LongOpenHashSet();
    days.values().forEach(d -> saltDays.add(d.saltDay));
    days.values().removeIf(d -> {
      if (d.saltDay >= oldestKept) {
        return false;
      }
      entries -= d.entries;
      forgetSessions(d);
      return true;
    });
    lastDayKey = Long.MIN_VALUE;
    lastDay = null;
    int dropped = 0;
    for (long day : saltDays) {
      dropped += day < oldestKept ? 1 : 0;
    }
    return dropped;
  }

  /** Entries held (visitor ids plus pairs, and the sessions' weight), for the memory gauge. */
  long entries() {
    return entries;
  }

  int saltDays() {
    LongOpenHashSet saltDays = new LongOpenHashSet();
    days.values().forEach(d -> saltDays.add(d.saltDay));
    return saltDays.size();
  }
}
