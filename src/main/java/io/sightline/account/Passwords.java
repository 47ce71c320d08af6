package io.sightline.account;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Password hashing with Argon2id (BouncyCastle's generator), stored as a PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, OWASP's minimum parameters). Hashing takes
 * tens of milliseconds on purpose: callers on Vert.x run it with {@code executeBlocking}, never on
 * an event loop.
 */
public final class Passwords {
  static final int MEMORY_KB = 19_456;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  /** Verified against when the account does not exist, so a wrong e-mail costs as long as a wrong password. */
  private static final String DECOY = hash("decoy password of no account");

  /** The shortest password accepted. */
  public static final int MIN_LENGTH = 10;

  private Passwords() {
  }

  /** The PHC string of {@code password} with a fresh salt. Blocking (tens of ms). */
  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, MEMORY_KB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Whether {@code password} matches the stored PHC string ({@code null}: checks a decoy and says no). Blocking. */
  public static boolean verify(String password, String stored) {
    if (stored == null) {
      verify(password, DECOY);
      return false;
    }
    String[] parts = stored.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return false;
    }
    int m = 0;
    int t = 0;
    int p = 0;
    for (String kv : parts[3].split(",")) {
      String[] pair = kv.split("=", 2);
      int value = Integer.parseInt(pair[1]);
      switch (pair[0]) {
        case "m" -> m = value;
        case "t" -> t = value;
        case "p" -> p = value;
        default -> {
          return false;
        }
      }
    }
    byte[] salt = B64D.decode(parts[4]);
    byte[] expected = B64D.decode(parts[5]);
    return MessageDigest.isEqual(expected, derive(password, salt, m, t, p, expected.length));
  }

  /** A random password of 16 characters from an alphabet without look-alikes (about 93 bits). */
  public static String generate() {
    char[] out = new char[16];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** Null when acceptable, else why not. */
  public static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "The password must have at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > 1000) {
      return "The password must have at most 1000 characters";
    }
    return null;
  }

  private static byte[] derive(String password, byte[] salt, int memoryKb, int iterations, int parallelism, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(memoryKb).withIterations(iterations).withParallelism(parallelism).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
