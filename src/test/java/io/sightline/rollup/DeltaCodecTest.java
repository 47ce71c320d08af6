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

  private static <K> void assertRows(List<Map.Entry<K, long[]>> expected, List<Map.Entry<K, long[]>> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getKey(), actual.get(i).getKey());
      assertArrayEquals(expected.get(i).getValue(), actual.get(i).getValue());
    }
  }
}
