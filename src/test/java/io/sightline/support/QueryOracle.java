package io.sightline.support;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The expected answers of the query engine, computed in plain Java from the generated events (not
 * through SQL), following the definitions in the docs/api.md, "Query engine" section: sessions counted
 * where they start, with whole-session values; visitors and event metrics by event time.
 */
public final class QueryOracle {
  public static final String[] PAGES = {"/", "/pricing", "/blog", "/blog/post-1", "/docs", "/about"};
  static final String[] SOURCES = {null, "newsletter", "partner"};
  static final String[] CLICK_LABELS = {"Buy", "Docs link", "Buy", null};
  static final String[] FORMS = {"contact", "newsletter"};
  static final BigDecimal[] AMOUNTS = {new BigDecimal("19.99"), new BigDecimal("49.50"), new BigDecimal("5.00")};
  static final List<String> SESSION_DIMENSIONS = List.of("utm_source", "source", "device", "entry_page", "exit_page");
  static final List<String> TIME_DIMENSIONS = List.of("date", "hour");

  public record Ev(String visitor, int session, Instant ts, String type, String name, String host, String path, boolean interactive,
            String source, String device, int scroll, String label, String plan, BigDecimal revenue) {
  }

  public record Goal(String name, String type, String match) {
    boolean completedBy(Ev e) {
      return switch (type) {
        case "pageview" -> e.type().equals("pageview") && glob(match).matcher(e.path()).matches();
        case "custom" -> e.type().equals("custom") && e.name().equals(match);
        case "click" -> e.type().equals("click") && match.equals(e.label());
        case "form" -> e.type().equals("form") && (match.equals("*") || match.equals(e.label()));
        default -> throw new IllegalArgumentException(type);
      };
    }

