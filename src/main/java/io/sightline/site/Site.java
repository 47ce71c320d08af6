package io.sightline.site;

import java.time.OffsetDateTime;
import java.util.List;

/** A tracked website. {@code domain} is its registered hostname, lower case; {@code timezone} an IANA zone id. */
public record Site(int id, String domain, String name, String timezone, List<String> extraHostnames, OffsetDateTime createdAt) {
}
