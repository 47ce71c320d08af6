package io.sightline.api.clickport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
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
 * through SQL), following the definitions in the README's "Query engine" section.
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

  /** Seeded visitors over the 6 days before {@code now}, each with 1-4 sessions split by more than 30 idle minutes. */
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
          int kind = e == 0 ? 0 : random.nextInt(12);
          String type = kind < 6 || kind == 11 ? "pageview" : kind == 6 ? "click" : kind == 7 ? "engagement" : kind == 10 ? "form" : "custom";
          boolean interactive = kind != 9; // kind 9: a non-interactive custom event
          String path = PAGES[random.nextInt(PAGES.length)];
          String host = random.nextInt(5) == 0 ? "docs.localhost" : "localhost";
          if (t.isAfter(now.minusSeconds(60))) {
            break;
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
          o.events.add(new Ev(visitor, s, t, type, name, host, path, interactive, source, mobile ? "mobile" : "desktop",
              random.nextInt(101), label, plan, revenue));
          t = t.plusSeconds(60 + random.nextInt(9 * 60));
        }
        t = t.plus(Duration.ofMinutes(31 + random.nextInt(24 * 60)));
      }
    }
    return o;
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
  static String tag(Ev e) {
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
  static String secondary(Ev e) {
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

  /** Per-session facts within the range. */
  record InRange(String key, Ev firstEvent, List<Ev> events, int pageviews, boolean interactive, boolean clicked, String entry,
                 String exit, Instant first, Instant last, boolean converted) {
    boolean bounce() {
      return pageviews == 1 && !interactive;
    }

    long duration() {
      return bounce() ? 0 : Duration.between(first, last).getSeconds();
    }

    boolean newVisitor() {
      return firstEvent.session() == 0;
    }

    String attribute(String dimension) {
      return switch (dimension) {
        case "utm_source", "source" -> firstEvent.source();
        case "device" -> firstEvent.device();
        case "entry_page" -> entry;
        case "exit_page" -> exit;
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

  /** Expected rows by dimension value ("total" for none), every metric. */
  public Map<Object, Map<String, Object>> expected(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
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

  private Map<Object, Map<String, Object>> compute(Instant start, Instant end, ZoneId zone, String dimension, List<Filter> filters) {
    RangeFacts facts = new RangeFacts(start, end);
    Map<String, List<Ev>> bySession = new LinkedHashMap<>();
    for (Ev e : events) {
      if (inRange(e, start, end)) {
        bySession.computeIfAbsent(key(e), k -> new ArrayList<>()).add(e);
      }
    }
    List<Filter> eventFilters = filters.stream().filter(f -> isEventDimension(f.dimension())).toList();
    boolean pagesOnly = eventFilters.stream().allMatch(f -> List.of("page", "hostname").contains(f.dimension()));
    List<InRange> selected = new ArrayList<>();
    List<Ev> counted = new ArrayList<>();
    for (Map.Entry<String, List<Ev>> entry : bySession.entrySet()) {
      List<Ev> evs = entry.getValue();
      List<Ev> pvs = evs.stream().filter(e -> e.type().equals("pageview")).toList();
      Ev firstOfSession = events.stream().filter(e -> key(e).equals(entry.getKey())).findFirst().orElseThrow();
      InRange s = new InRange(entry.getKey(), firstOfSession, evs, pvs.size(),
          evs.stream().anyMatch(e -> e.interactive() && List.of("custom", "click", "form").contains(e.type())),
          evs.stream().anyMatch(e -> e.type().equals("click")), pvs.isEmpty() ? null : pvs.get(0).path(),
          pvs.isEmpty() ? null : pvs.get(pvs.size() - 1).path(), evs.get(0).ts(), evs.get(evs.size() - 1).ts(),
          evs.stream().anyMatch(QueryOracle::converts));
      boolean keep = true;
      for (Filter f : filters) {
        if (!isEventDimension(f.dimension())) {
          keep &= matches(f.operator(), s.attribute(f.dimension()), f.values());
        }
      }
      if (!eventFilters.isEmpty()) {
        keep &= evs.stream().anyMatch(e -> (pagesOnly ? e.type().equals("pageview")
            : eventFilters.stream().filter(f -> !List.of("page", "hostname").contains(f.dimension())).allMatch(f -> member(e, f.dimension())))
            && eventFilters.stream().allMatch(f -> passes(e, f)));
      }
      if (keep) {
        selected.add(s);
        evs.stream().filter(e -> eventFilters.stream().allMatch(f -> passes(e, f))).forEach(counted::add);
      }
    }
    Map<String, InRange> sessionOf = new HashMap<>();
    selected.forEach(s -> sessionOf.put(s.key(), s));
    Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
    if (dimension == null) {
      rows.put("total", metrics(selected, counted, facts));
    } else if (TIME_DIMENSIONS.contains(dimension)) {
      DateTimeFormatter fmt = DateTimeFormatter.ofPattern(dimension.equals("date") ? "yyyy-MM-dd" : "yyyy-MM-dd HH:00");
      ChronoUnit unit = dimension.equals("date") ? ChronoUnit.DAYS : ChronoUnit.HOURS;
      Function<Instant, String> bucket = t -> fmt.format(LocalDateTime.ofInstant(t, zone).truncatedTo(unit));
      for (LocalDateTime b = LocalDateTime.ofInstant(start, zone).truncatedTo(unit); b.atZone(zone).toInstant().isBefore(end); b = b.plus(1, unit)) {
        String label = fmt.format(b);
        List<InRange> ss = selected.stream().filter(s -> bucket.apply(s.first()).equals(label)).toList();
        List<Ev> es = counted.stream().filter(e -> bucket.apply(e.ts()).equals(label)).toList();
        Map<String, Object> m = metrics(ss, es, facts);
        long visitors = es.stream().map(Ev::visitor).distinct().count();
        long converters = es.stream().filter(QueryOracle::converts).map(Ev::visitor).distinct().count();
        m.put("visitors", visitors);
        m.put("_converters", converters);
        m.put("conversion_rate", percent(converters, visitors));
        rows.put(label, m);
      }
    } else if (dimension.equals("goal")) {
      for (Goal g : GOALS) {
        List<Ev> es = counted.stream().filter(g::completedBy).toList();
        if (!es.isEmpty()) {
          rows.put(g.name(), eventRow(es, es, sessionOf, facts));
        }
      }
    } else if (isEventDimension(dimension)) {
      Map<String, List<Ev>> byValue = new LinkedHashMap<>();
      counted.stream().filter(e -> value(e, dimension) != null).forEach(e -> byValue.computeIfAbsent(value(e, dimension), k -> new ArrayList<>()).add(e));
      byValue.forEach((v, es) -> {
        List<Ev> members = es.stream().filter(e -> member(e, dimension)).toList();
        if (!members.isEmpty()) {
          rows.put(v, eventRow(es, members, sessionOf, facts));
        }
      });
    } else {
      Map<String, List<InRange>> groups = new LinkedHashMap<>();
      selected.forEach(s -> groups.computeIfAbsent(s.attribute(dimension), k -> new ArrayList<>()).add(s));
      groups.forEach((v, ss) -> {
        Set<String> keys = new HashSet<>();
        ss.forEach(s -> keys.add(s.key()));
        rows.put(v, metrics(ss, counted.stream().filter(e -> keys.contains(key(e))).toList(), facts));
      });
    }
    return rows;
  }

  private Map<String, Object> eventRow(List<Ev> rowEvents, List<Ev> members, Map<String, InRange> sessionOf, RangeFacts facts) {
    Set<String> keys = new LinkedHashSet<>();
    members.forEach(e -> keys.add(key(e)));
    return metrics(keys.stream().map(sessionOf::get).filter(Objects::nonNull).toList(), rowEvents, facts);
  }

  static final List<String> METRICS = List.of("visitors", "sessions", "pageviews", "events", "views_per_visit", "bounce_rate",
      "avg_duration", "avg_scroll", "clickers", "engagement", "conversions", "conversion_rate", "total_revenue", "average_revenue",
      "entrances", "exits", "time_on_page", "new_visitor_sessions", "bounces", "total_duration", "total_time_on_page", "form_submissions");

  private static Map<String, Object> metrics(List<InRange> sessions, List<Ev> counted, RangeFacts facts) {
    Map<String, Object> m = new LinkedHashMap<>();
    long n = sessions.size();
    long visitors = sessions.stream().map(s -> s.firstEvent().visitor()).distinct().count();
    m.put("visitors", visitors);
    m.put("sessions", n);
    List<Ev> pageviews = counted.stream().filter(e -> e.type().equals("pageview")).toList();
    m.put("pageviews", (long) pageviews.size());
    m.put("events", counted.stream().filter(e -> !e.type().equals("engagement")).count());
    long pv = sessions.stream().mapToLong(InRange::pageviews).sum();
    m.put("views_per_visit", n == 0 ? 0.0 : BigDecimal.valueOf(pv).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_UP).doubleValue());
    m.put("bounce_rate", n == 0 ? 0L : Math.round(100.0 * sessions.stream().filter(InRange::bounce).count() / n));
    long avgDuration = n == 0 ? 0L : Math.round((double) sessions.stream().mapToLong(InRange::duration).sum() / n);
    m.put("avg_duration", avgDuration);
    List<Integer> sd = pageviews.stream().filter(facts.scroll::containsKey).map(facts.scroll::get).toList();
    Long avgScroll = sd.isEmpty() ? null : Math.round(sd.stream().mapToInt(Integer::intValue).average().orElse(0));
    m.put("avg_scroll", avgScroll);
    m.put("clickers", sessions.stream().filter(s -> s.clicked()).count());
    m.put("engagement", n == 0 ? 0L : Math.round((avgScroll == null ? 0 : avgScroll / 2.0) + 50.0 * Math.min(avgDuration / 180.0, 1.0)));
    m.put("conversions", counted.stream().filter(QueryOracle::converts).count());
    long converters = sessions.stream().filter(InRange::converted).map(s -> s.firstEvent().visitor()).distinct().count();
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
    m.put("new_visitor_sessions", sessions.stream().filter(InRange::newVisitor).count());
    m.put("bounces", sessions.stream().filter(InRange::bounce).count());
    m.put("total_duration", sessions.stream().mapToLong(InRange::duration).sum());
    m.put("total_time_on_page", times.stream().mapToLong(Long::longValue).sum());
    m.put("form_submissions", counted.stream().filter(e -> e.type().equals("form")).count());
    return m;
  }

  static double percent(long part, long base) {
    return base == 0 ? 0 : BigDecimal.valueOf(100L * part).divide(BigDecimal.valueOf(base), 2, RoundingMode.HALF_UP).doubleValue();
  }
}
