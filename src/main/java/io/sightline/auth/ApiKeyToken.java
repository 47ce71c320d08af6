package io.sightline.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key a client sends: {@code sl_<keyId>_<secret>}, where {@code keyId} (10 base62 characters)
 * is the public handle shown in listings and {@code secret} carries 190 random bits. Only the
 * SHA-256 of the whole key is stored. A slow password hash is not needed: the key is random,
 * not chosen by a person, so it cannot be guessed from its hash.
 */
public record ApiKeyToken(String keyId, String value) {
  public static final String PREFIX = "sl_";
  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int KEY_ID_LENGTH = 10;
  private static final int SECRET_LENGTH = 32;
  private static final Pattern FORMAT = Pattern.compile("sl_([0-9A-Za-z]{10})_[0-9A-Za-z]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public static ApiKeyToken generate() {
    String keyId = random(KEY_ID_LENGTH);
    return new ApiKeyToken(keyId, PREFIX + keyId + "_" + random(SECRET_LENGTH));
  }

  /** The key, if {@code raw} has the shape of a Sightline key; anything else is simply not a key. */
  public static Optional<ApiKeyToken> parse(String raw) {
    if (raw == null || raw.length() != PREFIX.length() + KEY_ID_LENGTH + 1 + SECRET_LENGTH) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(raw);
    return m.matches() ? Optional.of(new ApiKeyToken(m.group(1), raw)) : Optional.empty();
  }

  /** The public, listable part: {@code sl_<keyId>}. */
  public String displayPrefix() {
    return PREFIX + keyId;
  }

  public byte[] hash() {
    return sha256(value);
  }

  /** Compares this key's hash with a stored one in time independent of where they differ. */
  public boolean matches(byte[] storedHash) {
    return MessageDigest.isEqual(hash(), storedHash);
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "ApiKeyToken[" + displayPrefix() + "_…]"; // never print the secret
  }
}
