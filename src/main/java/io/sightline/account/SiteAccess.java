package io.sightline.account;

/** A site an account may see, with the account's role on it. */
public record SiteAccess(int siteId, String domain, String name, String timezone, Role role) {
}
