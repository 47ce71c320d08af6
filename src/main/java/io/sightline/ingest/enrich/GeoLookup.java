package io.sightline.ingest.enrich;

/** Address → location. Implementations must be fast and thread-safe (called on event loops). */
public interface GeoLookup {
  GeoLookup NONE = address -> GeoLocation.UNKNOWN;

  GeoLocation locate(byte[] address);
}
