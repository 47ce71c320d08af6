package io.sightline.auth;

/** A key just created: the only moment its full value exists outside the client. */
public record CreatedKey(ApiKeyInfo info, String key) {
}
