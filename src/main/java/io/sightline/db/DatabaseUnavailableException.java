package io.sightline.db;

/** PostgreSQL could not be reached or used; the message says why in an operator's words. */
public final class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
