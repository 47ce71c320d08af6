package io.sightline.auth;

import java.util.Set;

/** What authentication needs to know about a stored key. */
public record ApiKeyRecord(int id, int siteId, String keyId, byte[] secretHash, Set<Scope> scopes,
                           Integer rateLimitPerMinute, boolean revoked) {
}
