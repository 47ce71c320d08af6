package io.sightline.ingest.enrich;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strips click ids and {@code utm_*} from a page URL, keeping their values apart: click ids are
 * never stored, only the name of the first one (it drives the channel); UTM values go to their
 * own fields. The rest of the query is kept as sent. Query names and values are decoded as HTML
 * forms encode them ({@code +} is a space, {@code utm_term=web+analytics} is "web analytics");
 * in the path a {@code +} is a plus sign.
 */
public final class UrlCleaner {
  /** DESIGN.md's list; operators can add more with {@code ingest.extraClickIdParams}. */
  public static final List<String> CLICK_IDS = List.of("gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "twclid",
      "ttclid", "li_fat_id", "yclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi");
  private static final Set<String> UTM = Set.of("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term");

  private final Set<String> clickIds;

  public UrlCleaner(List<String> extraClickIds) {
    Set<String> ids = new LinkedHashSet<>(CLICK_IDS);
    ids.addAll(extraClickIds);
    this.clickIds = Set.copyOf(ids);
  }

  /** The cleaned URL, or empty if it is not an absolute http(s) URL with a host. */
  public Optional<CleanUrl> clean(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return Optional.empty();
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : decodePath(uri.getRawPath());
    Map<String, String> utm = new HashMap<>();
    String clickId = null;
    String ref = null;
    List<String> kept = new ArrayList<>();
    String rawQuery = uri.getRawQuery();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
        if (clickIds.contains(name)) {
          if (clickId == null) {
            clickId = name;
          }
        } else if (UTM.contains(name)) {
          if (!value.isBlank()) {
            utm.putIfAbsent(name, value.trim());
          }
        } else {
          if ((name.equals("ref") || name.equals("source")) && ref == null && !value.isBlank()) {
            ref = value.trim();
          }
          kept.add(pair);
        }
      }
    }
    return Optional.of(new CleanUrl(host, path, kept.isEmpty() ? null : String.join("&", kept), Map.copyOf(utm), clickId, ref));
  }

  /** A path: percent-decoded, {@code +} kept as a plus sign. */
  private static String decodePath(String s) {
    return decodeQuery(s.indexOf('+') < 0 ? s : s.replace("+", "%2B"));
  }

  /**
   * A query component ({@code application/x-www-form-urlencoded}): {@code +} is a space, then
   * percent-decoded; without NUL characters (PostgreSQL text cannot hold them: {@code %00} is
   * dropped). Returns {@code s} itself, with no copy, when it holds neither {@code %} nor {@code +}.
   */
  private static String decodeQuery(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s; // URLDecoder would copy it into a new builder
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = s;
    }
    return decoded.indexOf('\u0000') >= 0 ? decoded.replace("\u0000", "") : decoded;
  }
}
