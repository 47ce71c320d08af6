package io.sightline.ingest.session;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdGeneratorTest {
  static final long MAX_SAFE = 9_007_199_254_740_991L; // JavaScript's Number.MAX_SAFE_INTEGER, written out

  @Test
  void sessionIdsStayExactJavaScriptNumbersUntil2094() {
    for (String at : new String[] {"2026-12-07T19:00:00Z", "2060-06-30T12:00:00Z", "2094-09-01T00:00:00Z"}) {
      long now = Instant.parse(at).toEpochMilli();
      IdGenerator ids = IdGenerator.sessions(() -> now);
      ids.useNode(1023);
      for (int i = 0; i < 1000; i++) {
        long id = ids.next();
        assertTrue(id > 0 && id <= MAX_SAFE, at + ": " + id);
      }
    }
    assertEquals(MAX_SAFE, IdGenerator.MAX_SAFE_INTEGER);
  }

  @Test
  void aBurstInOneMillisecondBorrowsTheClockAndStaysUniqueAndOrdered() {
    long now = Instant.parse("2026-12-07T19:00:00Z").toEpochMilli();
    IdGenerator ids = IdGenerator.sessions(() -> now);
    Set<Long> seen = new HashSet<>();
    long previous = 0;
    for (int i = 0; i < 100_000; i++) {
      long id = ids.next();
      assertTrue(id > previous, "increasing");
      assertTrue(seen.add(id));
      previous = id;
    }
  }

  @Test
  void processesWithDifferentNodesNeverMakeTheSameId() {
    AtomicLong clock = new AtomicLong(Instant.parse("2026-12-07T19:00:00Z").toEpochMilli());
    Set<Long> seen = new HashSet<>();
    for (int node = 0; node < 256; node++) {
      IdGenerator ids = IdGenerator.sessions(clock::get);
      ids.useNode(node + 512); // claims cycle through 0-1023: 256 consecutive claims differ in their low 8 bits
      for (int i = 0; i < 40; i++) {
        assertTrue(seen.add(ids.next()), "node " + node);
      }
    }
    IdGenerator events = new IdGenerator(clock::get);
    events.useNode(7);
    IdGenerator other = new IdGenerator(clock::get);
    other.useNode(8);
    assertTrue(events.next() != other.next());
    assertTrue(events.next() > MAX_SAFE, "event ids keep their 63-bit layout (always written as strings)");
  }
}
