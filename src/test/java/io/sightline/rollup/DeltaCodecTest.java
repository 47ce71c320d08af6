package io.sightline.rollup;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pending deltas' binary form gives back every row and counter, and adds, subtracts or keeps one site's rows. */
class DeltaCodecTest {
  private static final String[] VALUES = {null, "", "/", "/pricing", "Google", "DE", "/ünïcode/日本語/😀", "x".repeat(3000), "'; drop table events; --"};

  private static RollupDelta random(long seed) {
    Random r = new Random(seed);
    RollupDelta d = new RollupDelta();
    for (int i = 0; i < 2000; i++) {
      int site = 1 + r.nextInt(3);
      long n = switch (r.nextInt(4)) {
        case 0 -> 1;
        case 1 -> -1;
        case 2 -> r.nextInt(1_000_000) - 500_000;
        default -> r.nextLong() >> 2;
      };
      long day = 20_000 + r.nextInt(40) - (r.nextInt(10) == 0 ? 30_000 : 0); // a few before 1970: negative epoch days
      String value = VALUES[r.nextInt(VALUES.length)];
      switch (r.nextInt(3)) {
        case 0 -> d.total(site, day * 96 + r.nextInt(96), r.nextInt(RollupDelta.TOTAL_COLUMNS.size()), n);
        case 1 -> d.dim(site, RollupDim.values()[r.nextInt(RollupDim.values().length)], day, value, r.nextInt(RollupDelta.DIM_COLUMNS.size()), n);
        default -> d.drill(site, RollupAccumulator.DRILL.get(r.nextInt(3)), value == null ? "v" : value, day,
            VALUES[1 + r.nextInt(VALUES.length - 1)], r.nextInt(RollupDelta.DRILL_COLUMNS.size()), n);
      }
    }
    return d;
  }

  @Test
  void aDeltaReadBackEqualsTheDeltaWritten() {
    for (long seed = 1; seed <= 5; seed++) {
      RollupDelta d = random(seed);
      RollupDelta back = new RollupDelta();
      DeltaCodec.addInto(DeltaCodec.encode(d), back, 1, null);
      assertRows(d.totalRows(), back.totalRows());
      assertRows(d.dimRows(), back.dimRows());
      assertRows(d.drillRows(), back.drillRows());
      assertTrue(d.dimRows().size() > 100 && d.drillRows().size() > 100 && d.totalRows().size() > 100);
    }
  }

  @Test
  void subtractingOneSitesRowsLeavesTheOthersAndCancelsItsOwn() {
    RollupDelta d = random(9);
    RollupDelta back = new RollupDelta();
    back.addAll(d);
    DeltaCodec.addInto(DeltaCodec.encode(d), back, -1, 2);
    assertTrue(back.dimRows().stream().noneMatch(e -> e.getKey().siteId() == 2));
    assertTrue(back.totalRows().stream().noneMatch(e -> e.getKey().siteId() == 2));
    assertTrue(back.drillRows().stream().noneMatch(e -> e.getKey().siteId() == 2));
    assertRows(d.dimRows().stream().filter(e -> e.getKey().siteId() != 2).toList(), back.dimRows());
    assertRows(d.drillRows().stream().filter(e -> e.getKey().siteId() != 2).toList(), back.drillRows());
  }

  @Test
  void anEmptyDeltaAndACorruptOneAreTold() {
    RollupDelta back = new RollupDelta();
    DeltaCodec.addInto(DeltaCodec.encode(new RollupDelta()), back, 1, null);
    assertEquals(0, back.size());
    byte[] bytes = DeltaCodec.encode(random(3));
    bytes[0] = 9;
    assertThrows(IllegalArgumentException.class, () -> DeltaCodec.addInto(bytes, new RollupDelta(), 1, null));
    byte[] longer = java.util.Arrays.copyOf(DeltaCodec.encode(random(3)), DeltaCodec.encode(random(3)).length + 1);
    assertThrows(IllegalArgumentException.class, () -> DeltaCodec.addInto(longer, new RollupDelta(), 1, null));
  }

  /** Pending rows written before the string dictionary (version 2, every string in full) are still read. */
  @Test
  void aVersionTwoDeltaIsStillRead() {
    // version, 0 total rows, 1 dimension row (site 1, dim 1 = page, day 20000 zigzag = 40000, "/a" as length + 1,
    // mask 1 = visitors, 1 zigzag = 2), 0 drill rows
    byte[] v2 = {2, 0, 1, 1, 1, (byte) 0xC0, (byte) 0xB8, 0x02, 3, '/', 'a', 1, 2, 0};
    RollupDelta back = new RollupDelta();
    DeltaCodec.addInto(v2, back, 1, null);
    assertEquals(1, back.dimRows().size());
    assertEquals(new RollupDelta.DimKey(1, (short) 1, 20000, "/a"), back.dimRows().get(0).getKey());
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0, 0, 0, 0}, back.dimRows().get(0).getValue());
  }

  /** Each distinct string is stored once: a delta of many rows on few pages is mostly counters. */
  @Test
  void repeatedStringsAreWrittenOnce() {
    RollupDelta d = new RollupDelta();
    String page = "/a/rather/long/page/path/that/recurs";
    for (int day = 0; day < 100; day++) {
      d.dim(1, RollupDim.PAGE, 20_000 + day, page, RollupDelta.D_VISITORS, 1);
      d.drill(1, RollupDim.COUNTRY, "DE", 20_000 + day, page, RollupDelta.D_VISITORS, 1);
    }
    byte[] bytes = DeltaCodec.encode(d);
    assertTrue(bytes.length < 200 * 10, bytes.length + " bytes, against about 200 x (9 + " + page.length() + ") with the page in every row");
    RollupDelta back = new RollupDelta();
    DeltaCodec.addInto(bytes, back, 1, null);
    assertRows(d.dimRows(), back.dimRows());
    assertRows(d.drillRows(), back.drillRows());
    byte[] badReference = {3, 0, 1, 1, 1, 2, 5, 1, 2, 0}; // a string reference (tag 5 = entry 2) before any string
    assertThrows(IllegalArgumentException.class, () -> DeltaCodec.addInto(badReference, new RollupDelta(), 1, null));
  }

  private static <K> void assertRows(List<Map.Entry<K, long[]>> expected, List<Map.Entry<K, long[]>> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getKey(), actual.get(i).getKey());
      assertArrayEquals(expected.get(i).getValue(), actual.get(i).getValue());
    }
  }
}
