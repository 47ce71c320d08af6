package io.sightline.rollup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed per-visitor pair tables: outcomes per pair and day, tables that grow while a batch is open, and a
 * rollback across growth that leaves exactly the committed state (checked against a state that never saw the batch).
 */
class DedupeStateTest {
  static final long SALT_DAY = 20_000;

  static long key(int i) {
    return Keys.value((short) 1, "value-" + i);
  }

  /** Marks pairs {@code from..to} on the salt day, and the first {@code nextDay} of them on the next day; returns the outcomes. */
  static List<Integer> mark(DedupeState s, DedupeState.Visitor v, int from, int to, int nextDay) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(s.flagPair(v, key(i), SALT_DAY, SALT_DAY));
    }
    for (int i = from; i < from + nextDay; i++) {
      out.add(s.flagPair(v, key(i), SALT_DAY, SALT_DAY + 1));
    }
    return out;
  }

  @Test
  void pairsAreFirstOncePerDayAndBothWhenSeenOnTheNextDay() {
    DedupeState s = new DedupeState();
    DedupeState.Visitor v = s.visitor(1, 42, SALT_DAY);
    assertEquals(FirstFlags.FIRST, s.flagPair(v, key(1), SALT_DAY, SALT_DAY));
    assertEquals(0, s.flagPair(v, key(1), SALT_DAY, SALT_DAY));
    assertEquals(FirstFlags.FIRST | FirstFlags.BOTH, s.flagPair(v, key(1), SALT_DAY, SALT_DAY + 1));
    assertEquals(0, s.flagPair(v, key(1), SALT_DAY, SALT_DAY + 1));
    assertEquals(FirstFlags.FIRST, s.flagPair(v, key(2), SALT_DAY, SALT_DAY + 1), "first seen on the next day only");
    assertEquals(v, s.visitor(1, 42, SALT_DAY));
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(1, 43, SALT_DAY), key(1), SALT_DAY, SALT_DAY), "another visitor");
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(2, 42, SALT_DAY), key(1), SALT_DAY, SALT_DAY), "the same id on another site");
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(1, 42, SALT_DAY + 1), key(1), SALT_DAY + 1, SALT_DAY + 1), "another salt day");
    assertEquals(4 + 5, s.entries(), "4 visitor days and 5 pairs");
  }

  @Test
  void aRollbackAcrossTableGrowthLeavesTheCommittedState() {
    DedupeState s = new DedupeState();
    DedupeState reference = new DedupeState();
    for (DedupeState state : List.of(s, reference)) {
      DedupeState.Visitor v = state.visitor(1, 7, SALT_DAY);
      mark(state, v, 0, 20, 5);
      state.visit(v, 1, SALT_DAY, 40, new RollupDelta());
      state.commit();
    }
    long committed = s.entries();
    DedupeState.Visitor v = s.visitor(1, 7, SALT_DAY);
    long stateBefore = v.state;
    // 500 new pairs: the table grows 32 -> 1024 inside the batch; some old pairs move to the next day; a new visitor
    mark(s, v, 10, 510, 30);
    s.visit(v, 1, SALT_DAY, 100, new RollupDelta());
    mark(s, s.visitor(1, 8, SALT_DAY), 0, 50, 0);
    assertEquals(committed + 500 - 10 + 1 + 50, s.entries());
    s.rollback();
    assertEquals(committed, s.entries());
    assertEquals(stateBefore, s.visitor(1, 7, SALT_DAY).state);
    // the same batch again gives the outcomes it gives on a state that never saw it
    assertEquals(mark(reference, reference.visitor(1, 7, SALT_DAY), 10, 510, 30), mark(s, s.visitor(1, 7, SALT_DAY), 10, 510, 30));
    assertEquals(mark(reference, reference.visitor(1, 8, SALT_DAY), 0, 50, 0), mark(s, s.visitor(1, 8, SALT_DAY), 0, 50, 0));
    assertEquals(reference.entries(), s.entries());
  }

  @Test
  void forgettingADayDropsItsVisitorsAndPairs() {
    DedupeState s = new DedupeState();
    mark(s, s.visitor(1, 1, SALT_DAY), 0, 40, 0);
    mark(s, s.visitor(1, 1, SALT_DAY + 1), 0, 3, 0);
    s.commit();
    assertEquals(2 + 43, s.entries());
    assertEquals(1, s.forgetBefore(SALT_DAY + 1));
    assertEquals(1 + 3, s.entries());
    assertEquals(1, s.saltDays());
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(1, 1, SALT_DAY), key(0), SALT_DAY, SALT_DAY), "forgotten");
  }
}
