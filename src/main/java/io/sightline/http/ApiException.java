package io.sightline.http;

/**
 * A request that cannot be served, with the HTTP status, a stable machine code and a message
 * for the client. Each dialect's {@link ErrorRenderer} turns it into that dialect's body.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final int retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  private ApiException(int status, String code, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** A stable snake_case code such as {@code invalid_request}, {@code unauthorized}, {@code rate_limited}. */
  public String code() {
    return code;
  }

  /** Seconds for a {@code Retry-After} header, or 0 for none. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** 503: the request may succeed later; the answer carries {@code Retry-After}. */
  public static ApiException unavailable(String message, int retryAfterSeconds) {
    return new ApiException(503, "unavailable", message, retryAfterSeconds);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_request", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }
}
