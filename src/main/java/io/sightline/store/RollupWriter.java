package io.sightline.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.sightline.config.WriterConfig;
import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.sightline.rollup.GoalCoverage;
import io.sightline.rollup.GoalRule;
import io.sightline.rollup.PendingDeltas;
import io.sightline.rollup.RollupAccumulator;
import io.sightline.rollup.RollupDelta;
import io.sightline.rollup.RollupFold;
import io.sightline.rollup.RollupRestore;
import io.sightline.rollup.RollupSql;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The rollup half of a writer partition (docs/ingestion.md, "Rollups"). Each batch also stores its rollup delta
 * ({@link RollupAccumulator}) as pending in the batch's own statement, and the committed deltas are
 * summed in memory; every {@code writer.rollupFoldMillis} (or at {@code writer.rollupFoldRows} summed
 * rows, or when asked on the partition's fold address) the sum is folded into the rollup tables and
 * the pending rows deleted in one statement ({@link RollupFold}). Every committed event's counts are
 * thus either pending or folded, whatever fails or crashes. The accumulator's state is committed or
 * rolled back with each batch's transaction, so one batch commits at a time; a fold runs beside the
 * batches ({@link PendingDeltas}).
 *
 * <p>The state is the partition's own: its visitors' dedupe state, first-occurrence flags, sessions,
 * stable-visitor sketches (stored as its rows of {@code rollup_sketch}) and pending deltas, rebuilt at
 * start from the stored rows of its visitors ({@link RollupRestore}). Since a visitor's events all
 * reach one partition, the partitions' deltas add up to exactly what one writer would count. What a
 * crash left pending is folded once, before any partition starts ({@link #prepareStore}); in cluster mode, where partitions move
 * between members, by the writer that takes the partition, before it takes events. Confined to
 * the partition's event loop; a batch's columns and a fold's arguments are built on the writers'
 * own worker threads.
 */
final class RollupWriter implements BatchStatements {
  private static final Logger LOG = LoggerFactory.getLogger(RollupWriter.class);
  private static final long MAX_BACKOFF_MS = 5000;

  private final Pool pool;
  private final WriterConfig config;
  private final int partition;
  private final int partitions;
  /** Cluster mode: the epoch this member took the partition with (every batch is fenced with it); 0 on a single node. */
  private final long epoch;
  private final int rollupStateDays;
  private final RollupAccumulator rollups = new RollupAccumulator();
  private final GoalCoverage goals;
  private final Set<Integer> coveredSites = new HashSet<>();
  /** The committed batches' deltas not folded yet. */
  private final PendingDeltas pending = new PendingDeltas();
  private Vertx vertx;
  private Runnable wake;
  /** The threads that prepare a batch's columns and a fold's arguments beside the event loop: the writers' own. */
  private WorkerExecutor workers;
  private boolean foldDue;
  private boolean foldBackingOff;
  private long foldBackoffMs;
  private long evictionTimer = -1;
  private long goalTimer = -1;
  private long foldTimer = -1;
  private MessageConsumer<Object> foldConsumer;
  private MessageConsumer<GoalSet> goalConsumer;
  /** Whether a batch computed with the installed goals is being written; then goals reloaded meanwhile wait for its end. */
  private boolean batchInFlight;
  private boolean stopped;
  private final List<Runnable> afterBatch = new ArrayList<>();

  private final Timer foldLatency;
  private final Counter foldFailures;
  private final DistributionSummary foldRows;

  /**
   * @param rollupStateDays salt days the dedupe state keeps (the backfill window plus the current and previous day)
   */
  RollupWriter(Pool pool, WriterConfig config, int partition, int partitions, long epoch, int rollupStateDays, MeterRegistry registry) {
    this.pool = pool;
    this.config = config;
    this.partition = partition;
    this.partitions = partitions;
    this.epoch = epoch;
    this.rollupStateDays = Math.max(2, rollupStateDays);
    // in cluster mode the partitions live on several members: each one keeps the goals' coverage rows itself (GoalCoverage)
    this.goals = new GoalCoverage(rollups, coordinatesGoals());
    rollups.limitState(config.stateEntriesPerPartition());
    Tags tags = Tags.of("partition", Integer.toString(partition));
    FunctionCounter.builder("sightline_rollup_state_drops", rollups, RollupAccumulator::stateDrops).tags(tags)
        .description("(site, UTC day) pairs the rollup writer stopped tracking to stay within writer.rollupStateEntries: "
            + "queries touching them read raw events").register(registry);
    Gauge.builder("sightline_rollup_state_entries", rollups, RollupAccumulator::entries).tags(tags)
        .description("Visitor ids, (visitor, value) pairs and sessions the rollup writer keeps in memory (about 16-20 bytes each)")
        .register(registry);
    if (partition == 0) { // every partition counts the same goals
      Gauge.builder("sightline_rollup_goals", goals, GoalCoverage::size)
          .description("Goals (site, type and pattern) the rollup writer counts conversions of").register(registry);
    }
    Gauge.builder("sightline_rollup_unfolded_rows", pending, PendingDeltas::rows).tags(tags)
        .description("Rollup rows the writer has summed since its last fold (bounded by writer.rollupFoldRows)").register(registry);
    foldLatency = Timer.builder("sightline_rollup_fold_seconds").description("Time to fold the pending rollup deltas into the rollup tables")
        .publishPercentileHistogram().register(registry);
    foldRows = DistributionSummary.builder("sightline_rollup_fold_rows").description("Rollup rows upserted per fold").register(registry);
    foldFailures = Counter.builder("sightline_rollup_fold_failures").description("Folds that failed and were retried").register(registry);
  }

  private boolean clustered() {
    return epoch > 0;
  }

  /** Whether this partition reloads the goals and keeps their coverage rows: the first of a node's, or each in cluster mode. */
  private boolean coordinatesGoals() {
    return partition == 0 || clustered();
  }

  /**
   * Once, before any writer partition starts: with rollups on, folds what a crashed writer left pending and marks the sites the
   * rollups cover; with rollups off, removes every coverage row (nothing keeps the rollups current, so the planner must not read them).
   */
  static Future<Void> prepareStore(Pool pool, boolean rollupsOn, boolean clustered) {
    if (!rollupsOn) {
      return RollupRestore.forgetCoverage(pool);
    }
    // cluster mode: the other members are folding their own pending rows; each partition's are folded by the member taking it
    return (clustered ? Future.succeededFuture() : RollupFold.recover(pool).mapEmpty()).compose(v -> RollupRestore.ensureCoverage(pool));
  }

  @Override
  public Future<?> start(Vertx vertx, Runnable wake) {
    this.vertx = vertx;
    this.wake = wake;
    workers = vertx.createSharedWorkerExecutor("sightline-writer", 2);
    Instant now = Instant.now();
    long started = System.nanoTime();
    // cluster mode: what the partition's previous owner left pending (a killed member's last batches) is folded first, before this
    // writer adds its own; on a single node prepareStore folded every partition's
    Future<?> recovered = clustered() ? RollupFold.recover(pool, partition) : Future.succeededFuture();
    Future<?> ready = recovered.compose(v -> pool.query("select site_id from rollup_coverage").execute())
        .compose(rows -> {
          rows.forEach(r -> coveredSites.add(r.getInteger(0)));
          return goals.start(pool); // before the restore: it replays events through the goals too
        })
        .compose(v -> RollupRestore.restore(pool, rollups, oldestSaltDay(now), now, partition, partitions))
        .onSuccess(rows -> {
          LOG.info("Writer partition {}: rollup state restored from {} stored rows in {} ms ({} entries)", partition, rows,
              (System.nanoTime() - started) / 1_000_000, rollups.entries());
          // goals defined or deleted through the API reach the writer within one period (queries read raw until
          // covered); only after the start's own load, which keeps the coverage of goals already counted
          if (coordinatesGoals()) {
            goalTimer = vertx.setPeriodic(GoalCoverage.REFRESH_MILLIS, id -> reloadGoals());
          }
        });
    evictionTimer = vertx.setPeriodic(60_000, id -> rollups.evict(Instant.now(), oldestSaltDay(Instant.now()).toEpochDay()));
    foldTimer = vertx.setPeriodic(config.rollupFoldInterval().toMillis(), id -> {
      foldDue = true;
      wake.run();
    });
    foldConsumer = vertx.eventBus().consumer(WriterPartitions.foldAddress(partition), this::foldRequested);
    if (sharesGoals()) {
      vertx.eventBus().registerCodec(GOAL_SET_CODEC);
    }
    goalConsumer = coordinatesGoals() ? null : vertx.eventBus().consumer(WriterPartitions.goalsAddress(partition), this::installGoals);
    return ready.compose(v -> foldConsumer.completion()).compose(v -> goalConsumer == null ? Future.succeededFuture()
        : goalConsumer.completion());
  }

  /** Whether this partition hands the goals it reloads to the node's other partitions (the first of several, not in cluster mode). */
  private boolean sharesGoals() {
    return partition == 0 && partitions > 1 && !clustered();
  }

  /** Goals reloaded by the first partition, handed to the others by reference. */
  record GoalSet(Map<Integer, List<GoalRule>> goals) {
  }

  private static final LocalCodec<GoalSet> GOAL_SET_CODEC = new LocalCodec<>(GoalSet.class);

  /**
   * The first partition reloads the goals, has every partition (itself included) install them between two batches, then records
   * their coverage rows ({@link GoalCoverage#apply}); a round some partition does not confirm is dropped and retried at the next period.
   */
  private void reloadGoals() {
    goals.reload(pool).onSuccess(loaded -> {
      if (loaded == null || stopped) {
        return; // stopped: the goal set's codec may be gone already
      }
      List<Future<Object>> installed = new ArrayList<>();
      Promise<Object> here = Promise.promise();
      installBetweenBatches(() -> {
        goals.installOnly(loaded);
        here.complete();
      });
      installed.add(here.future());
      DeliveryOptions options = new DeliveryOptions().setCodecName(GOAL_SET_CODEC.name()).setSendTimeout(GoalCoverage.REFRESH_MILLIS);
      for (int p = 1; sharesGoals() && p < partitions; p++) {
        installed.add(vertx.eventBus().request(WriterPartitions.goalsAddress(p), new GoalSet(loaded), options).map(m -> null));
      }
      Future.all(installed).compose(v -> goals.apply(pool, loaded)).onFailure(err ->
          LOG.warn("Reloaded goals not applied ({}); retrying at the next reload", err.getMessage()));
    });
  }

  private void installBetweenBatches(Runnable install) {
    if (batchInFlight) {
      afterBatch.add(install);
    } else {
      install.run();
    }
  }

  /** Installs goals the first partition reloaded, between two batches: none of this partition's uncommitted events lacks them. */
  private void installGoals(Message<GoalSet> message) {
    installBetweenBatches(() -> {
      goals.installOnly(message.body().goals());
      message.reply(null);
    });
  }

  /** A request to fold now: answered once the batches committed before it are folded (at once if they are). */
  private void foldRequested(Message<Object> message) {
    pending.whenFolded(() -> message.reply(null));
    foldDue = true;
    wake.run();
  }

  private LocalDate oldestSaltDay(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(rollupStateDays - 1);
  }

  @Override
  public int commitSlots(int configured) {
    return 1; // the rollup state follows one transaction at a time
  }

  @Override
  public boolean mayStartBatch() {
    if (foldDue && !foldBackingOff && pending.canFold()) {
      startFold(); // beside the batches: they never wait on each other's rows
    }
    if (pending.rows() >= config.rollupFoldRows()) {
      foldDue = true; // beyond rollupFoldRows summed rows, batches wait for a fold: the memory stays bounded
      return false;
    }
    return true;
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
          wake.run();
        });
      }
      wake.run();
    });
  }

  @Override
  public Future<Void> write(BatchRows rows) {
    List<EventRecord> events = rows.events();
    List<SessionRow> sessions = rows.sessions();
    // the columns on a worker while this loop computes the rollup delta: two independent halves of the batch's preparation
    Future<List<Object>> columns = workers.executeBlocking(() -> PlainBatches.columns(events, sessions), false);
    RollupDelta delta = rollups.apply(events, sessions, Instant.now());
    Set<Integer> newSites = new java.util.TreeSet<>(); // sorted: partitions adding the same sites lock their rows in one order
    for (EventRecord e : events) {
      if (!coveredSites.contains(e.siteId())) {
        newSites.add(e.siteId());
      }
    }
    List<Object> extra = new ArrayList<>();
    int parts = 0;
    if (!newSites.isEmpty()) {
      parts |= EventSql.WITH_NEW_SITES;
      extra.add(newSites.toArray(Integer[]::new));
    }
    if (!delta.sketchRows().isEmpty()) {
      parts |= EventSql.WITH_SKETCHES;
      extra.addAll(List.of(RollupSql.sketchArrays(delta.sketchRows(), partition)));
    }
    if (!rows.keys().isEmpty()) {
      parts |= EventSql.WITH_KEYS;
      extra.addAll(List.of(Column.arrays(EventSql.KEY_COLUMNS, rows.keys())));
    }
    if (!rows.links().isEmpty()) {
      parts |= EventSql.WITH_LINKS;
      extra.addAll(List.of(Column.arrays(EventSql.LINK_COLUMNS, rows.links())));
    }
    if (delta.hasGaps()) {
      parts |= EventSql.WITH_GAPS;
      extra.add(delta.gapSites());
      extra.add(delta.gapDays());
    }
    extra.add((short) partition);
    if (clustered()) {
      parts |= EventSql.WITH_FENCE;
      extra.add(epoch);
    }
    extra.add(RollupFold.pendingValue(delta));
    String sql = EventSql.WRITE_BATCH_WITH_ROLLUPS[parts];
    batchInFlight = true;
    return columns.compose(args -> {
      args.set(EventSql.FIRST_MASK, delta.firstMasks());
      args.addAll(extra);
      return pool.preparedQuery(sql).execute(Tuple.wrap(args));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        rollups.commit();
        coveredSites.addAll(newSites);
        pending.committed(delta, ar.result().iterator().next().getLong(0));
      } else {
        rollups.rollback();
      }
      batchInFlight = false;
      List<Runnable> waiting = List.copyOf(afterBatch);
      afterBatch.clear();
      waiting.forEach(Runnable::run);
    }).mapEmpty();
  }

  @Override
  public void afterCommit() {
    pending.sumCommitted(); // while the next group executes: off the writer's critical path
    if (pending.rows() >= config.rollupFoldRows()) {
      foldDue = true;
    }
  }

  @Override
  public boolean settled() {
    if (pending.allFolded()) {
      return true;
    }
    foldDue = true;
    return false;
  }

  /** Unfolded batches (folded by the next start if this partition stops before). */
  int unfoldedBatches() {
    return pending.batches();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (vertx != null) {
      vertx.cancelTimer(evictionTimer); // false when there is none
      vertx.cancelTimer(goalTimer);
      vertx.cancelTimer(foldTimer);
    }
    if (sharesGoals() && vertx != null) {
      vertx.eventBus().unregisterCodec(GOAL_SET_CODEC.name());
    }
    return (foldConsumer == null ? Future.succeededFuture() : foldConsumer.unregister())
        .eventually(() -> goalConsumer == null ? Future.succeededFuture() : goalConsumer.unregister())
        .eventually(() -> workers == null ? Future.succeededFuture() : workers.close());
  }
}
