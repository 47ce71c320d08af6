package io.sightline.bench;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.rollup.DeltaCodec;
import io.sightline.rollup.RollupAccumulator;
import io.sightline.rollup.RollupDelta;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Not a test: {@code java ... AccumulatorSpeed [batch] [fold] [events per visitor] [events]} prints the writer's rollup
 * CPU cost per event, whole and split (the accumulator, the pending delta's encoding and the sum kept until the fold) and the rows a fold
 * upserts per event when it folds every {@code fold} events (defaults: batches of 2,000, folds every 20,000 events,
 * visitors sending 10 events in a row from 2,000 pages, 1,000,000 events, so the state grows to millions of pairs
 * like a busy day's; run on demand).
 */
public final class AccumulatorSpeed {
  /** A batch's session states as the writer hands them over: the last one of each session. */
  private static List<SessionRow> merged(List<SessionRow> states) {
    java.util.Map<Long, SessionRow> last = new java.util.TreeMap<>();
    states.forEach(s -> last.put(s.sessionId(), s));
    return new ArrayList<>(last.values());
  }

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int fold = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int perVisitor = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int total = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
    Random random = new Random(1);
    Instant t0 = Instant.parse("2026-11-20T00:00:00Z");
    List<EventRecord> events = new ArrayList<>();
    List<SessionRow> sessions = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      long visitor = i / perVisitor;
      long session = visitor * 10;
      Instant ts = t0.plusMillis(i * 50L);
      String page = "/page/" + random.nextInt(2000);
      events.add(new EventRecord(1, ts, i, session, visitor, null, LocalDate.of(2026, 11, 20), null, i % 10 < 8 ? "pageview" : "custom",
          i % 10 < 8 ? "pageview" : "Signup", "example.com", page, null, null, null,
          new String[] {null, "Google", "Bing"}[(int) (visitor % 3)], "Organic Search", null, null, null, null, null, null,
          new String[] {"DE", "US", "FR"}[(int) (visitor % 3)], null, null, "desktop", "Chrome", null, "Windows", null, 1280,
          null, null, null, null, null, null, null, null, true, null, false));
      sessions.add(new SessionRow(1, session, t0, ts, visitor, null, LocalDate.of(2026, 11, 20), "/", page, "example.com",
          null, null, null, "Organic Search", null, null, null, null, null, null, "DE", null, null, "desktop", "Chrome", null, "Windows",
          null, 1280, 1 + i % perVisitor, 1 + i % perVisitor, false, 0, 0, null, 0, null, null, new Integer[0]));
    }
    long baseline = heapAfterGc();
    for (int round = 0; round < 3; round++) {
      RollupAccumulator acc = new RollupAccumulator();
      long rows = 0;
      long bytes = 0;
      long applyNs = 0;
      long encodeNs = 0;
      long sumNs = 0;
      RollupDelta unfolded = new RollupDelta();
      for (int i = 0; i < events.size(); i += batch) {
        int to = Math.min(events.size(), i + batch);
        List<SessionRow> states = merged(sessions.subList(i, to));
        long t = System.nanoTime();
        RollupDelta d = acc.apply(events.subList(i, to), states, t0);
        long t1 = System.nanoTime();
        bytes += DeltaCodec.encode(d).length;
        long t2 = System.nanoTime();
        acc.commit();
        unfolded.addAll(d);
        long t3 = System.nanoTime();
        applyNs += t1 - t;
        encodeNs += t2 - t1;
        sumNs += t3 - t2;
        if (to % fold < batch || to == events.size()) {
          rows += unfolded.size();
          unfolded = new RollupDelta();
        }
      }
      long ns = applyNs + encodeNs + sumNs;
      System.out.printf("%,d events in %,d ms: %.2f us/event (accumulator %.2f, encode %.2f, sum %.2f), %.0f pending bytes/event, %.2f folded rows/event (batches of %,d, folds "
          + "every %,d events, %d events a visitor), %,d entries%n", events.size(), ns / 1_000_000, ns / 1000.0 / events.size(),
          applyNs / 1000.0 / events.size(), encodeNs / 1000.0 / events.size(), sumNs / 1000.0 / events.size(),
          (double) bytes / events.size(), (double) rows / events.size(), batch, fold, perVisitor, acc.entries());
      unfolded = null;
      System.out.printf("state: %.1f bytes an entry (heap after a full GC, less the events')%n",
          (double) (heapAfterGc() - baseline) / acc.entries());
    }
  }

  private static long heapAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
