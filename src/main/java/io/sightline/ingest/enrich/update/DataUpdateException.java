package io.sightline.ingest.enrich.update;

/** A download that failed or is not what it should be: the command says so in one line and changes no file. */
public final class DataUpdateException extends RuntimeException {
  public DataUpdateException(String message) {
    super(message);
  }

  public DataUpdateException(String message, Throwable cause) {
    super(message, cause);
  }
}
