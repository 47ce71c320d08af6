package io.sightline.ingest.session;

import java.time.LocalDate;

/** The daily visitor-id salts in memory. */
@FunctionalInterface
public interface Salts {
  /** The salt of a UTC day, or null if it is not available (older than yesterday). */
  byte[] salt(LocalDate day);
}
