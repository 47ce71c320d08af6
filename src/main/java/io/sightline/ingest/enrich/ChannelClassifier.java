package io.sightline.ingest.enrich;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The channel of a visit, one of {@link #CHANNELS}, by ordered rules (api-specs.md §5.9, modelled
 * on GA4's default grouping plus AI Search): click ids, then {@code utm_medium} (with the source's
 * category), then the referrer's category, then any other referrer or source (Referral), else Direct.
 */
public final class ChannelClassifier {
  public static final String DIRECT = "Direct";
  public static final String ORGANIC_SEARCH = "Organic Search";
  public static final String PAID_SEARCH = "Paid Search";
  public static final String AI_SEARCH = "AI Search";
  public static final String ORGANIC_SOCIAL = "Organic Social";
  public static final String PAID_SOCIAL = "Paid Social";
  public static final String EMAIL = "Email";
  public static final String REFERRAL = "Referral";
  public static final String DISPLAY = "Display";
  public static final String ORGANIC_VIDEO = "Organic Video";
  public static final String PAID_VIDEO = "Paid Video";
  public static final String ORGANIC_SHOPPING = "Organic Shopping";
  public static final String PAID_SHOPPING = "Paid Shopping";
  public static final String AFFILIATES = "Affiliates";
  public static final String SMS = "SMS";
  public static final String CROSS_NETWORK = "Cross-network";
  public static final Set<String> CHANNELS = Set.of(DIRECT, ORGANIC_SEARCH, PAID_SEARCH, AI_SEARCH, ORGANIC_SOCIAL, PAID_SOCIAL,
      EMAIL, REFERRAL, DISPLAY, ORGANIC_VIDEO, PAID_VIDEO, ORGANIC_SHOPPING, PAID_SHOPPING, AFFILIATES, SMS, CROSS_NETWORK);

  private static final Set<String> SEARCH_CLICK_IDS = Set.of("gclid", "gbraid", "wbraid", "msclkid", "yclid");
  private static final Set<String> SOCIAL_CLICK_IDS = Set.of("fbclid", "twclid", "ttclid", "li_fat_id", "igshid");
  private static final Pattern PAID = Pattern.compile("^(.*cp.*|ppc|retargeting|paid.*)$");
  private static final Set<String> EMAIL_MEDIUMS = Set.of("email", "e-mail", "e_mail", "e mail", "newsletter");
  private static final Set<String> DISPLAY_MEDIUMS = Set.of("display", "banner", "expandable", "interstitial", "cpm");
  private static final Set<String> SOCIAL_MEDIUMS = Set.of("social", "social-network", "social-media", "sm", "social network", "social media");

  /**
   * @param clickIdParam   name of a click-id parameter on the landing URL, or null
   * @param sourceCategory category of the known source (from the referrer or utm_source), or null
   * @param hasSource      whether there is any source at all (referrer or utm_source)
   */
  public String classify(String clickIdParam, String utmMedium, String utmCampaign, SourceCategory sourceCategory, boolean hasSource) {
    String medium = utmMedium == null ? "" : utmMedium.trim().toLowerCase(Locale.ROOT);
    String campaign = utmCampaign == null ? "" : utmCampaign.trim().toLowerCase(Locale.ROOT);
    boolean paid = PAID.matcher(medium).matches();

    if (campaign.contains("cross-network")) {
      return CROSS_NETWORK;
    }
    if (clickIdParam != null) {
      if (SEARCH_CLICK_IDS.contains(clickIdParam)) {
        return sourceCategory == SourceCategory.SHOPPING ? PAID_SHOPPING : PAID_SEARCH;
      }
      if ("dclid".equals(clickIdParam)) {
        return DISPLAY;
      }
      if (SOCIAL_CLICK_IDS.contains(clickIdParam) && paid) {
        return PAID_SOCIAL;
      }
    }
    if (DISPLAY_MEDIUMS.contains(medium)) {
      return DISPLAY;
    }
    if (paid) {
      if (sourceCategory == SourceCategory.SOCIAL || campaign.contains("social")) {
        return PAID_SOCIAL;
      }
      if (sourceCategory == SourceCategory.VIDEO || campaign.contains("video")) {
        return PAID_VIDEO;
      }
      if (sourceCategory == SourceCategory.SHOPPING || campaign.contains("shop")) {
        return PAID_SHOPPING;
      }
      return PAID_SEARCH;
    }
    if (EMAIL_MEDIUMS.contains(medium)) {
      return EMAIL;
    }
    if (medium.equals("affiliate") || medium.equals("affiliates")) {
      return AFFILIATES;
    }
    if (medium.equals("sms") || medium.equals("text")) {
      return SMS;
    }
    if (SOCIAL_MEDIUMS.contains(medium)) {
      return ORGANIC_SOCIAL;
    }
    if (medium.equals("video")) {
      return ORGANIC_VIDEO;
    }
    if (medium.equals("organic")) {
      return ORGANIC_SEARCH;
    }
    if (sourceCategory != null) {
      switch (sourceCategory) {
        case SEARCH:
          return ORGANIC_SEARCH;
        case AI:
          return AI_SEARCH;
        case SOCIAL:
          return ORGANIC_SOCIAL;
        case VIDEO:
          return ORGANIC_VIDEO;
        case SHOPPING:
          return ORGANIC_SHOPPING;
        case EMAIL:
          return EMAIL;
        default:
          break;
      }
    }
    if (clickIdParam != null && SOCIAL_CLICK_IDS.contains(clickIdParam)) {
      return ORGANIC_SOCIAL;
    }
    return hasSource ? REFERRAL : DIRECT;
  }
}
