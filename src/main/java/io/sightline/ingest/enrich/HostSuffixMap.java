package io.sightline.ingest.enrich;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Host → value, matched on the host and each parent domain ({@code m.facebook.com} finds
 * {@code facebook.com}). An entry written {@code google.*} matches that name under any country
 * or generic TLD of one or two short labels ({@code google.de}, {@code google.co.uk}).
 */
final class HostSuffixMap<V> {
  private final Map<String, V> exact = new HashMap<>();
  private final Map<String, V> anyTld = new HashMap<>();

  void put(String host, V value) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.endsWith(".*")) {
      anyTld.put(h.substring(0, h.length() - 2), value);
    } else {
      exact.put(h, value);
    }
  }

  Optional<V> find(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.empty();
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("www.")) {
      h = h.substring(4);
    }
    String candidate = h;
    while (true) {
      V v = exact.get(candidate);
      if (v != null) {
        return Optional.of(v);
      }
      V wildcard = matchAnyTld(candidate);
      if (wildcard != null) {
        return Optional.of(wildcard);
      }
      int dot = candidate.indexOf('.');
      if (dot < 0) {
        return Optional.empty();
      }
      candidate = candidate.substring(dot + 1);
    }
  }

  private V matchAnyTld(String candidate) {
    if (anyTld.isEmpty()) {
      return null;
    }
    int dot = candidate.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    String tld = candidate.substring(dot + 1);
    String[] labels = tld.split("\\.");
    if (labels.length > 2) {
      return null;
    }
    for (String label : labels) {
      if (label.isEmpty() || label.length() > 3 && !label.equals("info")) {
        return null;
      }
    }
    return anyTld.get(candidate.substring(0, dot));
  }

  int size() {
    return exact.size() + anyTld.size();
  }
}
