package io.sightline.imports;

/** Told how far an import is: rows written of the rows to write, and what it is doing. Called on the import's thread. */
@FunctionalInterface
public interface ImportProgress {
  ImportProgress NONE = (phase, done, total) -> { };

  void update(String phase, long done, long total);
}
