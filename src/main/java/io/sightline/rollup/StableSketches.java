package io.sightline.rollup;

import org.apache.datasketches.cpc.CpcSketch;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Distinct-count sketches of stable (sender-supplied) visitor ids, which the daily counters cannot
 * add up across days: one Apache DataSketches CPC sketch per (site, dimension, UTC day, value), and
 * per (site, UTC day) for all of a day's visitors ({@link #DAY}), stored in {@code rollup_sketch}
 * and merged by the query side. The writer keeps the sketches of the days still open to events in
 * memory, writes the ones a batch touched (whole, replacing the stored bytes) in the batch's
 * statement, and on a failed batch returns them to their stored state. Confined to the writer's
 * event loop.
 */
public final class StableSketches {
  /** log2 of the sketches' k: about 1.1 % relative standard error for large counts, a few hundred bytes stored (docs/ingestion.md, "Rollups"). */
  public static final int LG_K = 12;
  /** The dimension id of a day's sketch of all its stable visitors. */
  public static final short DAY = 0;

  public record Key(int siteId, short dim, long epochDay, String value) {
    public LocalDate day() {
      return LocalDate.ofEpochDay(epochDay);
    }
  }

  private static final class Entry {
    CpcSketch sketch;
    byte[] stored;
    byte[] pending;

    Entry(CpcSketch sketch, byte[] stored) {
      this.sketch = sketch;
      this.stored = stored;
    }
  }

  private final Map<Key, Entry> sketches = new HashMap<>();
  private final Set<Key> touched = new LinkedHashSet<>();

  void add(int site, short dim, long epochDay, String value, long visitorId) {
    Key k = new Key(site, dim, epochDay, value);
    Entry e = sketches.get(k);
    if (e == null) {
      e = new Entry(new CpcSketch(LG_K), null);
      sketches.put(k, e);
    }
    e.sketch.update(visitorId);
    touched.add(k);
  }

  /** The sketches touched since the last commit or rollback, serialized: what the batch writes. */
  List<Map.Entry<Key, byte[]>> touchedRows() {
    List<Map.Entry<Key, byte[]>> out = new ArrayList<>(touched.size());
    for (Key k : touched) {
      Entry e = sketches.get(k);
      e.pending = e.sketch.toByteArray();
      out.add(Map.entry(k, e.pending));
    }
    return out;
  }

  /** The batch committed: its bytes are the stored state. */
  void commit() {
    for (Key k : touched) {
      Entry e = sketches.get(k);
      if (e.pending != null) {
        e.stored = e.pending;
        e.pending = null;
      }
    }
    touched.clear();
  }

  /** The batch failed: each touched sketch returns to what is stored (none: forgotten). */
  void rollback() {
    for (Key k : touched) {
      Entry e = sketches.get(k);
      if (e.stored == null) {
        sketches.remove(k);
      } else {
        e.sketch = CpcSketch.heapify(e.stored);
        e.pending = null;
      }
    }
    touched.clear();
  }

  /** Restoring: a stored sketch of a day still open to events. */
  void restore(Key k, byte[] stored) {
    sketches.put(k, new Entry(CpcSketch.heapify(stored), stored));
  }

  /** Forgets the days before {@code oldestDay} (epoch day): no event can reach them any more. */
  void forgetBefore(long oldestDay) {
    sketches.keySet().removeIf(k -> k.epochDay() < oldestDay && !touched.contains(k));
  }

  int size() {
    return sketches.size();
  }
}
