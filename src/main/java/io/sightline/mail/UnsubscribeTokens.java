package io.sightline.mail;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed unsubscribe tokens: the subscription's id and 128 bits of HMAC-SHA256 over it, URL-safe
 * base64. The key is made once (32 random bytes) and kept in {@code mail_secret}, so every node
 * and every restart signs and checks alike. A token works until its subscription is removed.
 */
public final class UnsubscribeTokens {
  /** Where the links point (served by {@link UnsubscribeRoutes}). */
  public static final String PATH = "/mail/unsubscribe";
  private static final int MAC_BYTES = 16;
  private final Pool pool;
  private Future<byte[]> key;

  public UnsubscribeTokens(Pool pool) {
    this.pool = pool;
  }

  private synchronized Future<byte[]> key() {
    if (key == null || key.failed()) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      key = pool.preparedQuery(MailSql.SECRET_INIT).execute(Tuple.of(Buffer.buffer(fresh)))
          .compose(v -> pool.preparedQuery(MailSql.SECRET).execute(Tuple.tuple()))
          .map(rows -> rows.iterator().next().getBuffer("key").getBytes());
    }
    return key;
  }

  /** The unsubscribe link of a subscription under {@code publicUrl}. */
  public Future<String> link(String publicUrl, int subscriptionId) {
    return token(subscriptionId).map(t -> publicUrl + PATH + "?token=" + t);
  }

  public Future<String> token(int subscriptionId) {
    return key().map(k -> {
      ByteBuffer b = ByteBuffer.allocate(4 + MAC_BYTES).putInt(subscriptionId).put(mac(k, subscriptionId));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    });
  }

  /** The subscription id a token names, if its signature holds. */
  public Future<OptionalInt> verify(String token) {
    byte[] raw;
    try {
      raw = token == null || token.length() > 64 ? null : Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      raw = null;
    }
    if (raw == null || raw.length != 4 + MAC_BYTES) {
      return Future.succeededFuture(OptionalInt.empty());
    }
    byte[] bytes = raw;
    return key().map(k -> {
      int id = ByteBuffer.wrap(bytes, 0, 4).getInt();
      return MessageDigest.isEqual(mac(k, id), Arrays.copyOfRange(bytes, 4, bytes.length)) ? OptionalInt.of(id) : OptionalInt.empty();
    });
  }

  private static byte[] mac(byte[] key, int id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(("sightline-mail-unsubscribe:" + id).getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
