package io.sightline.db;

/** The schema could not be brought up to date; the message is meant for the operator. */
public final class MigrationException extends RuntimeException {
  public MigrationException(String message) {
    super(message);
  }
}
