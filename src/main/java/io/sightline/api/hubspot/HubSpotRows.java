package io.sightline.api.hubspot;

import io.sightline.ingest.enrich.ChannelClassifier;
import io.sightline.query.Metric;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's rows in HubSpot's names (api-specs.md §2.6). Every count is an engine metric; every
 * HubSpot rate is the quotient of two of those counts, as HubSpot defines it (bounceRate =
 * bounces / visits, 0-1, and so on). Zero and absent values are left out of a row, as HubSpot does.
 * HubSpot's CRM lifecycle counts are Sightline's identified users: {@code contacts}, {@code leads} and
 * {@code customers} are the engine's metrics of those names (docs/api.md, "HubSpot Analytics v2").
 */
public final class HubSpotRows {
  /** The metrics of breakdown reports (totals, sources, geolocation, utm-*), with the CRM counts Sightline derives from identified users. */
  public static final List<Metric> SESSION_METRICS = List.of(Metric.SESSIONS, Metric.PAGEVIEWS, Metric.NEW_VISITOR_SESSIONS,
      Metric.BOUNCES, Metric.TOTAL_DURATION, Metric.FORM_SUBMISSIONS, Metric.CONTACTS, Metric.LEADS, Metric.CUSTOMERS);
  /**
   * The engine queries of pages and content reports (docs/api.md, "HubSpot Analytics v2"): per page (by {@code page}),
   * rawViews = pageviews, visits = sessions, visitors, pageTime = total_time_on_page over timed_pageviews,
   * submissions = form_submissions; entrances and bounces = sessions and bounces by entry page; exits = sessions by exit
   * page. {@link #PAGE_VIEW_METRICS}: the pages viewed, alone (which the rollups answer).
   */
  public static final List<Metric> PAGE_METRICS = List.of(Metric.PAGEVIEWS, Metric.SESSIONS, Metric.VISITORS, Metric.TOTAL_TIME_ON_PAGE,
      Metric.TIMED_PAGEVIEWS, Metric.FORM_SUBMISSIONS);
  public static final List<Metric> PAGE_VIEW_METRICS = List.of(Metric.PAGEVIEWS);
  public static final List<Metric> ENTRY_METRICS = List.of(Metric.SESSIONS, Metric.BOUNCES);
  public static final List<Metric> EXIT_METRICS = List.of(Metric.SESSIONS);
  public static final List<Metric> FORM_METRICS = List.of(Metric.FORM_SUBMISSIONS, Metric.SESSIONS, Metric.NEW_VISITOR_SESSIONS);
  public static final List<Metric> EVENT_METRICS = List.of(Metric.CONVERSIONS, Metric.SESSIONS, Metric.NEW_VISITOR_SESSIONS);

  public static final List<String> SESSION_FIELDS = List.of("visits", "rawViews", "visitors", "bounces", "bounceRate", "time",
      "timePerSession", "pageviewsPerSession", "newVisitorSessionRate", "submissions", "leads", "contacts", "customers",
      "sessionToContactRate", "contactToCustomerRate");
  public static final List<String> PAGE_FIELDS = List.of("rawViews", "visits", "visitors", "entrances", "exits", "pageviewsMinusExits",
      "exitsPerPageview", "pageTime", "timePerPageview", "bounces", "pageBounceRate", "submissions");
  public static final List<String> FORM_FIELDS = List.of("submissions", "visits", "visitors");
  public static final List<String> EVENT_FIELDS = List.of("completions", "visits", "visitors");
  /** The sessions breakdown: sessions per device and per channel group. */
  public static final List<String> SESSIONS_FIELDS = List.of("desktop", "mobile", "others", "organicSearch", "paidSearch", "paidSocial",
      "socialMedia", "emailMarketing", "directTraffic", "referrals", "otherCampaigns");

  /** Source types ({@code sources} breakdown ids and {@code d1} values), in the order HubSpot lists them. */
  public static final List<String> SOURCE_TYPES = List.of("organic", "paid", "paid-social", "social", "email", "referrals", "direct", "other");

  private HubSpotRows() {
  }

