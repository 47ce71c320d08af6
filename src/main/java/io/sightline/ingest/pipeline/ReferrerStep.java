package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.SpamReferrers;

import java.net.URI;
import java.util.Locale;

/**
 * Reads the referrer: drops referrer spam; keeps the referrer only when it comes from another
 * site (same-site navigation is not a source), without its query string.
 */
public final class ReferrerStep implements PipelineStep {
  private final SpamReferrers spam;

  public ReferrerStep(SpamReferrers spam) {
    this.spam = spam;
  }

  @Override
  public void apply(EventDraft d) {
    String raw = d.in.referrer();
    if (raw == null || raw.isBlank()) {
      return;
    }
    String host;
    String clean;
    try {
      URI uri = new URI(raw.trim());
      if (uri.getHost() == null) {
        return; // android-app://..., garbage: no referrer
      }
      host = uri.getHost().toLowerCase(Locale.ROOT);
      clean = (uri.getScheme() == null ? "https" : uri.getScheme().toLowerCase(Locale.ROOT)) + "://" + host
          + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    } catch (Exception e) {
      return;
    }
    if (host.startsWith("www.")) {
      host = host.substring(4);
    }
    if (spam.isSpam(host)) {
      throw new Dropped(DropReason.REFERRER_SPAM, "referrer spam");
    }
    String pageHost = d.url.hostname().startsWith("www.") ? d.url.hostname().substring(4) : d.url.hostname();
    String siteHost = d.site.domain().startsWith("www.") ? d.site.domain().substring(4) : d.site.domain();
    if (host.equals(pageHost) || host.equals(siteHost) || host.endsWith("." + siteHost)) {
      return; // internal navigation
    }
    d.referrer = clean;
    d.referrerHost = host;
  }
}
