package io.sightline.ads;

import io.sightline.http.ApiException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One imported ad-platform performance row: a campaign, ad set or ad of Meta, Google or TikTok on
 * one day, with its spend (in the platform account's currency), impressions and clicks. The
 * entity's own id at its level is {@link #entityId()}.
 */
public record AdRow(String platform, String level, String campaignId, String campaignName, String adsetId, String adsetName, String adId,
                    String adName, String status, LocalDate day, BigDecimal spend, long impressions, long clicks) {
  public static final List<String> PLATFORMS = List.of("meta", "google", "tiktok");
  public static final List<String> LEVELS = List.of("campaign", "adset", "ad");
  static final int MAX_TEXT = 300;
  static final BigDecimal MAX_SPEND = new BigDecimal("1000000000000");

  public String entityId() {
    return switch (level) {
      case "adset" -> adsetId;
      case "ad" -> adId;
      default -> campaignId;
    };
  }

  /** Parses and checks one row of an import ({@code date} as YYYY-MM-DD; ids required for the row's level and above). */
  public static AdRow parse(JsonObject o, int index) {
    String at = "rows[" + index + "]: ";
    String platform = text(o, "platform", at, true);
    if (!PLATFORMS.contains(platform)) {
      throw ApiException.badRequest(at + "platform must be meta, google or tiktok");
    }
    String level = o.getValue("level") == null ? "campaign" : text(o, "level", at, true);
    if (!LEVELS.contains(level)) {
      throw ApiException.badRequest(at + "level must be campaign, adset or ad");
    }
    String campaignId = text(o, "campaign_id", at, true);
    String adsetId = text(o, "adset_id", at, !level.equals("campaign"));
    String adId = text(o, "ad_id", at, level.equals("ad"));
    LocalDate day;
    try {
      day = LocalDate.parse(text(o, "date", at, true));
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(at + "date must be YYYY-MM-DD");
    }
    return new AdRow(platform, level, campaignId, text(o, "campaign_name", at, false), adsetId, text(o, "adset_name", at, false), adId,
        text(o, "ad_name", at, false), text(o, "status", at, false), day, spend(o.getValue("spend"), at), count(o, "impressions", at),
        count(o, "clicks", at));
  }

  private static String text(JsonObject o, String field, String at, boolean required) {
    Object v = o.getValue(field);
    if (v == null) {
      if (required) {
        throw ApiException.badRequest(at + field + " is required");
      }
      return null;
    }
    String s = v instanceof Number n ? n.toString() : v instanceof String str ? str.strip() : null;
    if (s == null || s.isEmpty() || s.length() > MAX_TEXT || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.badRequest(at + field + " must be a string of 1 to " + MAX_TEXT + " characters without control characters");
    }
    return s;
  }

  private static BigDecimal spend(Object v, String at) {
    try {
      BigDecimal spend = v == null ? BigDecimal.ZERO : new BigDecimal(v.toString());
      if (spend.signum() < 0 || spend.compareTo(MAX_SPEND) >= 0) {
        throw new NumberFormatException();
      }
      return spend.setScale(2, java.math.RoundingMode.HALF_UP);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(at + "spend must be a number from 0");
    }
  }

  private static long count(JsonObject o, String field, String at) {
    Object v = o.getValue(field);
    if (v == null) {
      return 0;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
      throw ApiException.badRequest(at + field + " must be a whole number from 0");
    }
    return ((Number) v).longValue();
  }
}
