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
 */
public final class HubSpotRows {
  /** The metrics of breakdown reports (totals, sources, geolocation, utm-*). */
  public static final List<Metric> SESSION_METRICS = List.of(Metric.SESSIONS, Metric.PAGEVIEWS, Metric.NEW_VISITOR_SESSIONS,
      Metric.BOUNCES, Metric.TOTAL_DURATION, Metric.FORM_SUBMISSIONS);
  /** The metrics of pages and content reports. */
  public static final List<Metric> PAGE_METRICS = List.of(Metric.PAGEVIEWS, Metric.SESSIONS, Metric.NEW_VISITOR_SESSIONS, Metric.BOUNCES,
      Metric.ENTRANCES, Metric.EXITS, Metric.TOTAL_TIME_ON_PAGE, Metric.FORM_SUBMISSIONS);
  public static final List<Metric> FORM_METRICS = List.of(Metric.FORM_SUBMISSIONS, Metric.SESSIONS, Metric.NEW_VISITOR_SESSIONS);
  public static final List<Metric> EVENT_METRICS = List.of(Metric.CONVERSIONS, Metric.SESSIONS, Metric.NEW_VISITOR_SESSIONS);

  public static final List<String> SESSION_FIELDS = List.of("visits", "rawViews", "visitors", "bounces", "bounceRate", "time",
      "timePerSession", "pageviewsPerSession", "newVisitorSessionRate", "submissions");
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
    return out;
  }

  public static Map<String, Object> pageRow(Map<String, Object> e) {
    Map<String, Object> out = new LinkedHashMap<>();
    long views = count(e, Metric.PAGEVIEWS);
    long exits = count(e, Metric.EXITS);
    long entrances = count(e, Metric.ENTRANCES);
    long pageTime = count(e, Metric.TOTAL_TIME_ON_PAGE);
    long bounces = count(e, Metric.BOUNCES);
    put(out, "rawViews", views);
    put(out, "visits", count(e, Metric.SESSIONS));
    put(out, "visitors", count(e, Metric.NEW_VISITOR_SESSIONS));
    put(out, "entrances", entrances);
    put(out, "exits", exits);
    put(out, "pageviewsMinusExits", views - exits);
    ratio(out, "exitsPerPageview", exits, views);
    put(out, "pageTime", pageTime);
    ratio(out, "timePerPageview", pageTime, views - exits);
    put(out, "bounces", bounces);
    ratio(out, "pageBounceRate", bounces, entrances);
    put(out, "submissions", count(e, Metric.FORM_SUBMISSIONS));
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
