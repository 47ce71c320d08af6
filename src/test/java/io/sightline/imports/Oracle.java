package io.sightline.imports;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The answers the tests expect, computed from a fixture's events alone: sessions split where a visitor's events are more
 * than 30 minutes apart or their vendor session (GA4's ga_session_id) changes, a visitor per vendor browser id and UTC day (no fixture session crosses a UTC midnight), a
 * session's source that of its first event.
 */
final class Oracle {
  /** A stored event as the tests model it. */
  record Event(String browserId, Instant ts, boolean pageview, String path, String country, String device, String source, BigDecimal revenue,
               String vendorSession) {
    Event(String browserId, Instant ts, boolean pageview, String path, String country, String device, String source, BigDecimal revenue) {
      this(browserId, ts, pageview, path, country, device, source, revenue, null);
    }
  }

  record Session(Instant start, String source, List<Event> events) {
  }

  final List<Event> events;
  final List<Session> sessions = new ArrayList<>();

  Oracle(List<Event> events) {
    this.events = events;
    Map<String, List<Event>> byBrowser = new HashMap<>();
    events.forEach(e -> byBrowser.computeIfAbsent(e.browserId(), k -> new ArrayList<>()).add(e));
    for (List<Event> list : byBrowser.values()) {
      list.sort(Comparator.comparing(Event::ts));
      Session open = null;
      for (Event e : list) {
        if (open == null || !java.util.Objects.equals(open.events().get(open.events().size() - 1).vendorSession(), e.vendorSession())
            || Duration.between(open.events().get(open.events().size() - 1).ts(), e.ts()).compareTo(Duration.ofMinutes(30)) > 0) {
          open = new Session(e.ts(), e.source(), new ArrayList<>());
          sessions.add(open);
        }
        open.events().add(e);
      }
    }
  }

  static String visitor(Event e) {
    return e.browserId() + "@" + LocalDate.ofInstant(e.ts(), ZoneOffset.UTC);
  }

  Session sessionOf(Event e) {
    for (Session s : sessions) {
      if (s.events().contains(e)) {
        return s;
      }
    }
    throw new AssertionError("no session for " + e);
  }

  long visitors(Instant from, Instant to) {
    return events.stream().filter(e -> in(e.ts(), from, to)).map(Oracle::visitor).distinct().count();
  }

  long pageviews(Instant from, Instant to) {
    return events.stream().filter(e -> e.pageview() && in(e.ts(), from, to)).count();
  }

  long events(Instant from, Instant to) {
    return events.stream().filter(e -> in(e.ts(), from, to)).count();
  }

  long sessions(Instant from, Instant to) {
    return sessions.stream().filter(s -> in(s.start(), from, to)).count();
  }

  BigDecimal revenue(Instant from, Instant to) {
    return events.stream().filter(e -> e.revenue() != null && in(e.ts(), from, to)).map(Event::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** Per local day of {@code zone}: visitors, pageviews, sessions. */
  Map<LocalDate, long[]> daily(ZoneId zone, LocalDate first, LocalDate last) {
    Map<LocalDate, long[]> out = new TreeMap<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      Instant a = d.atStartOfDay(zone).toInstant();
      Instant b = d.plusDays(1).atStartOfDay(zone).toInstant();
      out.put(d, new long[] {visitors(a, b), pageviews(a, b), sessions(a, b)});
    }
    return out;
  }

  /** Pageviews by a value of the event, or of its session with {@code bySession}. */
  Map<String, Long> pageviewsBy(Function<Event, String> value) {
    Map<String, Long> out = new TreeMap<>();
    events.stream().filter(Event::pageview).forEach(e -> {
      String v = value.apply(e);
      if (v != null) {
        out.merge(v, 1L, Long::sum);
      }
    });
    return out;
  }

  Map<String, Long> visitorsBy(Function<Event, String> value) {
    Map<String, Set<String>> sets = new TreeMap<>();
    events.forEach(e -> {
      String v = value.apply(e);
      if (v != null) {
        sets.computeIfAbsent(v, k -> new HashSet<>()).add(visitor(e));
      }
    });
    Map<String, Long> out = new TreeMap<>();
    sets.forEach((k, v) -> out.put(k, (long) v.size()));
    return out;
  }

  Map<String, Long> sessionsBySource() {
    Map<String, Long> out = new TreeMap<>();
    sessions.forEach(s -> {
      if (s.source() != null) {
        out.merge(s.source(), 1L, Long::sum);
      }
    });
    return out;
  }

  private static boolean in(Instant t, Instant from, Instant to) {
    return !t.isBefore(from) && t.isBefore(to);
  }
}
