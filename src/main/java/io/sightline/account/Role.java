package io.sightline.account;

import java.util.Locale;

/** What an account may do on a site: an owner also shares it (read-only links); a viewer only looks. */
public enum Role {
  OWNER, VIEWER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code s} ({@code owner} or {@code viewer}), or null. */
  public static Role parse(String s) {
    for (Role r : values()) {
      if (r.id().equals(s)) {
        return r;
      }
    }
    return null;
  }
}
