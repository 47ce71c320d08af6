package io.sightline.config;

/** The site created on first start when no site exists yet. */
public record BootstrapConfig(String domain, String timezone) {
}
