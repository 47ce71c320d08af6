package io.sightline.imports;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** What an import did: rows read, stored and skipped (with each reason's count), the time span stored. One thread. */
public final class ImportReport {
  private long read;
  private long stored;
  private final Map<String, Long> skipped = new TreeMap<>();
  private Instant first;
  private Instant last;

  public void read() {
    read++;
  }

  public void stored(Instant ts) {
    stored++;
    if (first == null || ts.isBefore(first)) {
      first = ts;
    }
    if (last == null || ts.isAfter(last)) {
      last = ts;
    }
  }

  public void skipped(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  public long rowsRead() {
    return read;
  }

  public long rowsStored() {
    return stored;
  }

  public long rowsSkipped() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> skippedByReason() {
    return skipped;
  }

  public Instant first() {
    return first;
  }

  public Instant last() {
    return last;
  }

  public JsonObject skippedJson() {
    JsonObject o = new JsonObject();
    skipped.forEach(o::put);
    return o;
  }
}
