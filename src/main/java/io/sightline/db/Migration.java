package io.sightline.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One versioned SQL script, {@code V<version>__<description>.sql}. */
public record Migration(int version, String description, String sql, String checksum) {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  public static Migration of(String fileName, String sql) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      throw new IllegalArgumentException("Migration file name must be V<n>__<description>.sql: " + fileName);
    }
    return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), sql, sha256(sql));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
