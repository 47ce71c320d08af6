package io.sightline.rollup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's committed deltas: a delta is summed after the writer's next batch is sent, and until then it still
 * counts towards the memory bound, whole ({@code writer.rollupFoldRows}), and keeps its batch unfolded. The folds
 * themselves run against PostgreSQL in {@link RollupCrashTest} and {@link RollupConsistencyTest}.
 */
class PendingDeltasTest {
  private static RollupDelta delta(String page, String ownPage) {
    RollupDelta d = new RollupDelta();
    d.dim(1, RollupDim.PAGE, 20_000, page, RollupDelta.D_PAGEVIEWS, 1);
    d.dim(1, RollupDim.PAGE, 20_000, ownPage, RollupDelta.D_PAGEVIEWS, 2);
    return d;
  }

  @Test
  void committedDeltasCountWholeUntilSummedThenAsTheirUnion() {
    PendingDeltas pending = new PendingDeltas();
    assertTrue(pending.allFolded());
    pending.committed(delta("/shared", "/a"), 7);
    pending.committed(delta("/shared", "/b"), 8);

    assertEquals(4, pending.rows(), "two deltas of two rows each, not yet summed");
    assertEquals(2, pending.batches());
    assertFalse(pending.allFolded());
    assertTrue(pending.canFold());

    pending.sumCommitted();
    assertEquals(3, pending.rows(), "/shared once, /a and /b");
    assertEquals(2, pending.batches(), "summing folds nothing");
    assertFalse(pending.allFolded());

    pending.sumCommitted();
    assertEquals(3, pending.rows(), "summing twice adds nothing twice");
  }

  @Test
  void aWaiterRunsOnlyOnceItsBatchesAreFolded() {
    PendingDeltas pending = new PendingDeltas();
    int[] ran = {0};
    pending.whenFolded(() -> ran[0]++);
    assertEquals(1, ran[0], "nothing pending: at once");
    pending.committed(delta("/x", "/y"), 3);
    pending.whenFolded(() -> ran[0]++);
    assertEquals(1, ran[0], "a committed, unfolded batch holds it back");
  }
}