  public static Map<String, Object> sessionRow(Map<String, Object> e) {
    Map<String, Object> out = new LinkedHashMap<>();
    long visits = count(e, Metric.SESSIONS);
    long views = count(e, Metric.PAGEVIEWS);
    long fresh = count(e, Metric.NEW_VISITOR_SESSIONS);
    long bounces = count(e, Metric.BOUNCES);
    long time = count(e, Metric.TOTAL_DURATION);
    put(out, "visits", visits);
    put(out, "rawViews", views);
    put(out, "visitors", fresh);
    put(out, "bounces", bounces);
    ratio(out, "bounceRate", bounces, visits);
    put(out, "time", time);
    ratio(out, "timePerSession", time, visits);
    ratio(out, "pageviewsPerSession", views, visits);
    ratio(out, "newVisitorSessionRate", fresh, visits);
    put(out, "submissions", count(e, Metric.FORM_SUBMISSIONS));
    long contacts = count(e, Metric.CONTACTS);
    long customers = count(e, Metric.CUSTOMERS);
    put(out, "leads", count(e, Metric.LEADS));
    put(out, "contacts", contacts);
    put(out, "customers", customers);
    ratio(out, "sessionToContactRate", contacts, visits);
    ratio(out, "contactToCustomerRate", customers, contacts);
    return out;
  }

  /**
   * A page's engine counts: from its row by page ({@link #PAGE_METRICS}), its entry-page row ({@link #ENTRY_METRICS})
   * and its exit-page row ({@link #EXIT_METRICS}). {@code timed}: the pageviews {@code pageTime} is the time of.
   */
  public record PageCounts(long views, long visits, long visitors, long entrances, long bounces, long exits, long pageTime, long timed,
                           long submissions) {
    /** From the engine's rows, each null when the engine has none. */
    public static PageCounts of(Map<String, Object> page, Map<String, Object> entry, Map<String, Object> exit) {
      Map<String, Object> p = page == null ? Map.of() : page;
      Map<String, Object> in = entry == null ? Map.of() : entry;
      return new PageCounts(count(p, Metric.PAGEVIEWS), count(p, Metric.SESSIONS), count(p, Metric.VISITORS), count(in, Metric.SESSIONS),
          count(in, Metric.BOUNCES), exit == null ? 0 : count(exit, Metric.SESSIONS), count(p, Metric.TOTAL_TIME_ON_PAGE),
          count(p, Metric.TIMED_PAGEVIEWS), count(p, Metric.FORM_SUBMISSIONS));
    }
  }

  /**
   * The rolled-up counts of page rows: each pageview, entrance, exit, second on a page and form submission is one page's,
   * so they are summed; visits and visitors are not (one visit views several pages) and are left out of totals.
   */
  public static PageCounts pageTotals(List<PageCounts> rows) {
    long views = 0;
    long entrances = 0;
    long bounces = 0;
    long exits = 0;
    long pageTime = 0;
    long timed = 0;
    long submissions = 0;
    for (PageCounts r : rows) {
      views += r.views();
      entrances += r.entrances();
      bounces += r.bounces();
      exits += r.exits();
      pageTime += r.pageTime();
      timed += r.timed();
      submissions += r.submissions();
    }
    return new PageCounts(views, 0, 0, entrances, bounces, exits, pageTime, timed, submissions);
  }

  /** A page row (or the totals of page rows) in HubSpot's names; timePerPageview is pageTime over the timed pageviews. */
  public static Map<String, Object> pageRow(PageCounts c) {
    Map<String, Object> out = new LinkedHashMap<>();
    put(out, "rawViews", c.views());
    put(out, "visits", c.visits());
    put(out, "visitors", c.visitors());
    put(out, "entrances", c.entrances());
    put(out, "exits", c.exits());
    put(out, "pageviewsMinusExits", c.views() - c.exits());
    ratio(out, "exitsPerPageview", c.exits(), c.views());
    put(out, "pageTime", c.pageTime());
    ratio(out, "timePerPageview", c.pageTime(), c.timed());
    put(out, "bounces", c.bounces());
    ratio(out, "pageBounceRate", c.bounces(), c.entrances());
    put(out, "submissions", c.submissions());
    return out;
  }

