package io.sightline.realtime;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.store.CommittedEvents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per site, the last 60 minutes in one-minute buckets and the visitors active in them, fed with
 * committed events. Confined to the realtime verticle, whose handlers run one at a time (plain
 * collections, no locks); the clock is injected so tests need no sleeping. Memory is bounded: per
 * site and minute at most {@link #MAX_KEYS} pages, sources and countries each (the rest count as
 * "(other)"), per site at most {@link #MAX_VISITORS} visitors (the least recently seen are
 * forgotten first), and events older than the window or for more than {@link #MAX_SITES} sites
 * are ignored.
 *
 * <p>A snapshot's cost is bounded by these caps: the minutes nothing happened in since the last
 * snapshot are not copied again, and the visitors are sorted only when a batch changed them (in
 * reverse arrival order, which is nearly most recent first already, so the sort is close to
 * linear); otherwise the last sorted list is reused and only its expired tail is dropped.
 */
public final class RealtimeWindow {
  public static final Duration SPAN = Duration.ofMinutes(60);
  static final int MINUTES = SiteSnapshot.MAX_WINDOW_MINUTES;
  static final int MAX_KEYS = 500;
  static final int MAX_VISITORS = 50_000;
  static final int MAX_SITES = 10_000;

  private final Clock clock;
  private final Map<Integer, Site> sites = new HashMap<>();

  private static final class Site {
    final MinuteBucket[] ring = new MinuteBucket[MINUTES];
    /** In arrival order of their latest event: an event moves its visitor to the end. */
    final LinkedHashMap<Long, ActiveVisitor> visitors = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, ActiveVisitor> eldest) {
        return size() > MAX_VISITORS;
      }
    };
    /** The visitors as of the last snapshot, most recent first, while {@link #changed} is false. */
    List<ActiveVisitor> sorted;
    boolean changed = true;

    /** The visitors seen at or after {@code horizon}, most recent first; the others are forgotten. */
    List<ActiveVisitor> active(Instant horizon) {
      if (changed) {
        visitors.values().removeIf(v -> v.lastSeen().isBefore(horizon));
        ActiveVisitor[] byRecency = new ActiveVisitor[visitors.size()];
        int i = byRecency.length;
        for (ActiveVisitor v : visitors.values()) {
          byRecency[--i] = v;
        }
        Arrays.sort(byRecency, SiteSnapshot.MOST_RECENT);
        sorted = List.of(byRecency);
        changed = false;
        return sorted;
      }
      int keep = sorted.size();
      while (keep > 0 && sorted.get(keep - 1).lastSeen().isBefore(horizon)) {
        visitors.remove(sorted.get(--keep).visitorId());
      }
      if (keep < sorted.size()) {
        sorted = sorted.subList(0, keep);
      }
      return sorted;
    }
  }

  public RealtimeWindow(Clock clock) {
    this.clock = clock;
  }

  public void add(CommittedEvents batch) {
    Instant now = clock.instant();
    long currentMinute = now.getEpochSecond() / 60;
    Map<Long, SessionRow> sessions = new HashMap<>();
    for (SessionRow s : batch.sessions()) {
      sessions.put(s.sessionId(), s);
    }
    for (EventRecord e : batch.events()) {
      long minute = Math.min(e.ts().getEpochSecond() / 60, currentMinute); // a clock a little ahead counts now
      if (minute <= currentMinute - MINUTES) {
        continue; // a backfill older than the window
      }
      Site site = sites.get(e.siteId());
      if (site == null) {
        if (sites.size() >= MAX_SITES) {
          continue;
        }
        site = new Site();
        sites.put(e.siteId(), site);
      }
      bucket(site, minute).add(e, MAX_KEYS);
      SessionRow s = sessions.get(e.sessionId());
      if (s != null) {
        site.changed = true;
        ActiveVisitor previous = site.visitors.remove(e.visitorId()); // re-inserted: most recent last
        Instant lastSeen = previous != null && previous.lastSeen().isAfter(s.lastSeenAt()) ? previous.lastSeen() : s.lastSeenAt();
        site.visitors.put(e.visitorId(), new ActiveVisitor(e.visitorId(), s.sessionId(), s.startedAt(), lastSeen, s.entryPage(),
            s.exitPage(), s.pageviews(), s.events(), s.source(), s.referrer(), s.country(), s.city(), s.device(), s.browser(), s.os(),
            s.maxScroll()));
      }
    }
  }

  private static MinuteBucket bucket(Site site, long minute) {
    int slot = (int) Math.floorMod(minute, (long) MINUTES);
    MinuteBucket b = site.ring[slot];
    if (b == null || b.minute != minute) {
      if (b != null && b.minute > minute) {
        return new MinuteBucket(minute); // the slot holds a newer minute already: count nowhere (cannot happen within the window)
      }
      b = new MinuteBucket(minute); // rotated lazily: an old minute's slot is reused
      site.ring[slot] = b;
    }
    return b;
  }

  /** The site's window now: minutes of the last hour (oldest first) and its visitors (most recent first). */
  public SiteSnapshot snapshot(int siteId) {
    Instant now = clock.instant();
    Site site = sites.get(siteId);
    if (site == null) {
      return SiteSnapshot.empty(siteId, now);
    }
    long current = now.getEpochSecond() / 60;
    List<MinuteCounts> minutes = new ArrayList<>(MINUTES);
    for (long m = current - MINUTES + 1; m <= current; m++) {
      MinuteBucket b = site.ring[(int) Math.floorMod(m, (long) MINUTES)];
      minutes.add(b != null && b.minute == m ? b.copy() : new MinuteCounts(m, 0, 0, Map.of(), Map.of(), Map.of(), Map.of()));
    }
    return new SiteSnapshot(siteId, now, List.copyOf(minutes), site.active(now.minus(SPAN)));
  }

  /** Sites with anything in the window; forgets the others. */
  public List<Integer> sites() {
    Instant horizon = clock.instant().minus(SPAN);
    long oldest = horizon.getEpochSecond() / 60;
    sites.entrySet().removeIf(e -> {
      boolean minutes = false;
      for (MinuteBucket b : e.getValue().ring) {
        minutes |= b != null && b.minute > oldest;
      }
      return !minutes && e.getValue().visitors.values().stream().noneMatch(v -> v.lastSeen().isAfter(horizon));
    });
    return new ArrayList<>(sites.keySet());
  }
}
