package io.sightline.ingest.pipeline;

import io.sightline.ingest.enrich.GeoLocation;
import io.sightline.ingest.enrich.GeoLookup;

import java.util.Locale;

/** Country, region and city from the GeoIP database; a trusted CDN's country header wins for the country. */
public final class GeoStep implements PipelineStep {
  private final GeoLookup geo;

  public GeoStep(GeoLookup geo) {
    this.geo = geo;
  }

  @Override
  public void apply(EventDraft d) {
    GeoLocation found = geo.locate(d.facts.clientIp());
    String cdn = d.facts.cdnCountry();
    if (cdn != null && cdn.length() == 2 && Character.isLetter(cdn.charAt(0)) && Character.isLetter(cdn.charAt(1))
        && !cdn.equalsIgnoreCase("XX") && !cdn.equalsIgnoreCase("T1")) {
      String country = cdn.toUpperCase(Locale.ROOT);
      found = country.equals(found.country()) ? found : new GeoLocation(country, null, null);
    }
    d.geo = found;
  }
}