    private static Pattern glob(String pattern) {
      return Pattern.compile(String.join(".*", java.util.Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).toList()),
          Pattern.DOTALL);
    }
  }

  public record Filter(String dimension, String operator, List<String> values) {
  }

  public static final List<Goal> GOALS = List.of(new Goal("Pricing", "pageview", "/pricing"), new Goal("Blog posts", "pageview", "/blog/*"),
      new Goal("Signup", "custom", "Signup"), new Goal("Buy", "click", "Buy"), new Goal("Any form", "form", "*"),
      new Goal("Contact", "form", "contact"));

  public final List<Ev> events = new ArrayList<>();

  /** The zones of the tests' ranges: sessions cross their local midnights. */
  public static final List<String> EDGE_ZONES = List.of("UTC", "Asia/Kolkata", "America/New_York", "Europe/Berlin");

  /**
   * Seeded visitors over the 6 days before {@code now}, each with 1-4 sessions split by more than 30
   * idle minutes; then, for each of {@link #EDGE_ZONES} and each of the 5 days before today there, a
   * visitor whose session runs over that local midnight, so that ranges of local days cut sessions.
   */
  public static QueryOracle generate(Instant now, long seed) {
    QueryOracle o = new QueryOracle();
    Random random = new Random(seed);
    for (int v = 0; v < 40; v++) {
      String visitor = "v" + v;
      boolean mobile = random.nextInt(3) == 0;
      Instant t = now.minus(Duration.ofHours(6 * 24 - 2)).plusSeconds(random.nextInt(3600 * 24));
      int sessions = 1 + random.nextInt(4);
      for (int s = 0; s < sessions; s++) {
        String source = SOURCES[random.nextInt(SOURCES.length)];
        int count = 1 + random.nextInt(6);
        for (int e = 0; e < count; e++) {
          Ev ev = event(random, now, visitor, s, t, e == 0, source, mobile);
          if (ev == null) {
            break;
          }
          o.events.add(ev);
          t = t.plusSeconds(60 + random.nextInt(9 * 60));
        }
        t = t.plus(Duration.ofMinutes(31 + random.nextInt(24 * 60)));
      }
    }
    for (int z = 0; z < EDGE_ZONES.size(); z++) {
      ZoneId zone = ZoneId.of(EDGE_ZONES.get(z));
      for (int d = 1; d <= 5; d++) {
        Instant midnight = LocalDate.ofInstant(now, zone).minusDays(d).atStartOfDay(zone).toInstant();
        Instant t = midnight.minusSeconds(60 + random.nextInt(15 * 60));
        Instant until = midnight.plusSeconds(random.nextInt(30 * 60));
        String source = SOURCES[random.nextInt(SOURCES.length)];
        boolean mobile = random.nextInt(3) == 0;
        boolean first = true;
        Instant last;
        do { // until an event at or after `until`, past midnight; gaps of at most 10 minutes keep one session
          o.events.add(event(random, now, "v" + (40 + 5 * z + d - 1), 0, t, first, source, mobile));
          first = false;
          last = t;
          t = t.plusSeconds(60 + random.nextInt(9 * 60));
        } while (last.isBefore(until));
      }
    }
    return o;
  }

  /** One event of the mix (a session's first is a pageview); null when it would fall in the last minute before {@code now}. */
  private static Ev event(Random random, Instant now, String visitor, int session, Instant t, boolean first, String source, boolean mobile) {
    int kind = first ? 0 : random.nextInt(12);
    String type = kind < 6 || kind == 11 ? "pageview" : kind == 6 ? "click" : kind == 7 ? "engagement" : kind == 10 ? "form" : "custom";
    boolean interactive = kind != 9; // kind 9: a non-interactive custom event
    String path = PAGES[random.nextInt(PAGES.length)];
    String host = random.nextInt(5) == 0 ? "docs.localhost" : "localhost";
    if (t.isAfter(now.minusSeconds(60))) {
      return null;
    }
    String name = switch (type) {
      case "custom" -> interactive ? "Signup" : "Autoplay";
      default -> type;
    };
    String label = type.equals("click") ? CLICK_LABELS[random.nextInt(CLICK_LABELS.length)]
        : type.equals("form") ? FORMS[random.nextInt(FORMS.length)] : null;
    boolean signup = name.equals("Signup");
    String plan = signup ? (random.nextBoolean() ? "pro" : "free") : null;
    BigDecimal revenue = signup && random.nextBoolean() ? AMOUNTS[random.nextInt(AMOUNTS.length)] : null;
    return new Ev(visitor, session, t, type, name, host, path, interactive, source, mobile ? "mobile" : "desktop",
        random.nextInt(101), label, plan, revenue);
  }

  /** Sessions that started before {@code edge} and have an event at or after it (a range starting or ending there cuts them). */
  public long sessionsAcross(Instant edge) {
    Map<String, Instant[]> spans = new LinkedHashMap<>();
    for (Ev e : events) {
      spans.merge(key(e), new Instant[] {e.ts(), e.ts()}, (x, y) -> new Instant[] {x[0].isBefore(y[0]) ? x[0] : y[0], x[1].isAfter(y[1]) ? x[1] : y[1]});
    }
    return spans.values().stream().filter(x -> x[0].isBefore(edge) && !x[1].isBefore(edge)).count();
  }

  public boolean isFirstOfSession(Ev e) {
    for (Ev other : events) {
      if (other.visitor().equals(e.visitor()) && other.session() == e.session()) {
        return other == e;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- definitions

  static boolean matches(String operator, String value, List<String> values) {
    boolean any = false;
    for (String v : values) {
      if (value == null) {
        continue;
      }
      any |= switch (operator) {
        case "is", "is_not" -> value.equals(v);
        case "contains", "not_contains" -> value.toLowerCase(Locale.ROOT).contains(v.toLowerCase(Locale.ROOT));
        case "starts_with" -> value.startsWith(v);
        case "ends_with" -> value.endsWith(v);
        default -> throw new IllegalArgumentException(operator);
      };
    }
    return operator.equals("is_not") || operator.equals("not_contains") ? !any : any;
  }

  static boolean isEventDimension(String d) {
    return !SESSION_DIMENSIONS.contains(d) && !TIME_DIMENSIONS.contains(d);
  }

  static boolean converts(Ev e) {
    return GOALS.stream().anyMatch(g -> g.completedBy(e));
  }

  /** The one tag the test sends with an event (clicks and custom events), or null. */
  public static String tag(Ev e) {
    return e.type().equals("click") ? "cta" : e.type().equals("custom") ? (e.plan() != null ? "lead" : "media") : null;
  }

  /** An event attribute (null when the event has none). */
  static String value(Ev e, String dimension) {
    return switch (dimension) {
      case "page" -> e.path();
      case "hostname" -> e.host();
      case "event_name" -> e.type().equals("engagement") ? null : e.name();
      case "click_target" -> e.type().equals("click") ? e.label() : null;
      case "form_target" -> e.type().equals("form") ? e.label() : null;
      case "target_secondary" -> secondary(e);
      case "event_type" -> e.type().equals("engagement") ? null : e.type();
      case "event_page" -> e.type().equals("engagement") ? null : e.path();
      case "props:plan" -> e.plan();
      case "tag" -> tag(e);
      default -> throw new IllegalArgumentException(dimension);
    };
  }

  /** The secondary label the generator gives clicks and forms: an href for a click, an action for a form. */
  public static String secondary(Ev e) {
    if (e.label() == null) {
      return null;
    }
    return switch (e.type()) {
      case "click" -> "/go/" + e.label().toLowerCase(Locale.ROOT).replace(' ', '-');
      case "form" -> "#" + e.label();
      default -> null;
    };
  }

  /** The events that make a row of an event dimension, or that a filter on it looks at. */
  static boolean member(Ev e, String dimension) {
    return switch (dimension) {
      case "page", "hostname" -> e.type().equals("pageview");
      case "click_target" -> e.type().equals("click");
      case "form_target" -> e.type().equals("form");
      default -> !e.type().equals("engagement");
    };
  }

  static boolean passes(Ev e, Filter f) {
    if (f.dimension().equals("goal")) {
      boolean negated = f.operator().startsWith("not_") || f.operator().equals("is_not");
      String positive = f.operator().equals("is_not") ? "is" : f.operator().equals("not_contains") ? "contains" : f.operator();
      boolean any = GOALS.stream().anyMatch(g -> g.completedBy(e) && matches(positive, g.name(), f.values()));
      return negated != any;
    }
    return matches(f.operator(), value(e, f.dimension()), f.values());
  }

  /**
   * A session's whole-session facts, from all its events (in the range or not), as the writer keeps
   * them in its {@code sessions} row; {@code converted}: an event of it in the range completes a goal.
   */
  record Session(String key, List<Ev> events, boolean converted) {
    Ev firstEvent() {
      return events.get(0);
    }

    Instant started() {
      return events.get(0).ts();
    }

    Instant lastSeen() {
      return events.get(events.size() - 1).ts();
    }

    long pageviews() {
      return events.stream().filter(e -> e.type().equals("pageview")).count();
    }

    boolean interactive() {
      return events.stream().anyMatch(e -> e.interactive() && List.of("custom", "click", "form").contains(e.type()));
    }

    boolean clicked() {
      return events.stream().anyMatch(e -> e.type().equals("click"));
    }

    String entry() {
      return events.stream().filter(e -> e.type().equals("pageview")).map(Ev::path).findFirst().orElse(null);
    }

    String exit() {
      return events.stream().filter(e -> e.type().equals("pageview")).map(Ev::path).reduce((x, y) -> y).orElse(null);
    }

    boolean bounce() {
      return pageviews() == 1 && !interactive();
    }

    long duration() {
      return bounce() ? 0 : Duration.between(started(), lastSeen()).getSeconds();
    }

    boolean newVisitor() {
      return firstEvent().session() == 0;
    }

    String attribute(String dimension) {
      return switch (dimension) {
        case "utm_source", "source" -> firstEvent().source();
        case "device" -> firstEvent().device();
        case "entry_page" -> entry();
        case "exit_page" -> exit();
        default -> throw new IllegalArgumentException(dimension);
      };
    }
  }

  private static String key(Ev e) {
    return e.visitor() + "#" + e.session();
  }

  /** Facts that depend on the whole range: each pageview's deepest scroll, entry/exit flags and time to the next pageview. */
  private final class RangeFacts {
    final Map<Ev, Integer> scroll = new IdentityHashMap<>();
    final Set<Ev> entries = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    final Set<Ev> exits = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    final Map<Ev, Long> timeOnPage = new IdentityHashMap<>();

    RangeFacts(Instant start, Instant end) {
      Ev current = null;
      for (Ev e : events) {
        if (current != null && !key(current).equals(key(e))) {
          current = null;
        }
        if (e.type().equals("pageview")) {
          current = e;
        } else if (e.type().equals("engagement") && current != null && inRange(e, start, end)) {
          scroll.merge(current, e.scroll(), Math::max);
        }
      }
      Map<String, List<Ev>> pageviews = new LinkedHashMap<>();
      events.stream().filter(e -> e.type().equals("pageview") && inRange(e, start, end))
          .forEach(e -> pageviews.computeIfAbsent(key(e), k -> new ArrayList<>()).add(e));
      for (List<Ev> pvs : pageviews.values()) {
        entries.add(pvs.get(0));
        exits.add(pvs.get(pvs.size() - 1));
        for (int i = 0; i + 1 < pvs.size(); i++) {
          timeOnPage.put(pvs.get(i), Duration.between(pvs.get(i).ts(), pvs.get(i + 1).ts()).getSeconds());
        }
      }
    }
  }

  static boolean inRange(Ev e, Instant start, Instant end) {
    return !e.ts().isBefore(start) && e.ts().isBefore(end);
  }

  // ---------------------------------------------------------------- the expected rows

  /** Metrics read from the sessions in scope; the others (and engagement and conversion_rate too) from the counted events. */
  static final Set<String> SESSION_METRICS = Set.of("sessions", "views_per_visit", "bounce_rate", "avg_duration", "clickers", "engagement",
      "conversion_rate", "new_visitor_sessions", "bounces", "total_duration");
  static final Set<String> EVENT_METRICS = Set.of("visitors", "pageviews", "events", "avg_scroll", "engagement", "conversions",
      "conversion_rate", "total_revenue", "average_revenue", "entrances", "exits", "time_on_page", "total_time_on_page", "timed_pageviews",
      "form_submissions");
  private static final String HAS_SESSIONS = "_has_sessions";
  private static final String HAS_EVENTS = "_has_events";

  /**
   * Expected rows by dimension value ("total" for none) of a query for these metrics, only those.
   * A session attribute's row exists where the sessions in scope or the counted events have the
   * value, of the two the metrics read.
   */
  public Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters,
                                                   List<String> metrics) {
    boolean sessions = metrics.stream().anyMatch(SESSION_METRICS::contains);
    boolean events = metrics.stream().anyMatch(EVENT_METRICS::contains);
    Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
    withSides(start, end, zone, dimension, filters).forEach((k, row) -> {
      boolean side = !row.containsKey(HAS_SESSIONS) || sessions && (Boolean) row.get(HAS_SESSIONS) || events && (Boolean) row.get(HAS_EVENTS);
      if (side) {
        Map<String, Object> only = new LinkedHashMap<>();
        metrics.forEach(m -> only.put(m, row.get(m)));
        out.put(k, only);
      }
    });
    return out;
  }

  /** Expected rows by dimension value ("total" for none), every metric (a query for all of them). */
  public Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    return expected(start, end, zone, dimension, filters, METRICS);
  }

  private Map<Object, Map<String, Object>> withSides(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    Map<Object, Map<String, Object>> rows = compute(start, end, zone, dimension, filters);
    boolean goals = "goal".equals(dimension) || filters.stream().anyMatch(f -> f.dimension().equals("goal"));
    if (goals) {
      // a goal's conversion rate is a share of all the visitors in scope (goal filters left out)
      String baseDimension = "goal".equals(dimension) ? null : dimension;
      Map<Object, Map<String, Object>> base = compute(start, end, zone, baseDimension,
          filters.stream().filter(f -> !f.dimension().equals("goal")).toList());
      rows.forEach((k, m) -> {
        Map<String, Object> scope = base.get(baseDimension == null ? "total" : k);
        long visitors = scope == null ? 0 : (Long) scope.get("visitors");
        m.put("conversion_rate", percent((Long) m.get("_converters"), visitors));
      });
    }
    rows.values().forEach(m -> m.remove("_converters"));
    return rows;
  }

  /**
   * The definitions: sessions in scope = the sessions that started in the range and pass the filters
   * (an event-level filter: with a member event in the range matching them all), with whole-session
   * values; counted events = the events in the range of sessions passing the session-attribute
   * filters that match every event-level filter; visitors = of the counted events (with event-level
   * filters, of those a filter looks at: pageviews for page filters).
   */
  private Map<Object, Map<String, Object>> compute(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    RangeFacts facts = new RangeFacts(start, end);
    Map<String, List<Ev>> whole = new LinkedHashMap<>();
    for (Ev e : events) {
      whole.computeIfAbsent(key(e), k -> new ArrayList<>()).add(e);
    }
    List<Filter> eventFilters = filters.stream().filter(f -> isEventDimension(f.dimension())).toList();
    List<Filter> sessionFilters = filters.stream().filter(f -> !isEventDimension(f.dimension())).toList();
    boolean pagesOnly = eventFilters.stream().allMatch(f -> List.of("page", "hostname").contains(f.dimension()));
    java.util.function.Predicate<Ev> looked = e -> pagesOnly ? e.type().equals("pageview")
        : eventFilters.stream().filter(f -> !List.of("page", "hostname").contains(f.dimension())).allMatch(f -> member(e, f.dimension()));
    java.util.function.Predicate<Ev> matchesAll = e -> eventFilters.stream().allMatch(f -> passes(e, f));
    Map<String, Session> sessionOf = new HashMap<>();
    List<Session> inScope = new ArrayList<>();
    List<Ev> counted = new ArrayList<>();
    for (Map.Entry<String, List<Ev>> entry : whole.entrySet()) {
      List<Ev> inRange = entry.getValue().stream().filter(e -> inRange(e, start, end)).toList();
      Session s = new Session(entry.getKey(), entry.getValue(), inRange.stream().anyMatch(QueryOracle::converts));
      sessionOf.put(s.key(), s);
      boolean passes = sessionFilters.stream().allMatch(f -> matches(f.operator(), s.attribute(f.dimension()), f.values()));
      if (!passes) {
        continue;
      }
      inRange.stream().filter(matchesAll).forEach(counted::add);
      if (inRange(s.firstEvent(), start, end) && (eventFilters.isEmpty() || inRange.stream().anyMatch(e -> looked.test(e) && matchesAll.test(e)))) {
        inScope.add(s);
      }
    }
    List<Ev> visitorEvents = eventFilters.isEmpty() ? counted : counted.stream().filter(looked).toList();
    Map<String, Session> scope = new HashMap<>();
    inScope.forEach(s -> scope.put(s.key(), s));
    Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
    if (dimension == null) {
      rows.put("total", metrics(inScope, counted, visitorEvents, facts));
    } else if (TIME_DIMENSIONS.contains(dimension)) {
      DateTimeFormatter fmt = DateTimeFormatter.ofPattern(dimension.equals("date") ? "yyyy-MM-dd" : "yyyy-MM-dd HH:00");
      ChronoUnit unit = dimension.equals("date") ? ChronoUnit.DAYS : ChronoUnit.HOURS;
      Function<Instant, String> bucket = t -> fmt.format(LocalDateTime.ofInstant(t, zone).truncatedTo(unit));
      for (LocalDateTime b = LocalDateTime.ofInstant(start, zone).truncatedTo(unit); b.atZone(zone).toInstant().isBefore(end); b = b.plus(1, unit)) {
        String label = fmt.format(b);
        List<Session> ss = inScope.stream().filter(s -> bucket.apply(s.started()).equals(label)).toList();
        List<Ev> es = counted.stream().filter(e -> bucket.apply(e.ts()).equals(label)).toList();
        List<Ev> vs = visitorEvents.stream().filter(e -> bucket.apply(e.ts()).equals(label)).toList();
        Map<String, Object> m = metrics(ss, es, vs, facts);
        long converters = vs.stream().filter(QueryOracle::converts).map(Ev::visitor).distinct().count();
        m.put("_converters", converters);
        m.put("conversion_rate", percent(converters, (Long) m.get("visitors")));
        rows.put(label, m);
      }
    } else if (dimension.equals("goal")) {
      for (Goal g : GOALS) {
        List<Ev> es = counted.stream().filter(g::completedBy).toList();
        if (!es.isEmpty()) {
          rows.put(g.name(), eventRow(es, es, scope, facts));
        }
      }
    } else if (isEventDimension(dimension)) {
      Map<String, List<Ev>> byValue = new LinkedHashMap<>();
      counted.stream().filter(e -> value(e, dimension) != null).forEach(e -> byValue.computeIfAbsent(value(e, dimension), k -> new ArrayList<>()).add(e));
      byValue.forEach((v, es) -> {
        List<Ev> members = es.stream().filter(e -> member(e, dimension)).toList();
        if (!members.isEmpty()) {
          rows.put(v, eventRow(es, members, scope, facts));
        }
      });
    } else {
      // a row where either side has the value: sessions in scope by their attribute, counted events by their session's
      Function<Ev, String> attribute = e -> sessionOf.get(key(e)).attribute(dimension);
      Set<String> values = new LinkedHashSet<>();
      inScope.forEach(s -> values.add(s.attribute(dimension)));
      counted.forEach(e -> values.add(attribute.apply(e)));
      for (String v : values) {
        List<Session> ss = inScope.stream().filter(s -> Objects.equals(s.attribute(dimension), v)).toList();
        List<Ev> es = counted.stream().filter(e -> Objects.equals(attribute.apply(e), v)).toList();
        Map<String, Object> m = metrics(ss, es, visitorEvents.stream().filter(e -> Objects.equals(attribute.apply(e), v)).toList(), facts);
        m.put(HAS_SESSIONS, !ss.isEmpty());
        m.put(HAS_EVENTS, !es.isEmpty());
        rows.put(v, m);
      }
    }
    return rows;
  }

  /** A row of an event attribute: visitors with a member event, the sessions in scope with one, the events carrying the value. */
  private Map<String, Object> eventRow(List<Ev> rowEvents, List<Ev> members, Map<String, Session> scope, RangeFacts facts) {
    Set<String> keys = new LinkedHashSet<>();
    members.forEach(e -> keys.add(key(e)));
    return metrics(keys.stream().map(scope::get).filter(Objects::nonNull).toList(), rowEvents, members, facts);
  }

  public static final List<String> METRICS = List.of("visitors", "sessions", "pageviews", "events", "views_per_visit", "bounce_rate",
      "avg_duration", "avg_scroll", "clickers", "engagement", "conversions", "conversion_rate", "total_revenue", "average_revenue",
      "entrances", "exits", "time_on_page", "new_visitor_sessions", "bounces", "total_duration", "total_time_on_page", "timed_pageviews",
      "form_submissions");

  private static Map<String, Object> metrics(List<Session> sessions, List<Ev> counted, List<Ev> visitorEvents, RangeFacts facts) {
    Map<String, Object> m = new LinkedHashMap<>();
    long n = sessions.size();
    long visitors = visitorEvents.stream().map(Ev::visitor).distinct().count();
    m.put("visitors", visitors);
    m.put("sessions", n);
    List<Ev> pageviews = counted.stream().filter(e -> e.type().equals("pageview")).toList();
    m.put("pageviews", (long) pageviews.size());
    m.put("events", counted.stream().filter(e -> !e.type().equals("engagement")).count());
    long pv = sessions.stream().mapToLong(Session::pageviews).sum();
    m.put("views_per_visit", n == 0 ? 0.0 : BigDecimal.valueOf(pv).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue());
    m.put("bounce_rate", n == 0 ? 0L : Math.round(100.0 * sessions.stream().filter(Session::bounce).count() / n));
    long avgDuration = n == 0 ? 0L : Math.round((double) sessions.stream().mapToLong(Session::duration).sum() / n);
    m.put("avg_duration", avgDuration);
    List<Integer> sd = pageviews.stream().filter(facts.scroll::containsKey).map(facts.scroll::get).toList();
    Long avgScroll = sd.isEmpty() ? null : Math.round(sd.stream().mapToInt(Integer::intValue).average().orElse(0));
    m.put("avg_scroll", avgScroll);
    m.put("clickers", sessions.stream().filter(Session::clicked).count());
    m.put("engagement", n == 0 ? 0L : Math.round((avgScroll == null ? 0 : avgScroll / 2.0) + 50.0 * Math.min(avgDuration / 180.0, 1.0)));
    m.put("conversions", counted.stream().filter(QueryOracle::converts).count());
    long converters = sessions.stream().filter(Session::converted).map(s -> s.firstEvent().visitor()).distinct().count();
    m.put("_converters", converters);
    m.put("conversion_rate", percent(converters, visitors));
    List<BigDecimal> revenue = counted.stream().filter(e -> !e.type().equals("engagement") && e.revenue() != null).map(Ev::revenue).toList();
    BigDecimal total = revenue.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    m.put("total_revenue", revenue.isEmpty() ? null : total.setScale(2, RoundingMode.HALF_UP).doubleValue());
    m.put("average_revenue", revenue.isEmpty() ? null
        : total.divide(BigDecimal.valueOf(revenue.size()), 2, RoundingMode.HALF_UP).doubleValue());
    m.put("entrances", pageviews.stream().filter(facts.entries::contains).count());
    m.put("exits", pageviews.stream().filter(facts.exits::contains).count());
    List<Long> times = pageviews.stream().filter(facts.timeOnPage::containsKey).map(facts.timeOnPage::get).toList();
    m.put("time_on_page", times.isEmpty() ? null : Math.round(times.stream().mapToLong(Long::longValue).sum() / (double) times.size()));
    m.put("new_visitor_sessions", sessions.stream().filter(Session::newVisitor).count());
    m.put("bounces", sessions.stream().filter(Session::bounce).count());
    m.put("total_duration", sessions.stream().mapToLong(Session::duration).sum());
    m.put("total_time_on_page", times.stream().mapToLong(Long::longValue).sum());
    m.put("timed_pageviews", (long) times.size());
    m.put("form_submissions", counted.stream().filter(e -> e.type().equals("form")).count());
    return m;
  }

  static double percent(long part, long base) {
    return base == 0 ? 0 : BigDecimal.valueOf(100L * part).divide(BigDecimal.valueOf(base), 2, RoundingMode.HALF_UP).doubleValue();
  }
}
