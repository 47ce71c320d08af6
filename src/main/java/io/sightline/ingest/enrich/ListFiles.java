package io.sightline.ingest.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the bundled data lists and operator files: one entry a line, {@code #} comments. Blocking: at start-up only. */
final class ListFiles {
  private ListFiles() {
  }

  static List<String> lines(String resource, Optional<Path> operatorFile) {
    List<String> out = new ArrayList<>();
    try (InputStream in = ListFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      addLines(new String(in.readAllBytes(), StandardCharsets.UTF_8), out);
      if (operatorFile.isPresent()) {
        addLines(Files.readString(operatorFile.get(), StandardCharsets.UTF_8), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<String> fileLines(Path file) {
    List<String> out = new ArrayList<>();
    try {
      addLines(Files.readString(file, StandardCharsets.UTF_8), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void addLines(String text, List<String> out) {
    for (String line : text.split("\\R")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
  }
}
