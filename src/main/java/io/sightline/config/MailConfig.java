package io.sightline.config;

import java.time.Duration;

/**
 * The SMTP server e-mail reports are sent through ({@code mail.*}). Reports are off while
 * {@code host} is empty.
 *
 * @param starttls      upgrade the connection with STARTTLS (required when true)
 * @param checkInterval how often the report job looks for due reports
 * @param retryAfter    how long after a failed send the period is tried again
 * @param maxAttempts   sends tried per subscription and period before it is given up
 */
public record MailConfig(String host, int port, String from, String username, String password, boolean starttls,
                         Duration checkInterval, Duration retryAfter, int maxAttempts) {
  public boolean enabled() {
    return !host.isBlank();
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "MailConfig[host=" + host + ", port=" + port + ", from=" + from + ", username=" + username + ", password="
        + (password.isEmpty() ? "" : "***") + ", starttls=" + starttls + ", checkInterval=" + checkInterval + "]";
  }
}
