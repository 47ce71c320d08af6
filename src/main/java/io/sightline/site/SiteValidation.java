package io.sightline.site;

import io.sightline.http.ApiException;

import java.net.IDN;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks and normalises what a user gives for a site. */
public final class SiteValidation {
  private static final Pattern HOSTNAME = Pattern.compile(
      "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");

  private SiteValidation() {
  }

  /** A bare hostname, lower case, punycode for international names: "Example.COM" → "example.com". */
  public static String domain(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("domain is required");
    }
    String d = raw.trim().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    try {
      d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("domain is not a valid hostname");
    }
    if (!HOSTNAME.matcher(d).matches()) {
      throw ApiException.badRequest("domain must be a bare hostname such as example.com (no scheme, port or path)");
    }
    return d;
  }

  public static String timezone(String raw) {
    if (raw == null || raw.isBlank()) {
      return "UTC";
    }
    try {
      return ZoneId.of(raw.trim()).getId();
    } catch (DateTimeException e) {
      throw ApiException.badRequest("timezone must be an IANA time zone such as Europe/Berlin");
    }
  }

  public static String name(String raw, String domain) {
    if (raw == null || raw.isBlank()) {
      return domain;
    }
    String name = raw.trim();
    if (name.length() > 200) {
      throw ApiException.badRequest("name must be at most 200 characters");
    }
    return name;
  }
}
