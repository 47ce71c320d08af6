package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.ChannelClassifier;
import io.sightline.ingest.enrich.KnownSource;
import io.sightline.ingest.enrich.Referrers;
import io.sightline.ingest.enrich.SourceCategory;

import java.util.Map;
import java.util.Optional;

/**
 * UTM values (fields win over the URL's), then the source: {@code utm_source} (or
 * {@code ref}/{@code source}) named as Sightline knows it, else the referrer's known name, else the
 * referrer host; then the channel from the click id, UTMs and the source's category.
 */
public final class SourceStep implements PipelineStep {
  private static final int MAX = 300;
  private final Referrers referrers;
  private final ChannelClassifier channels;

  public SourceStep(Referrers referrers, ChannelClassifier channels) {
    this.referrers = referrers;
    this.channels = channels;
  }

  @Override
  public void apply(EventDraft d) {
    Map<String, String> fields = d.in.utm();
    Map<String, String> fromUrl = d.url.utm();
    d.utmSource = pick(fields, fromUrl, "utm_source");
    d.utmMedium = pick(fields, fromUrl, "utm_medium");
    d.utmCampaign = pick(fields, fromUrl, "utm_campaign");
    d.utmContent = pick(fields, fromUrl, "utm_content");
    d.utmTerm = pick(fields, fromUrl, "utm_term");

    String tagged = d.utmSource != null ? d.utmSource : d.url.refParam();
    SourceCategory category = null;
    if (tagged != null) {
      Optional<KnownSource> known = referrers.lookupName(tagged);
      d.source = known.map(KnownSource::name).orElse(limit(tagged));
      category = known.map(KnownSource::category).orElse(null);
      if (category == null && d.referrerHost != null) {
        category = referrers.lookup(d.referrerHost).map(KnownSource::category).orElse(null);
      }
    } else if (d.referrerHost != null) {
      Optional<KnownSource> known = referrers.lookup(d.referrerHost);
      d.source = known.map(KnownSource::name).orElse(d.referrerHost);
      category = known.map(KnownSource::category).orElse(null);
    }
    d.channel = channels.classify(d.url.clickIdParam(), d.utmMedium, d.utmCampaign, category, d.source != null);
  }

  private static String pick(Map<String, String> fields, Map<String, String> fromUrl, String key) {
    String v = fields.get(key);
    if (v == null || v.isBlank()) {
      v = fromUrl.get(key);
    }
    return v == null || v.isBlank() ? null : limit(v.trim());
  }

  private static String limit(String s) {
    return s.length() > MAX ? s.substring(0, MAX) : s;
  }
}
