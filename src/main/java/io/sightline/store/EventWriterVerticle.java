package io.sightline.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sightline.config.WriterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One partition of the batching writer (group commit). Requests queue up; while one batch commits,
 * the next gathers, and it is written as soon as the previous commit ends (or after lingering
 * {@code writer.flushMillis} when the partition was idle, or at once at {@code writer.batchSize}
 * events). Each batch is one statement, so one transaction (events inserted, sessions upserted, and
 * with rollups on the rollup delta stored: {@link RollupWriter}), and every request in it is
 * answered only once it is committed. If PostgreSQL fails, the batch is retried with backoff and
 * nothing is answered; once {@code writer.queueEvents} events wait, new requests are refused (503
 * to the sender). On undeploy it drains the queue (bounded by the shutdown grace) before the pool
 * closes.
 *
 * <p>There are {@code writer.partitions} of these, each taking the requests of the visitors that
 * hash to it ({@link WriterPartitions}) on its own address, so their commits run at once.
 * Confined to its own event loop: plain collections, no locks.
 */
public final class EventWriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventWriterVerticle.class);
  public static final int QUEUE_FULL = 503;
  public static final int UNSTORABLE = 422;
  private static final long MAX_BACKOFF_MS = 5000;

  private final int partition;
  private final BatchStatements statements;
  private final WriterConfig config;
  private final long drainMillis;
  private final int queueLimit;
  private final Deque<Message<WriteRequest>> queue = new ArrayDeque<>();
  private int queuedEvents;
  private int inFlight;
  private boolean backingOff;
  private boolean failing;
  private long backoffMs;
  private long timerId = -1;
  private MessageConsumer<WriteRequest> consumer;
  private Promise<Void> drained;

  private final Timer commitLatency;
  private final DistributionSummary batchSizes;
  private final Counter failures;
  private final Counter refused;
  private final Counter unstorable;

  /** A single partition (partition 0 of 1), as the tests deploy it. */
  public EventWriterVerticle(Pool pool, WriterConfig config, long drainMillis, MeterRegistry registry) {
    this(pool, config, drainMillis, registry, 0, 0, 1);
  }

  /**
   * @param rollupStateDays salt days the rollup dedupe state keeps (the backfill window plus the
   *                        current and previous day); used when {@code config.rollups()}
   * @param partition       which of the {@code partitions} this is
   */
  public EventWriterVerticle(Pool pool, WriterConfig config, long drainMillis, MeterRegistry registry, int rollupStateDays, int partition,
                             int partitions) {
    this.partition = partition;
    this.statements = config.rollups() ? new RollupWriter(pool, config, partition, partitions, rollupStateDays, registry)
        : new PlainBatches(pool);
    this.config = config;
    this.drainMillis = drainMillis;
    this.queueLimit = Math.max(1, (config.queueEvents() + partitions - 1) / partitions);
    this.commitLatency = Timer.builder("sightline_writer_commit_seconds").description("Time to commit one batch of events")
        .publishPercentileHistogram().register(registry);
    this.batchSizes = DistributionSummary.builder("sightline_writer_batch_events").description("Events per committed batch")
        .publishPercentileHistogram().register(registry);
    this.failures = Counter.builder("sightline_writer_failures").description("Batches that failed and were retried").register(registry);
    this.refused = Counter.builder("sightline_writer_refused_events").description("Events refused because the queue was full")
        .register(registry);
    this.unstorable = Counter.builder("sightline_writer_unstorable_events").description("Events PostgreSQL refused for their data")
        .register(registry);
    Gauge.builder("sightline_writer_queue_events", this, w -> w.queuedEvents).tags("partition", Integer.toString(partition))
        .description("Events waiting to be written").register(registry);
  }

  /**
   * Once, before the partitions start: folds what a crashed writer left pending and marks the sites the rollups cover (rollups on),
   * or removes the rollups' coverage (rollups off).
   */
  public static Future<Void> prepareStore(Pool pool, WriterConfig config) {
    return RollupWriter.prepareStore(pool, config.rollups());
  }

  @Override
  public Future<?> start() {
    return statements.start(vertx, this::flush).compose(v -> {
      consumer = vertx.eventBus().consumer(WriterPartitions.address(partition), this::enqueue);
      return consumer.completion();
    });
  }

  private void enqueue(Message<WriteRequest> message) {
    int n = message.body().events().size();
    if (queuedEvents + n > queueLimit || drained != null) {
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
    int slots = statements.commitSlots(config.concurrentCommits());
    boolean may = statements.mayStartBatch();
    while (may && !backingOff && !queue.isEmpty() && inFlight < slots) {
      startBatch();
      may = statements.mayStartBatch();
    }
  }

  /** After a batch: the next ones, or the end of a drain once everything is written and folded. */
  private void settle() {
    if (drained != null && queue.isEmpty() && inFlight == 0 && statements.settled()) {
      drained.tryComplete();
      return;
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
        statements.afterCommit();
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
    return statements.write(events, sessions);
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

  /** Stops taking requests and writes what is queued (and folds what is pending), for at most the drain time. */
  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    if (queuedEvents > 0) {
      LOG.info("Draining {} queued events", queuedEvents);
    }
    settle(); // writes what is queued, then folds what is pending
    return consumer.unregister().compose(v -> drained.future().timeout(drainMillis, TimeUnit.MILLISECONDS))
        .recover(err -> {
          LOG.warn("Writer partition {} stopped with {} events not written (not acknowledged to their senders){}: {}", partition,
              queuedEvents, statements instanceof RollupWriter r ? " and " + r.unfoldedBatches()
                  + " batches' rollup deltas pending (folded by the next start)" : "", err.getMessage());
          queue.forEach(m -> m.fail(QUEUE_FULL, "server stopping"));
          return Future.succeededFuture();
        }).eventually(statements::stop);
  }
}
