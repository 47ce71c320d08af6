package io.sightline.ingest.enrich;

/**
 * Where an address is: ISO 3166-1 alpha-2 country, region (an ISO 3166-2 code such as
 * {@code DE-BE} when the database has one, else its name) and city name. Fields may be null.
 */
public record GeoLocation(String country, String region, String city) {
  public static final GeoLocation UNKNOWN = new GeoLocation(null, null, null);
}
