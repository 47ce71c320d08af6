package io.sightline.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sightline.config.WriterConfig;
import io.sightline.event.Addresses;
import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  private final Pool pool;
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
  private final Counter duplicates;
  private final Counter fenced;

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
    this(pool, config, drainMillis, registry, rollupStateDays, partition, partitions, 0);
  }

  /**
   * @param epoch cluster mode: the partition's epoch this member took it with ({@link PartitionEpochs}); every batch statement
   *              checks it and fails once another member has taken the partition since. 0: a single node, no fence
   */
  public EventWriterVerticle(Pool pool, WriterConfig config, long drainMillis, MeterRegistry registry, int rollupStateDays, int partition,
                             int partitions, long epoch) {
    this.partition = partition;
    this.pool = pool;
    this.statements = config.rollups() ? new RollupWriter(pool, config, partition, partitions, epoch, rollupStateDays, registry)
        : new PlainBatches(pool, partition, epoch);
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
    this.duplicates = Counter.builder("sightline_writer_duplicate_events")
        .description("Events whose client event id was already stored: not stored again, answered with the stored event's ids")
        .register(registry);
    this.fenced = Counter.builder("sightline_writer_fenced_batches")
        .description("Cluster mode: batches refused by the partition's epoch because another member took the partition; not acknowledged")
        .register(registry);
    Gauge.builder("sightline_writer_queue_events", this, w -> w.queuedEvents).tags("partition", Integer.toString(partition))
        .description("Events waiting to be written").register(registry);
  }

  /**
   * Once, before the partitions start: folds what a crashed writer left pending and marks the sites the rollups cover (rollups on),
   * or removes the rollups' coverage (rollups off).
   */
  public static Future<Void> prepareStore(Pool pool, WriterConfig config) {
    return prepareStore(pool, config, false);
  }

  /** The same; {@code clustered}: the partitions' owners fold what their previous owners left pending, each as it takes one. */
  public static Future<Void> prepareStore(Pool pool, WriterConfig config, boolean clustered) {
    return RollupWriter.prepareStore(pool, config.rollups(), clustered);
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
      message.body().notStored("event queue full");
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
    List<EventKey> keys = new ArrayList<>();
    Map<LinkKey, IdentityLink> links = new TreeMap<>();
    while (!queue.isEmpty() && (batch.isEmpty() || events.size() + queue.peekFirst().body().events().size() <= config.batchSize())) {
      Message<WriteRequest> m = queue.pollFirst();
      batch.add(m);
      events.addAll(m.body().events());
      for (SessionRow s : m.body().sessions()) {
        sessions.merge(new SessionKey(s.siteId(), s.sessionId()), s, EventWriterVerticle::furthest);
      }
      keys.addAll(m.body().keys());
      addLinks(links, m.body().links());
    }
    // sorted by key: concurrent batches lock session rows in the same order, so they cannot deadlock
    List<SessionRow> sessionRows = new ArrayList<>(sessions.values());
    if (keys.size() > 1) {
      keys.sort(KEY_ORDER);
    }
    long started = System.nanoTime();
    // null: the batch committed as it was; else what each request that committed wrote
    write(new BatchRows(events, sessionRows, keys, links.isEmpty() ? List.of() : new ArrayList<>(links.values()))).<List<Written>>map(v -> null)
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
        List<Written> written = ar.result();
        if (written == null) {
          batch.forEach(m -> committed(m, Map.of()));
          vertx.eventBus().publish(Addresses.EVENTS_COMMITTED, new CommittedEvents(events, sessionRows));
        } else {
          for (Written w : written) {
            committed(w.message(), w.duplicates());
            if (!w.rows().events().isEmpty()) {
              vertx.eventBus().publish(Addresses.EVENTS_COMMITTED, new CommittedEvents(w.rows().events(), w.rows().sessions()));
            }
          }
        }
        settle(); // what queued up during this commit already waited a commit's time: the next group
        statements.afterCommit();
      } else if (isFenced(ar.cause())) {
        // another member took the partition since this writer did: its statement changed nothing, and the new owner has the
        // partition's state; the batch is dropped unacknowledged (503, the senders retry at the new owner)
        fenced.increment();
        queuedEvents -= events.size();
        LOG.warn("Writer partition {}: dropped a batch of {} events unacknowledged, the partition moved to another member", partition,
            events.size());
        batch.forEach(m -> {
          m.body().notStored("visitor partition moved");
          m.fail(QUEUE_FULL, "visitor partition " + partition + " moved to another member; retry");
        });
        settle();
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

  /** A request whose events committed: its settlement first (so the reply finds it), then the reply. */
  private static void committed(Message<WriteRequest> m, Map<Integer, StoredIds> duplicates) {
    if (m.body().settled() != null) {
      m.body().settled().tryComplete(duplicates);
    }
    m.reply(null);
  }

  /** What one request wrote when written alone: its rows, less the events whose client event id was already stored. */
  private record Written(Message<WriteRequest> message, BatchRows rows, Map<Integer, StoredIds> duplicates) {
  }

  private record SiteKey(int siteId, long key) {
  }

  private static final Comparator<EventKey> KEY_ORDER = Comparator.comparingInt(EventKey::siteId).thenComparingLong(EventKey::key);

  /**
   * A batch that PostgreSQL refuses for its data (SQLSTATE classes 22 and 23, which validation
   * should have caught) would fail every retry and block the queue behind it. So its requests are
   * written one by one: the good ones commit, the bad one alone is refused (its sender gets an
   * error, nothing acknowledged is lost). A request with a client event id already stored (a copy
   * older than the ingesting node's memory of ids, or sent to another node) is written without
   * that event ({@link #withoutStored}).
   */
  private Future<List<Written>> oneByOne(List<Message<WriteRequest>> batch, int index, List<Written> written) {
    if (index == batch.size()) {
      return Future.succeededFuture(written);
    }
    Message<WriteRequest> m = batch.get(index);
    BatchRows rows = rows(m.body(), Set.of());
    return write(rows).map(v -> new Written(m, rows, Map.of()))
        .recover(err -> isStoredKey(err) ? withoutStored(m, new HashMap<>(), err) : Future.failedFuture(err))
        .transform(ar -> {
      if (ar.succeeded()) {
        written.add(ar.result());
      } else if (isDataError(ar.cause())) {
        unstorable.increment(m.body().events().size());
        LOG.warn("Refusing {} events PostgreSQL cannot store: {}", m.body().events().size(), ar.cause().getMessage());
        m.body().notStored("PostgreSQL cannot store this event");
        m.fail(UNSTORABLE, "PostgreSQL cannot store this event");
      } else {
        return Future.failedFuture(ar.cause()); // the database itself is failing: retry the whole batch later
      }
      return oneByOne(batch, index + 1, written);
    });
  }

  /**
   * Writes a request without its events whose client event id is stored already: they are not stored again, and their senders are
   * answered with the stored events' ids. Found by a query (a rare path: the ingesting node answers the copies it remembers itself);
   * repeated while the write still meets an id stored meanwhile, and given up ({@code conflict}) when it finds none of them stored.
   */
  private Future<Written> withoutStored(Message<WriteRequest> m, Map<Integer, StoredIds> found, Throwable conflict) {
    List<EventKey> keys = m.body().keys();
    Tuple args = Tuple.of(keys.stream().map(EventKey::siteId).toArray(Integer[]::new), (Object) keys.stream().map(EventKey::key).toArray(Long[]::new));
    return pool.preparedQuery(EventSql.STORED_KEYS).execute(args).compose(stored -> {
      Map<SiteKey, StoredIds> byKey = new HashMap<>();
      for (Row r : stored) {
        Long visit = r.getLong("page_visit_id");
        byKey.put(new SiteKey(r.getInteger("site_id"), r.getLong("key")), new StoredIds(r.getLong("session_id"), visit == null ? 0 : visit));
      }
      int before = found.size();
      for (EventKey k : keys) {
        StoredIds ids = byKey.get(new SiteKey(k.siteId(), k.key()));
        if (ids != null) {
          found.put(k.index(), ids);
        }
      }
      if (found.size() == before) {
        return Future.failedFuture(conflict);
      }
      duplicates.increment(found.size() - before);
      BatchRows rows = rows(m.body(), found.keySet());
      Future<Void> write = rows.events().isEmpty() ? Future.succeededFuture() : write(rows);
      return write.map(v -> new Written(m, rows, Map.copyOf(found)))
          .recover(err -> isStoredKey(err) ? withoutStored(m, found, err) : Future.failedFuture(err));
    });
  }

  /**
   * A request's rows, without the events at the {@code skipped} indexes and their sessions' states (a request with client event ids
   * carries one session state per event, in the events' order); one row per session.
   */
  private static BatchRows rows(WriteRequest r, Set<Integer> skipped) {
    Map<SessionKey, SessionRow> sessions = new TreeMap<>();
    List<EventRecord> events = skipped.isEmpty() ? r.events() : new ArrayList<>(r.events().size());
    for (int i = 0; i < r.sessions().size(); i++) {
      if (!skipped.contains(i)) {
        SessionRow s = r.sessions().get(i);
        sessions.merge(new SessionKey(s.siteId(), s.sessionId()), s, EventWriterVerticle::furthest);
        if (!skipped.isEmpty()) {
          events.add(r.events().get(i));
        }
      }
    }
    List<EventKey> keys = r.keys().stream().filter(k -> !skipped.contains(k.index())).sorted(KEY_ORDER).toList();
    Map<LinkKey, IdentityLink> links = new TreeMap<>();
    addLinks(links, r.links());
    return new BatchRows(events, new ArrayList<>(sessions.values()), keys, new ArrayList<>(links.values()));
  }

  /** One row per user (the latest link), in key order: concurrent batches lock the rows in the same order. */
  private static void addLinks(Map<LinkKey, IdentityLink> into, List<IdentityLink> links) {
    for (IdentityLink l : links) {
      into.merge(new LinkKey(l.siteId(), l.userKey()), l, (a, b) -> b.linkedAt().isBefore(a.linkedAt()) ? a : b);
    }
  }

  private record LinkKey(int siteId, long userKey) implements Comparable<LinkKey> {
    @Override
    public int compareTo(LinkKey o) {
      return siteId != o.siteId ? Integer.compare(siteId, o.siteId) : Long.compare(userKey, o.userKey);
    }
  }

  private static boolean isStoredKey(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState()) && EventSql.KEYS_UNIQUE.equals(pg.getConstraint());
  }

  private static boolean isFenced(Throwable err) {
    return err instanceof PgException pg && EventSql.FENCED.equals(pg.getSqlState());
  }

  private static boolean isDataError(Throwable err) {
    return err instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  private Future<Void> write(BatchRows rows) {
    return statements.write(rows);
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
          queue.forEach(m -> {
            m.body().notStored("server stopping");
            m.fail(QUEUE_FULL, "server stopping");
          });
          return Future.succeededFuture();
        }).eventually(statements::stop);
  }
}
