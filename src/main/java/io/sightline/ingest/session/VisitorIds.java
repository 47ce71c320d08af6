package io.sightline.ingest.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Visitor ids. Anonymous visitors: HMAC-SHA256 keyed with the day's salt over (site, IP,
 * User-Agent), truncated to 64 bits; without the salt (deleted after two days) the id cannot be
 * linked back to an IP. Visitors with a sender-supplied id: SHA-256 over (site, that id), stable
 * across days. Neither IP nor User-Agent is stored.
 */
public final class VisitorIds {
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  private VisitorIds() {
  }

  /** The salt each thread's {@link #MAC} is keyed with (by identity: a day's salt is one array). */
  private static final ThreadLocal<byte[]> KEYED_WITH = new ThreadLocal<>();

  public static long anonymous(byte[] salt, int siteId, byte[] ip, String userAgent) {
    try {
      Mac mac = MAC.get();
      if (KEYED_WITH.get() != salt) { // doFinal resets the MAC to its key: re-keyed only when the salt changes
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        KEYED_WITH.set(salt);
      }
      mac.update((byte) (siteId >>> 24));
      mac.update((byte) (siteId >>> 16));
      mac.update((byte) (siteId >>> 8));
      mac.update((byte) siteId);
      mac.update((byte) ip.length);
      mac.update(ip);
      mac.update(userAgent.getBytes(StandardCharsets.UTF_8));
      return positive(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long stable(int siteId, String senderId) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ByteBuffer.allocate(4).putInt(siteId).array());
      sha.update(senderId.getBytes(StandardCharsets.UTF_8));
      return positive(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long positive(byte[] digest) {
    return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
  }
}
