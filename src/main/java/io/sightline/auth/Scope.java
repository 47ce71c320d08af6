package io.sightline.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a key may do: send events, read analytics, administer sites and keys. */
public enum Scope {
  INGEST, READ, ADMIN;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Scope parse(String raw) {
    for (Scope s : values()) {
      if (s.id().equals(raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + raw + "' (known: ingest, read, admin)");
  }

  /** Parses a comma-separated list such as {@code "ingest,read"}. */
  public static Set<Scope> parseList(String csv) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String part : csv.split(",")) {
      if (!part.isBlank()) {
        scopes.add(parse(part));
      }
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("at least one scope is required (ingest, read, admin)");
    }
    return scopes;
  }

  public static String[] ids(Set<Scope> scopes) {
    return scopes.stream().sorted().map(Scope::id).toArray(String[]::new);
  }

  public static Set<Scope> fromIds(String[] ids) {
    return Arrays.stream(ids).map(Scope::parse).collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
  }
}
