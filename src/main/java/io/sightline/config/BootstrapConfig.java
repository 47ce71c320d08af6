package io.sightline.config;

/**
 * What the first start creates when no site exists yet: a site, and the dashboard's first account
 * ({@code email}, owner of that site).
 */
public record BootstrapConfig(String domain, String timezone, String email) {
}
