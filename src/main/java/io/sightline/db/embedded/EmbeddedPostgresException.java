package io.sightline.db.embedded;

/** The embedded PostgreSQL could not be prepared, started or stopped; the message is meant for the operator. */
public final class EmbeddedPostgresException extends RuntimeException {
  public EmbeddedPostgresException(String message) {
    super(message);
  }

  public EmbeddedPostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
