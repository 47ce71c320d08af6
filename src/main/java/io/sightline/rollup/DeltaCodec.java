package io.sightline.rollup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The binary form of a batch's rollup delta, stored in {@code rollup_pending} with the batch's events
 * until the writer folds it into the rollup tables ({@link RollupFold}). Only a crash recovery or a
 * rebuild reads it back, so it is built for cheap writing: a version byte, then the total, dimension
 * and drill-down rows, each as a count followed by the keys, a mask of the non-zero counters and those
 * counters in zigzag varints (mostly 1: one byte each). A string is written once per delta (a page
 * recurs in its dimension and drill-down rows): a varint tag, 0 for null, 2 x (UTF-8 length + 1) followed
 * by the bytes for a new string, 2 x k + 1 for the k-th new string of the delta. Version 2 (each string
 * in full, tag = length + 1) is still read: pending rows written before an upgrade.
 */
public final class DeltaCodec {
  private static final byte VERSION = 3;
  private static final byte PLAIN_STRINGS = 2;

  private DeltaCodec() {
  }

  public static byte[] encode(RollupDelta delta) {
    Writer w = new Writer();
    w.buf[w.pos++] = VERSION;
    // the maps unsorted, zero rows included: cheaper than sorting, and a zero row adds nothing when read back
    w.varint(delta.totals.size());
    for (Map.Entry<RollupDelta.TotalKey, long[]> e : delta.totals.entrySet()) {
      w.varint(e.getKey().siteId());
      w.zigzag(e.getKey().quarter());
      w.counters(e.getValue());
    }
    w.varint(delta.dims.size());
    for (Map.Entry<RollupDelta.DimKey, long[]> e : delta.dims.entrySet()) {
      RollupDelta.DimKey k = e.getKey();
      w.varint(k.siteId());
      w.varint(k.dim());
      w.zigzag(k.epochDay());
      w.string(k.value());
      w.counters(e.getValue());
    }
    w.varint(delta.drills.size());
    for (Map.Entry<RollupDelta.DrillKey, long[]> e : delta.drills.entrySet()) {
      RollupDelta.DrillKey k = e.getKey();
      w.varint(k.siteId());
      w.varint(k.filterDim());
      w.string(k.filterValue());
      w.zigzag(k.epochDay());
      w.string(k.page());
      w.counters(e.getValue());
    }
    return Arrays.copyOf(w.buf, w.pos);
  }

  /** Adds a stored delta into {@code into}, each counter times {@code sign} (1, or -1 to subtract it), for {@code site} only when it is not null. */
  public static void addInto(byte[] bytes, RollupDelta into, int sign, Integer site) {
    Reader r = new Reader(bytes);
    byte version = r.bytes[r.pos++];
    if (version != VERSION && version != PLAIN_STRINGS) {
      throw new IllegalArgumentException("unknown rollup delta version " + bytes[0]);
    }
    r.dictionary = version == VERSION ? new java.util.ArrayList<>() : null;
    int n = (int) r.varint();
    for (int i = 0; i < n; i++) {
      int s = (int) r.varint();
      long quarter = r.zigzag();
      long[] c = r.counters(RollupDelta.TOTAL_COLUMNS.size());
      if (site == null || site == s) {
        into.addRow(into.totals, new RollupDelta.TotalKey(s, quarter), c, sign);
      }
    }
    n = (int) r.varint();
    for (int i = 0; i < n; i++) {
      int s = (int) r.varint();
      short dim = (short) r.varint();
      long day = r.zigzag();
      String value = r.string();
      long[] c = r.counters(RollupDelta.DIM_COLUMNS.size());
      if (site == null || site == s) {
        into.addRow(into.dims, new RollupDelta.DimKey(s, dim, day, value), c, sign);
      }
    }
    n = (int) r.varint();
    for (int i = 0; i < n; i++) {
      int s = (int) r.varint();
      short dim = (short) r.varint();
      String value = r.string();
      long day = r.zigzag();
      String page = r.string();
      long[] c = r.counters(RollupDelta.DRILL_COLUMNS.size());
      if (site == null || site == s) {
        into.addRow(into.drills, new RollupDelta.DrillKey(s, dim, value, day, page), c, sign);
      }
    }
    if (r.pos != bytes.length) {
      throw new IllegalArgumentException("trailing bytes in a rollup delta");
    }
  }

  private static final class Writer {
    byte[] buf = new byte[4096];
    int pos;
    final java.util.HashMap<String, Integer> dictionary = new java.util.HashMap<>();

    private void room(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    void varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    /** A mask of the non-zero counters, then those: most of a row's counters are 0. */
    void counters(long[] c) {
      long mask = 0;
      for (int i = 0; i < c.length; i++) {
        mask |= c[i] != 0 ? 1L << i : 0;
      }
      varint(mask);
      for (long v : c) {
        if (v != 0) {
          zigzag(v);
        }
      }
    }

    void string(String s) {
      if (s == null) {
        varint(0);
        return;
      }
      Integer seen = dictionary.putIfAbsent(s, dictionary.size());
      if (seen != null) {
        varint(2L * seen + 1);
        return;
      }
      int n = s.length();
      room(10 + n);
      int tag = pos;
      varint(2L * n + 2); // the length if every char is ASCII, which is most often the case
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          pos = tag;
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          varint(2L * b.length + 2);
          room(b.length);
          System.arraycopy(b, 0, buf, pos, b.length);
          pos += b.length;
          return;
        }
        buf[pos++] = (byte) c;
      }
    }
  }

  private static final class Reader {
    final byte[] bytes;
    int pos;
    /** The strings read so far (version 3), or null (version 2). */
    java.util.List<String> dictionary;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = bytes[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    long[] counters(int n) {
      long mask = varint();
      if (mask >>> n != 0) {
        throw new IllegalArgumentException("counter mask " + mask + " for " + n + " counters");
      }
      long[] c = new long[n];
      for (int i = 0; i < n; i++) {
        c[i] = (mask >>> i & 1) != 0 ? zigzag() : 0;
      }
      return c;
    }

    String string() {
      long tag = varint();
      if (tag == 0) {
        return null;
      }
      if (dictionary == null) {
        return text((int) tag - 1);
      }
      if ((tag & 1) != 0) {
        long k = tag >>> 1;
        if (k >= dictionary.size()) {
          throw new IllegalArgumentException("string reference " + k + " of " + dictionary.size());
        }
        return dictionary.get((int) k);
      }
      String s = text((int) (tag >>> 1) - 1);
      dictionary.add(s);
      return s;
    }

    private String text(int len) {
      if (len < 0 || len > bytes.length - pos) {
        throw new IllegalArgumentException("string of " + len + " bytes past the end");
      }
      String s = new String(bytes, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }
  }
}
