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

  @Test
  void beyondTheBoundTheLargestSiteDayIsDroppedAndStaysUntracked() {
    DedupeState s = new DedupeState();
    s.limit(100);
    // site 1: 20 visitors with 3 pairs each (80 entries); site 2: 2 visitors with 1 pair (4 entries)
    for (int i = 0; i < 20; i++) {
      mark(s, s.visitor(1, i, SALT_DAY), 0, 3, 0);
    }
    for (int i = 0; i < 2; i++) {
      mark(s, s.visitor(2, i, SALT_DAY), 0, 1, 0);
    }
    s.commit();
    assertEquals(84, s.entries());
    assertEquals(0, s.takeDropped().length, "within the bound");
    // 4 more of site 2 with 3 pairs reach the bound; the next new id drops site 1's day (the largest), not site 2's
    for (int i = 2; i < 6; i++) {
      mark(s, s.visitor(2, i, SALT_DAY), 0, 3, 0);
    }
    assertEquals(100, s.entries());
    DedupeState.Visitor next = s.visitor(2, 6, SALT_DAY);
    assertEquals(7 + 2 + 4 * 3, s.entries(), "site 2's 7 ids and 14 pairs; site 1's 80 entries are gone");
    assertEquals(List.of(DedupeState.dayKey(1, SALT_DAY)), java.util.Arrays.stream(s.takeDropped()).boxed().toList());
    assertEquals(0, s.takeDropped().length, "taken once");
    assertEquals(null, s.visitor(1, 0, SALT_DAY), "a known id of the dropped day");
    assertEquals(null, s.visitor(1, 99, SALT_DAY), "a new id of the dropped day");
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(1, 0, SALT_DAY + 1), key(0), SALT_DAY + 1, SALT_DAY + 1), "another salt day is tracked");
    assertEquals(0, s.flagPair(s.visitor(2, 0, SALT_DAY), key(0), SALT_DAY, SALT_DAY), "site 2 kept its state");
    assertEquals(FirstFlags.FIRST, s.flagPair(next, key(0), SALT_DAY, SALT_DAY));
    assertEquals(1, s.drops());
    // a rollback of the batch keeps the drop (the state is gone) and counts exactly what stays
    s.rollback();
    assertEquals(2 + 2, s.entries(), "site 2's committed ids and pairs; site 1's day stays dropped");
    assertEquals(null, s.visitor(1, 0, SALT_DAY));
  }

  @Test
  void aStoredGapStaysUntracked() {
    DedupeState s = new DedupeState();
    mark(s, s.visitor(1, 1, SALT_DAY), 0, 5, 0);
    s.commit();
    s.untracked(1, SALT_DAY);
    assertEquals(0, s.entries());
    assertEquals(null, s.visitor(1, 1, SALT_DAY));
    assertEquals(0, s.takeDropped().length, "already stored: not reported again");
    assertEquals(1, s.forgetBefore(SALT_DAY + 1));
    assertEquals(FirstFlags.FIRST, s.flagPair(s.visitor(1, 1, SALT_DAY), key(0), SALT_DAY, SALT_DAY), "forgotten with its day");
  }
  static io.sightline.event.SessionRow session(int site, long id, int pageviews) {
    java.time.Instant start = java.time.LocalDate.ofEpochDay(SALT_DAY).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(3600);
    return new io.sightline.event.SessionRow(site, id, start, start.plusSeconds(pageviews), id, null, java.time.LocalDate.ofEpochDay(SALT_DAY),
        "/", "/", "example.com", null, null, null, null, null, null, null, null, null, null, null, null, null, "desktop", null, null, null,
        null, null, pageviews, pageviews, false, 0, 0, null, 0, null, null, null);
  }

  @Test
  void rememberedSessionsWeighInTheBoundAndGoWithTheirDay() {
    DedupeState s = new DedupeState();
    s.limit(10 * DedupeState.SESSION_ENTRIES + 1);
    // site 1: 6 sessions; site 2: 3 sessions and one visitor id
    for (int i = 0; i < 6; i++) {
      assertEquals(null, s.session(1, SALT_DAY, i));
      s.addSession(1, SALT_DAY, session(1, i, 1), 1_000, false);
    }
    for (int i = 0; i < 3; i++) {
      s.addSession(2, SALT_DAY, session(2, i, 1), 1_000, false);
    }
    s.visitor(2, 77, SALT_DAY);
    s.commit();
    assertEquals(9, s.sessions());
    assertEquals(9 * DedupeState.SESSION_ENTRIES + 1, s.entries());
    // an update in place, rolled back, leaves the committed row
    DedupeState.Session one = s.session(1, SALT_DAY, 1);
    io.sightline.event.SessionRow committed = one.row;
    s.updateSession(one, session(1, 1, 2), 2_000);
    s.addSession(2, SALT_DAY, session(2, 3, 1), 2_000, false);
    assertEquals(10, s.sessions());
    s.rollback();
    assertEquals(committed, s.session(1, SALT_DAY, 1).row);
    assertEquals(1_000, s.session(1, SALT_DAY, 1).touched);
    assertEquals(null, s.session(2, SALT_DAY, 3), "the added session is gone again");
    assertEquals(9, s.sessions());
    // the 10th session fits; the 11th drops the largest (site, salt day): site 1's, with its sessions
    s.addSession(2, SALT_DAY, session(2, 3, 1), 3_000, false);
    assertEquals(0, s.takeDropped().length);
    assertEquals(null, s.session(2, SALT_DAY, 4));
    DedupeState.Session eleventh = s.addSession(2, SALT_DAY, session(2, 4, 1), 3_000, false);
    assertEquals(session(2, 4, 1), eleventh.row);
    assertEquals(List.of(DedupeState.dayKey(1, SALT_DAY)), java.util.Arrays.stream(s.takeDropped()).boxed().toList());
    assertEquals(DedupeState.UNTRACKED, s.session(1, SALT_DAY, 1), "a known session of the dropped day");
    assertEquals(DedupeState.UNTRACKED, s.session(1, SALT_DAY, 99), "a new one");
    assertEquals(null, s.addSession(1, SALT_DAY, session(1, 99, 1), 3_000, false), "not remembered");
    assertEquals(5, s.sessions());
    assertEquals(5 * DedupeState.SESSION_ENTRIES + 1, s.entries());
    // sessions not seen since a cutoff are forgotten, the others kept
    s.commit();
    s.forgetSessionsBefore(2_000);
    assertEquals(2, s.sessions(), "the two seen at 3,000");
    assertEquals(2 * DedupeState.SESSION_ENTRIES + 1, s.entries());
    assertEquals(null, s.session(2, SALT_DAY, 0));
    assertEquals(3_000, s.session(2, SALT_DAY, 4).touched);
  }
}
