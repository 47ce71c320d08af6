package io.sightline.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sightline.config.WriterConfig;
import io.sightline.rollup.GoalCoverage;
import io.sightline.rollup.PendingDeltas;
import io.sightline.rollup.RollupAccumulator;
import io.sightline.rollup.RollupDelta;
import io.sightline.rollup.RollupRestore;
import io.sightline.rollup.RollupFold;
import io.sightline.rollup.RollupSql;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The batching writer (group commit). Requests queue up; while one batch commits, the next
 * gathers, and it is written as soon as the previous commit ends (or after lingering
 * {@code writer.flushMillis} when the writer was idle, or at once at {@code writer.batchSize}
 * events). Each batch is one statement, so one transaction (events inserted, sessions upserted),
 * and every request in it is answered only once it is committed. If PostgreSQL fails, the batch is retried with backoff and nothing is answered;
 * once {@code writer.queueEvents} events wait, new requests are refused (503 to the sender).
 * On undeploy it drains the queue (bounded by the shutdown grace) before the pool closes.
 *
 * <p>With rollups on ({@code writer.rollups}), each batch also stores its rollup delta
 * ({@link RollupAccumulator}) as pending in the same statement, and the writer sums the committed
 * deltas in memory; every {@code writer.rollupFoldMillis} (or at {@code writer.rollupFoldRows} summed
 * rows, or when asked on {@link Addresses#FOLD_ROLLUPS}) it folds the sum into the rollup tables and
 * deletes the pending rows in one statement ({@link RollupFold}). Every committed event's counts are
 * thus either pending or folded, whatever fails or crashes; a starting writer folds what is left
 * pending. The accumulator's state is committed or rolled back with each batch's transaction, and one
 * batch commits at a time; a fold runs beside the batches ({@link PendingDeltas}). At start the state
 * is rebuilt from the stored rows.
 * Confined to its own event loop: plain collections, no locks.
 */
public final class EventWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventWriterVerticle.class);
  public static final int QUEUE_FULL = 503;
  public static final int UNSTORABLE = 422;
  private static final long MAX_BACKOFF_MS = 5000;

  private final Pool pool;
  /** The threads that prepare a batch's columns and a fold's arguments beside the event loop (rollups on): the writer's own, so they never queue behind other blocking work. */
  private WorkerExecutor workers;
  private final WriterConfig config;
  private final long drainMillis;
  private final Deque<Message<WriteRequest>> queue = new ArrayDeque<>();
  private int queuedEvents;
  private int inFlight;
  private boolean backingOff;
  private boolean failing;
  private long backoffMs;
  private long timerId = -1;
  private MessageConsumer<WriteRequest> consumer;
  private Promise<Void> drained;
  private final RollupAccumulator rollups;
  private final GoalCoverage goals;
  private final int rollupStateDays;
  private final Set<Integer> coveredSites = new HashSet<>();
  private long evictionTimer = -1;
  private long goalTimer = -1;
  private long foldTimer = -1;
  /** The committed batches' deltas not folded yet. */
  private final PendingDeltas pending = new PendingDeltas();
  private boolean foldDue;
  private boolean foldBackingOff;
  private long foldBackoffMs;
  private MessageConsumer<Object> foldConsumer;

  private final Timer commitLatency;
  private final DistributionSummary batchSizes;
  private final Counter failures;
  private final Counter refused;
  private final Counter unstorable;
  private Timer foldLatency;
  private Counter foldFailures;
  private DistributionSummary foldRows;

  public EventWriterVerticle(Pool pool, WriterConfig config, long drainMillis, MeterRegistry registry) {
    this(pool, config, drainMillis, registry, 0);
  }

  /**
   * @param rollupStateDays salt days the rollup dedupe state keeps (the backfill window plus the
   *                        current and previous day); used when {@code config.rollups()}
   */
  public EventWriterVerticle(Pool pool, WriterConfig config, long drainMillis, MeterRegistry registry, int rollupStateDays) {
    this.pool = pool;
    this.rollups = config.rollups() ? new RollupAccumulator() : null;
    this.goals = rollups == null ? null : new GoalCoverage(rollups);
    this.rollupStateDays = Math.max(2, rollupStateDays);
    this.config = config;
    this.drainMillis = drainMillis;
    this.commitLatency = Timer.builder("sightline_writer_commit_seconds").description("Time to commit one batch of events")
        .publishPercentileHistogram().register(registry);
    this.batchSizes = DistributionSummary.builder("sightline_writer_batch_events").description("Events per committed batch")
        .publishPercentileHistogram().register(registry);
    this.failures = Counter.builder("sightline_writer_failures").description("Batches that failed and were retried").register(registry);
    this.refused = Counter.builder("sightline_writer_refused_events").description("Events refused because the queue was full")
        .register(registry);
    this.unstorable = Counter.builder("sightline_writer_unstorable_events").description("Events PostgreSQL refused for their data")
        .register(registry);
    Gauge.builder("sightline_writer_queue_events", this, w -> w.queuedEvents).description("Events waiting to be written")
        .register(registry);
    if (rollups != null) {
      Gauge.builder("sightline_rollup_state_entries", rollups, RollupAccumulator::entries)
          .description("Visitor ids, (visitor, value) pairs and sessions the rollup writer keeps in memory (about 16-20 bytes each)")
          .register(registry);
      Gauge.builder("sightline_rollup_goals", goals, GoalCoverage::size)
          .description("Goals (site, type and pattern) the rollup writer counts conversions of")
          .register(registry);
      Gauge.builder("sightline_rollup_unfolded_rows", pending, PendingDeltas::rows)
          .description("Rollup rows the writer has summed since its last fold (bounded by writer.rollupFoldRows)")
          .register(registry);
      foldLatency = Timer.builder("sightline_rollup_fold_seconds").description("Time to fold the pending rollup deltas into the rollup tables")
          .publishPercentileHistogram().register(registry);
      foldRows = DistributionSummary.builder("sightline_rollup_fold_rows").description("Rollup rows upserted per fold").register(registry);
      foldFailures = Counter.builder("sightline_rollup_fold_failures").description("Folds that failed and were retried").register(registry);
    }
  }

  @Override
  public Future<?> start() {
    Future<?> ready;
    if (rollups == null) {
      ready = RollupRestore.forgetCoverage(pool);
    } else {
      workers = vertx.createSharedWorkerExecutor("sightline-writer", 2);
      Instant now = Instant.now();
      long started = System.nanoTime();
      ready = RollupFold.recover(pool) // what a crash left pending, before anything reads or adds to the rollups
          .compose(v -> RollupRestore.ensureCoverage(pool))
          .compose(v -> pool.query("select site_id from rollup_coverage").execute())
          .compose(rows -> {
            rows.forEach(r -> coveredSites.add(r.getInteger(0)));
            return goals.start(pool); // before the restore: it replays events through the goals too
          })
          .compose(v -> RollupRestore.restore(pool, rollups, oldestSaltDay(now), now))
          .onSuccess(rows -> {
            LOG.info("Rollup state restored from {} stored rows in {} ms ({} entries)", rows, (System.nanoTime() - started) / 1_000_000,
                rollups.entries());
            // goals defined or deleted through the API reach the writer within one period (queries read raw until
            // covered); only after the start's own load, which keeps the coverage of goals already counted
            goalTimer = vertx.setPeriodic(GoalCoverage.REFRESH_MILLIS, id -> goals.refresh(pool));
          });
      evictionTimer = vertx.setPeriodic(60_000, id -> rollups.evict(Instant.now(), oldestSaltDay(Instant.now()).toEpochDay()));
      foldTimer = vertx.setPeriodic(config.rollupFoldInterval().toMillis(), id -> {
        foldDue = true;
        flush();
      });
      foldConsumer = vertx.eventBus().consumer(Addresses.FOLD_ROLLUPS, this::foldRequested);
    }
    return ready.compose(v -> foldConsumer == null ? Future.succeededFuture() : foldConsumer.completion()).compose(v -> {
      consumer = vertx.eventBus().consumer(Addresses.WRITE_EVENTS, this::enqueue);
      return consumer.completion();
    });
  }

  /** A request to fold now: answered once the batches committed before it are folded (at once if they are). */
  private void foldRequested(Message<Object> message) {
    pending.whenFolded(() -> message.reply(null));
    foldDue = true;
    flush();
  }

  private LocalDate oldestSaltDay(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(rollupStateDays - 1);
  }

  private void enqueue(Message<WriteRequest> message) {
    int n = message.body().events().size();
    if (queuedEvents + n > config.queueEvents() || drained != null) {
      refused.increment(n);
      message.fail(QUEUE_FULL, "event queue full");
      return;
    }
    queue.addLast(message);
    queuedEvents += n;
    if (inFlight > 0 || queuedEvents >= config.batchSize()) {
      flush();
    } else if (timerId < 0) {
      // idle: linger up to flushInterval so that a burst shares one commit
      timerId = vertx.setTimer(config.flushInterval().toMillis(), id -> {
        timerId = -1;
        flush();
      });
    }
  }

  /** Starts batches while commit slots are free: at most {@code writer.concurrentCommits} transactions at a time. */
  private void flush() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    if (rollups != null && foldDue && !foldBackingOff && pending.canFold()) {
      startFold(); // beside the batches: they never wait on each other's rows
    }
    int slots = rollups == null ? config.concurrentCommits() : 1; // the rollup state follows one transaction at a time
    while (!backingOff && !queue.isEmpty() && inFlight < slots) {
      if (rollups != null && pending.rows() >= config.rollupFoldRows()) {
        foldDue = true; // beyond rollupFoldRows summed rows, batches wait for a fold: the memory stays bounded
        break;
      }
      startBatch();
    }
  }

  /** Folds the summed deltas of the committed batches into the rollup tables ({@link RollupFold}). */
  private void startFold() {
    foldDue = false;
    int batches = pending.batches();
    long started = System.nanoTime();
    pending.fold(workers, pool).onComplete(ar -> {
      if (ar.succeeded()) {
        foldLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        foldRows.record(ar.result());
        if (foldBackoffMs > 0) {
          LOG.info("Rollup fold recovered");
        }
        foldBackoffMs = 0;
      } else {
        // the sum stays in memory and the rows stay pending: the fold is retried as it was; batches go on meanwhile
        foldFailures.increment();
        foldBackingOff = true;
        foldBackoffMs = foldBackoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, foldBackoffMs * 2);
        LOG.warn("Folding the rollup deltas of up to {} batches failed ({}); retrying in {} ms", batches, ar.cause().getMessage(),
            foldBackoffMs);
        vertx.setTimer(foldBackoffMs, t -> {
          foldBackingOff = false;
          foldDue = true;
          flush();
        });
      }
      settle();
    });
  }

  /** After a batch or a fold: the next ones, or the end of a drain once everything is written and folded. */
  private void settle() {
    if (drained != null && queue.isEmpty() && inFlight == 0) {
      if (rollups != null && !pending.allFolded()) {
        foldDue = true;
      } else {
        drained.tryComplete();
        return;
      }
    }
    if (rollups != null && pending.rows() >= config.rollupFoldRows()) {
      foldDue = true;
    }
    flush();
  }

  private void startBatch() {
    inFlight++;
    List<Message<WriteRequest>> batch = new ArrayList<>();
    List<EventRecord> events = new ArrayList<>();
    Map<SessionKey, SessionRow> sessions = new TreeMap<>();
    while (!queue.isEmpty() && (batch.isEmpty() || events.size() + queue.peekFirst().body().events().size() <= config.batchSize())) {
      Message<WriteRequest> m = queue.pollFirst();
      batch.add(m);
      events.addAll(m.body().events());
      for (SessionRow s : m.body().sessions()) {
        sessions.merge(new SessionKey(s.siteId(), s.sessionId()), s, EventWriterVerticle::furthest);
      }
    }
    // sorted by key: concurrent batches lock session rows in the same order, so they cannot deadlock
    List<SessionRow> sessionRows = new ArrayList<>(sessions.values());
    long started = System.nanoTime();
    write(events, sessionRows).map(v -> batch)
        .recover(err -> isDataError(err) ? oneByOne(batch, 0, new ArrayList<>()) : Future.failedFuture(err))
        .onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batchSizes.record(events.size());
        queuedEvents -= events.size();
        if (failing) {
          failing = false;
          LOG.info("Event writer recovered; {} events waiting", queuedEvents);
        }
        backoffMs = 0;
        List<Message<WriteRequest>> committed = ar.result();
        committed.forEach(m -> m.reply(null));
        if (committed.size() == batch.size()) {
          vertx.eventBus().publish(Addresses.EVENTS_COMMITTED, new CommittedEvents(events, sessionRows));
        } else {
          committed.forEach(m -> vertx.eventBus().publish(Addresses.EVENTS_COMMITTED,
              new CommittedEvents(m.body().events(), m.body().sessions())));
        }
        settle(); // what queued up during this commit already waited a commit's time: the next group
        if (rollups != null) {
          pending.sumCommitted(); // while the next group executes: off the writer's critical path
        }
      } else {
        failures.increment();
        failing = true;
        for (int i = batch.size() - 1; i >= 0; i--) {
          queue.addFirst(batch.get(i)); // back in the queue: nothing acknowledged, nothing lost
        }
        if (!backingOff) {
          backingOff = true;
          backoffMs = backoffMs == 0 ? 100 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
          LOG.warn("Writing {} events failed ({}); retrying in {} ms", events.size(), ar.cause().getMessage(), backoffMs);
          vertx.setTimer(backoffMs, t -> {
            backingOff = false;
            flush();
          });
        }
      }
    });
  }

  /**
   * A batch that PostgreSQL refuses for its data (SQLSTATE classes 22 and 23, which validation
   * should have caught) would fail every retry and block the queue behind it. So its requests are
   * written one by one: the good ones commit, the bad one alone is refused (its sender gets an
   * error, nothing acknowledged is lost).
   */
  private Future<List<Message<WriteRequest>>> oneByOne(List<Message<WriteRequest>> batch, int index, List<Message<WriteRequest>> committed) {
    if (index == batch.size()) {
      return Future.succeededFuture(committed);
    }
    Message<WriteRequest> m = batch.get(index);
    return write(m.body().events(), m.body().sessions()).transform(ar -> {
      if (ar.succeeded()) {
        committed.add(m);
      } else if (isDataError(ar.cause())) {
        unstorable.increment(m.body().events().size());
        LOG.warn("Refusing {} events PostgreSQL cannot store: {}", m.body().events().size(), ar.cause().getMessage());
        m.fail(UNSTORABLE, "PostgreSQL cannot store this event");
      } else {
        return Future.failedFuture(ar.cause()); // the database itself is failing: retry the whole batch later
      }
      return oneByOne(batch, index + 1, committed);
    });
  }

  private static boolean isDataError(Throwable err) {
    return err instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  private Future<Void> write(List<EventRecord> events, List<SessionRow> sessions) {
    if (rollups == null) {
      return pool.preparedQuery(EventSql.WRITE_BATCH).execute(Tuple.wrap(columns(events, sessions))).mapEmpty();
    }
    // the columns on a worker while this loop computes the rollup delta: two independent halves of the batch's preparation
    Future<List<Object>> columns = workers.executeBlocking(() -> columns(events, sessions), false);
    RollupDelta delta = rollups.apply(events, sessions, Instant.now());
    Set<Integer> newSites = new HashSet<>();
    events.forEach(e -> {
      if (!coveredSites.contains(e.siteId())) {
        newSites.add(e.siteId());
      }
    });
    GoalCoverage.Pending goalChanges = goals.pending(); // taken with the delta: both follow the goals installed now
    List<Object> extra = new ArrayList<>();
    int parts = 0;
    if (!newSites.isEmpty()) {
      parts |= EventSql.WITH_NEW_SITES;
      extra.add(newSites.toArray(Integer[]::new));
    }
    if (!goalChanges.isEmpty()) {
      parts |= EventSql.WITH_GOALS;
      extra.addAll(List.of(goalChanges.arrays()));
    }
    if (!delta.sketchRows().isEmpty()) {
      parts |= EventSql.WITH_SKETCHES;
      extra.addAll(List.of(RollupSql.sketchArrays(delta.sketchRows())));
    }
    extra.add(RollupFold.pendingValue(delta));
    String sql = EventSql.WRITE_BATCH_WITH_ROLLUPS[parts];
    return columns.compose(args -> {
      args.set(EventSql.FIRST_MASK, delta.firstMasks());
      args.addAll(extra);
      return pool.preparedQuery(sql).execute(Tuple.wrap(args));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        rollups.commit();
        goals.committed(goalChanges);
        coveredSites.addAll(newSites);
        pending.committed(delta, ar.result().iterator().next().getLong(0));
      } else {
        rollups.rollback();
      }
    }).mapEmpty();
  }

  /** The events' and the sessions' column arrays, in the statement's parameter order. */
  private static List<Object> columns(List<EventRecord> events, List<SessionRow> sessions) {
    List<Object> args = new ArrayList<>(List.of(Column.arrays(EventSql.EVENT_COLUMNS, events)));
    args.addAll(List.of(Column.arrays(EventSql.SESSION_COLUMNS, sessions)));
    return args;
  }

  private static SessionRow furthest(SessionRow a, SessionRow b) {
    return Comparator.comparingInt(SessionRow::events).thenComparingInt(SessionRow::pageviews)
        .thenComparingLong(SessionRow::engagementMs).thenComparing(SessionRow::lastSeenAt).compare(a, b) > 0 ? a : b;
  }

  private record SessionKey(int siteId, long sessionId) implements Comparable<SessionKey> {
    @Override
    public int compareTo(SessionKey o) {
      return siteId != o.siteId ? Integer.compare(siteId, o.siteId) : Long.compare(sessionId, o.sessionId);
    }
  }

  /** Stops taking requests and writes what is queued, for at most the drain time. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(evictionTimer); // false when there is none
    vertx.cancelTimer(goalTimer);
    vertx.cancelTimer(foldTimer);
    drained = Promise.promise();
    if (queuedEvents > 0) {
      LOG.info("Draining {} queued events", queuedEvents);
    }
    settle(); // writes what is queued, then folds what is pending
    return consumer.unregister().compose(v -> drained.future().timeout(drainMillis, TimeUnit.MILLISECONDS))
        .recover(err -> {
          LOG.warn("Stopped with {} events not written (not acknowledged to their senders) and {} batches' rollup deltas pending "
              + "(folded by the next start): {}", queuedEvents, pending.batches(), err.getMessage());
          queue.forEach(m -> m.fail(QUEUE_FULL, "server stopping"));
          return Future.succeededFuture();
        }).eventually(() -> foldConsumer == null ? Future.succeededFuture() : foldConsumer.unregister())
        .eventually(() -> workers == null ? Future.succeededFuture() : workers.close());
  }
}
