package io.sightline.rollup;

import io.sightline.store.EventRecord;
import io.sightline.store.SessionRow;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Not a test: {@code java ... AccumulatorSpeed [batch]} prints the accumulator's CPU cost per event and the delta rows a
 * batch of that many events (default 500) upserts per event (run on demand).
 */
public final class AccumulatorSpeed {
  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Random random = new Random(1);
    Instant t0 = Instant.parse("2026-11-20T00:00:00Z");
    List<EventRecord> events = new ArrayList<>();
    List<SessionRow> sessions = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      long visitor = random.nextInt(20_000);
      long session = visitor * 10 + random.nextInt(3);
      Instant ts = t0.plusSeconds(i / 3);
      events.add(new EventRecord(1, ts, i, session, visitor, null, LocalDate.of(2026, 11, 20), null, i % 10 < 8 ? "pageview" : "custom",
          i % 10 < 8 ? "pageview" : "Signup", "example.com", "/page/" + random.nextInt(2000), null, null, null,
          new String[] {null, "Google", "Bing"}[(int) (session % 3)], "Organic Search", null, null, null, null, null, null,
          new String[] {"DE", "US", "FR"}[(int) (visitor % 3)], null, null, "desktop", "Chrome", null, "Windows", null, 1280,
          null, null, null, null, null, null, null, null, true, null, false));
      sessions.add(new SessionRow(1, session, t0, ts, visitor, null, LocalDate.of(2026, 11, 20), "/", "/page/" + (i % 2000), "example.com",
          null, null, null, "Organic Search", null, null, null, null, null, null, "DE", null, null, "desktop", "Chrome", null, "Windows",
          null, 1280, 1 + i % 5, 1 + i % 7, false, 0, 0, null, 0, null, null, new Integer[0]));
    }
    for (int round = 0; round < 5; round++) {
      RollupAccumulator acc = new RollupAccumulator();
      long start = System.nanoTime();
      long rows = 0;
      for (int i = 0; i < events.size(); i += batch) {
        int to = Math.min(events.size(), i + batch);
        RollupDelta d = acc.apply(events.subList(i, to), sessions.subList(i, to), t0);
        rows += d.totalRows().size() + d.dimRows().size() + d.drillRows().size();
        acc.commit();
      }
      long ns = System.nanoTime() - start;
      System.out.printf("%,d events in %,d ms: %.2f us/event, %.2f delta rows/event (batches of %,d)%n", events.size(), ns / 1_000_000,
          ns / 1000.0 / events.size(), (double) rows / events.size(), batch);
    }
  }
}
