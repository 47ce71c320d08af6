package io.sightline.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The tracker script, read once at start from {@code tracker/sightline.js}, with comments and
 * indentation stripped (the source stays readable), and its content hash for the ETag and the
 * versioned URL.
 */
public record TrackerScript(String body, String hash) {
  private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
  private static final Pattern LINE_COMMENT = Pattern.compile("\\s//\\s.*$", Pattern.MULTILINE);

  /** Blocking classpath read: at start-up. */
  public static TrackerScript load() {
    try (InputStream in = TrackerScript.class.getClassLoader().getResourceAsStream("tracker/sightline.js")) {
      if (in == null) {
        throw new IllegalStateException("tracker/sightline.js missing from the classpath");
      }
      return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TrackerScript of(String source) {
    String body = LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(source).replaceAll("")).replaceAll("");
    StringBuilder out = new StringBuilder(body.length());
    for (String line : body.split("\\R")) {
      String t = line.strip();
      if (!t.isEmpty()) {
        out.append(t).append('\n');
      }
    }
    String minified = out.toString();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(minified.getBytes(StandardCharsets.UTF_8));
      return new TrackerScript(minified, HexFormat.of().formatHex(digest, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
