package io.sightline.ingest.enrich;

import java.util.Locale;

/** What kind of site a known referrer is; drives the channel. */
public enum SourceCategory {
  SEARCH, SOCIAL, VIDEO, SHOPPING, EMAIL, AI, OTHER;

  public static SourceCategory parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