  public static Map<String, Object> formRow(Map<String, Object> e) {
    Map<String, Object> out = new LinkedHashMap<>();
    put(out, "submissions", count(e, Metric.FORM_SUBMISSIONS));
    put(out, "visits", count(e, Metric.SESSIONS));
    put(out, "visitors", count(e, Metric.NEW_VISITOR_SESSIONS));
    return out;
  }

  public static Map<String, Object> eventRow(Map<String, Object> e) {
    Map<String, Object> out = new LinkedHashMap<>();
    put(out, "completions", count(e, Metric.CONVERSIONS));
    put(out, "visits", count(e, Metric.SESSIONS));
    put(out, "visitors", count(e, Metric.NEW_VISITOR_SESSIONS));
    return out;
  }

  /**
   * The sessions row from the engine's sessions by channel and by device: desktop; mobile (phones
   * and tablets); others (unknown device); and the channel groups of {@link #sessionsField}.
   */
  public static Map<String, Object> sessionsRow(List<Map<String, Object>> byChannel, List<Map<String, Object>> byDevice) {
    Map<String, Long> counts = new LinkedHashMap<>();
    SESSIONS_FIELDS.forEach(f -> counts.put(f, 0L));
    for (Map<String, Object> r : byDevice) {
      Object device = r.get("device");
      String field = "desktop".equals(device) ? "desktop" : "mobile".equals(device) || "tablet".equals(device) ? "mobile" : "others";
      counts.merge(field, count(r, Metric.SESSIONS), Long::sum);
    }
    for (Map<String, Object> r : byChannel) {
      counts.merge(sessionsField((String) r.get("channel")), count(r, Metric.SESSIONS), Long::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> put(out, k, v));
    return out;
  }

  /** The sessions breakdown's field for a channel. */
  static String sessionsField(String channel) {
    return switch (channel == null ? "" : channel) {
      case ChannelClassifier.ORGANIC_SEARCH -> "organicSearch";
      case ChannelClassifier.PAID_SEARCH -> "paidSearch";
      case ChannelClassifier.PAID_SOCIAL -> "paidSocial";
      case ChannelClassifier.ORGANIC_SOCIAL -> "socialMedia";
      case ChannelClassifier.EMAIL -> "emailMarketing";
      case ChannelClassifier.DIRECT -> "directTraffic";
      case ChannelClassifier.REFERRAL, ChannelClassifier.AI_SEARCH -> "referrals";
      default -> "otherCampaigns";
    };
  }

  /** The source type of a channel: organic, paid, paid-social, social, email, referrals (with AI Search), direct, other. */
  public static String sourceType(String channel) {
    return switch (channel == null ? "" : channel) {
      case ChannelClassifier.ORGANIC_SEARCH -> "organic";
      case ChannelClassifier.PAID_SEARCH -> "paid";
      case ChannelClassifier.PAID_SOCIAL -> "paid-social";
      case ChannelClassifier.ORGANIC_SOCIAL -> "social";
      case ChannelClassifier.EMAIL -> "email";
      case ChannelClassifier.REFERRAL, ChannelClassifier.AI_SEARCH -> "referrals";
      case ChannelClassifier.DIRECT -> "direct";
      default -> "other";
    };
  }

  /** The channels of a source type (empty for an unknown type). */
  public static List<String> channelsOf(String sourceType) {
    List<String> out = new ArrayList<>();
    ChannelClassifier.CHANNELS.stream().sorted().filter(c -> sourceType(c).equals(sourceType)).forEach(out::add);
    return out;
  }

  /** A page's content id: 52 bits of the SHA-256 of its URL, as a decimal string (stable, and exact in JavaScript). */
  public static String contentId(String url) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return Long.toString(v & 0x000F_FFFF_FFFF_FFFFL);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(Map<String, Object> row, Metric m) {
    return row.get(m.id()) instanceof Number n ? n.longValue() : 0;
  }

  private static void put(Map<String, Object> out, String field, long value) {
    if (value != 0) {
      out.put(field, value);
    }
  }

  private static void ratio(Map<String, Object> out, String field, long part, long whole) {
    if (part != 0 && whole != 0) {
      out.put(field, (double) part / whole);
    }
  }
}
