package io.sightline.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sightline.config.SightlineConfig;
import io.sightline.ingest.session.SessionTracker;
import io.sightline.ingest.session.ActiveSessions;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.PartitionEpochs;
import io.sightline.event.WriterPartitions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which visitor partitions this member owns, and the moves when the membership changes (docs/cluster.md, "Ownership").
 *
 * <p>The owners are {@link PartitionAssignment} over the members that are ready (Hazelcast's live members that have announced
 * themselves in the {@code sightline.members} map once started). A partition this member gives up stops taking events (senders
 * get 503 and retry at the new owner), its writer drains what it queued and commits it, its sessions are forgotten, and only then
 * is its lock released. A partition this member takes is first locked: a PostgreSQL advisory lock per partition, held on a
 * connection of its own for as long as the member owns it, so two members never write one partition at once (the previous owner
 * releases it after its last commit, or PostgreSQL does when that member dies and its connections drop). Then the partition's
 * epoch is moved on (the fence: a batch of the previous owner still in flight fails, {@link PartitionEpochs}), its active sessions
 * are restored from PostgreSQL and its writer started (which restores the partition's rollup state and folds what the previous
 * owner left pending); events that arrive meanwhile wait for that. If the lock
 * connection is lost, every partition is given up at once (without a drain) and taken again through a new connection.
 *
 * <p>A worker verticle: Hazelcast's calls may block, and the moves run one at a time.
 */
public final class PartitionOwnership extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnership.class);
  /** The advisory locks' first key ('SLCP'): the second is the partition. */
  static final int LOCK_CLASS = 0x534c4350;
  static final String MEMBERS_MAP = "sightline.members";
  private static final long RETRY_MS = 200;

  private final SightlineConfig config;
  private final Pool pool;
  private final MeterRegistry registry;
  private final HazelcastClusterManager manager;
  private final SessionTracker sessions;
  private final int partitions;
  private final String me;
  /** The owner of each partition as this member sees the membership (null before the first assignment). */
  private volatile String[] owners;
  /** Per partition: completed once the partition is taken here and its writer runs; pending while being taken; null: not here. */
  private final AtomicReferenceArray<Promise<Void>> ready;
  private final Timer takeTime;
  private volatile int members;

  // confined to this verticle's (worker) context
  private final String[] writers;
  private final BitSet held;
  private SqlConnection locks;
  private boolean running;
  private boolean again;
  private boolean stopping;
  private long retryTimer = -1;
  private IMap<String, String> readyMembers;
  private java.util.UUID membershipListener;

  public PartitionOwnership(SightlineConfig config, Pool pool, MeterRegistry registry, HazelcastClusterManager manager,
                            SessionTracker sessions) {
    this.config = config;
    this.pool = pool;
    this.registry = registry;
    this.manager = manager;
    this.sessions = sessions;
    this.partitions = config.cluster().partitions();
    this.me = manager.getNodeId();
    this.ready = new AtomicReferenceArray<>(partitions);
    this.writers = new String[partitions];
    this.held = new BitSet(partitions);
    this.takeTime = Timer.builder("sightline_cluster_partition_take_seconds")
        .description("Time for this member to take visitor partitions: lock, restore their sessions, start their writers")
        .register(registry);
    Gauge.builder("sightline_cluster_partitions_owned", held, BitSet::cardinality)
        .description("Visitor partitions this member owns and writes").register(registry);
    Gauge.builder("sightline_cluster_members", this, o -> o.members)
        .description("Members of the cluster that take events").register(registry);
  }

  /** This member's id (Hazelcast's member UUID, also its Vert.x node id). */
  public String me() {
    return me;
  }

  public int partitions() {
    return partitions;
  }

  /** The member that owns {@code partition} as this member sees it, or null (no member ready yet). */
  public String owner(int partition) {
    String[] o = owners;
    return o == null ? null : o[partition];
  }

  /**
   * Completes once {@code partition} is taken here and its writer runs (at once when it is); fails with a 503 reply failure if it is
   * not this member's, or not taken within {@code waitMillis}.
   */
  public Future<Void> whenReady(int partition, long waitMillis) {
    Promise<Void> p = ready.get(partition);
    if (p == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, EventWriterVerticle.QUEUE_FULL,
          "visitor partition " + partition + " is moving between members; retry"));
    }
    Future<Void> f = p.future();
    return f.isComplete() ? f : f.timeout(waitMillis, TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, EventWriterVerticle.QUEUE_FULL,
            "visitor partition " + partition + " is being taken over; retry")));
  }

  @Override
  public Future<?> start() {
    readyMembers = manager.getHazelcastInstance().getMap(MEMBERS_MAP);
    readyMembers.addEntryListener((EntryAddedListener<String, String> & EntryRemovedListener<String, String>) new Changes(), false);
    membershipListener = manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        changed();
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        changed();
      }
    });
    return lockConnection().compose(v -> vertx.executeBlocking(() -> readyMembers.put(me, config.cluster().host())))
        .compose(v -> {
          forgetSessionsNotHeld(); // the sessions restored at start belong to the members that own them
          changed();
          return Future.succeededFuture();
        });
  }

  private final class Changes implements EntryAddedListener<String, String>, EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      changed();
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      changed();
    }
  }

  /** From any thread: reassign on this verticle's context. */
  private void changed() {
    if (context != null) {
      context.runOnContext(v -> reconcile());
    }
  }

  private Future<Void> lockConnection() {
    return pool.getConnection().onSuccess(conn -> {
      locks = conn;
      conn.closeHandler(v -> context.runOnContext(x -> lockConnectionLost(conn)));
    }).mapEmpty();
  }

  /** The locks are gone with their connection: another member may take the partitions now, so none is written here any more. */
  private void lockConnectionLost(SqlConnection conn) {
    if (locks != conn || stopping) {
      return;
    }
    locks = null;
    LOG.warn("The partition lock connection to PostgreSQL was lost: giving up {} visitor partitions", held.cardinality());
    List<Future<?>> undeployed = new ArrayList<>();
    for (int p = held.nextSetBit(0); p >= 0; p = held.nextSetBit(p + 1)) {
      Promise<Void> r = ready.getAndSet(p, null);
      if (r != null) {
        r.tryFail("lock lost");
      }
      if (writers[p] != null) {
        undeployed.add(vertx.undeploy(writers[p]));
        writers[p] = null;
      }
    }
    held.clear();
    forgetSessionsNotHeld();
    Future.join(undeployed).eventually(() -> reconnect());
  }

  private Future<Void> reconnect() {
    return lockConnection().onSuccess(v -> reconcile())
        .onFailure(err -> vertx.setTimer(1000, t -> reconnect()));
  }

  /** Computes the owners from the ready members and moves what changed: gives first, then takes what can be locked. */
  private void reconcile() {
    if (stopping) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    vertx.executeBlocking(() -> {
      Set<String> live = new TreeSet<>(manager.getNodes());
      Set<String> announced = readyMembers.keySet();
      if (manager.getHazelcastInstance().getCluster().getMembers().iterator().next().localMember()) {
        // the oldest member forgets members that died without removing themselves
        announced.stream().filter(m -> !live.contains(m)).forEach(readyMembers::remove);
      }
      live.retainAll(announced);
      return List.copyOf(live);
    }).compose(live -> {
      members = live.size();
      String[] next = PartitionAssignment.owners(live, partitions);
      owners = next;
      List<Integer> gives = new ArrayList<>();
      List<Integer> takes = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        boolean mine = me.equals(next[p]);
        if (held.get(p) && !mine) {
          gives.add(p);
        } else if (!held.get(p) && mine) {
          takes.add(p);
          ready.compareAndSet(p, null, Promise.promise()); // events for it wait for the take from now on
        } else if (!held.get(p)) {
          Promise<Void> abandoned = ready.getAndSet(p, null);
          if (abandoned != null) {
            abandoned.tryFail("moved on");
          }
        }
      }
      return give(gives).compose(v -> take(takes));
    }).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("Moving visitor partitions failed: {}; retrying", ar.cause().getMessage());
      }
      if (again) {
        again = false;
        reconcile();
      } else if (ar.failed() || wantedNotHeld()) {
        if (retryTimer < 0) {
          retryTimer = vertx.setTimer(RETRY_MS, t -> {
            retryTimer = -1;
            reconcile();
          });
        }
      }
    });
  }

  private boolean wantedNotHeld() {
    String[] o = owners;
    for (int p = 0; p < partitions; p++) {
      if (o != null && me.equals(o[p]) && !held.get(p)) {
        return true;
      }
    }
    return false;
  }

  private Future<Void> give(List<Integer> gives) {
    if (gives.isEmpty()) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int p : gives) {
      Promise<Void> r = ready.getAndSet(p, null); // new events for it are refused (503) from here on
      if (r != null) {
        r.tryFail("moved");
      }
      String id = writers[p];
      writers[p] = null;
      // the writer drains: what it queued is committed before the lock goes
      // (on stop, Vert.x may have undeployed the writers, this verticle's children, already)
      Future<Void> undeployed = id == null ? Future.succeededFuture() : vertx.undeploy(id).recover(err -> Future.succeededFuture());
      done.add(undeployed.compose(v -> unlock(p)).onSuccess(v -> held.clear(p)));
    }
    return Future.join(done).map(v -> {
      forgetSessionsNotHeld();
      LOG.info("Gave up visitor partitions {} in {} ms", gives, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return null;
    });
  }

  private Future<Void> unlock(int p) {
    SqlConnection conn = locks;
    if (conn == null) {
      return Future.succeededFuture(); // the connection, and so the lock, is gone already
    }
    return conn.preparedQuery("select pg_advisory_unlock($1, $2)").execute(Tuple.of(LOCK_CLASS, p)).mapEmpty();
  }

  private Future<Void> take(List<Integer> takes) {
    SqlConnection conn = locks;
    if (takes.isEmpty() || conn == null) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    List<Integer> locked = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int p : takes) {
      chain = chain.compose(v -> conn.preparedQuery("select pg_try_advisory_lock($1, $2)").execute(Tuple.of(LOCK_CLASS, p))
          .map(rows -> {
            if (rows.iterator().next().getBoolean(0)) {
              locked.add(p);
            }
            return null;
          }));
    }
    return chain.compose(v -> {
      if (locked.isEmpty()) {
        return Future.succeededFuture(); // held by a member that has not given them up yet: tried again shortly
      }
      locked.forEach(held::set);
      BitSet taking = new BitSet(partitions);
      locked.forEach(taking::set);
      Map<Integer, Long> epochs = new HashMap<>();
      // the fence: a batch of a previous owner still in flight fails from here on; then the partitions' state is read
      return PartitionEpochs.advance(pool, locked).compose(advanced -> {
            epochs.putAll(advanced);
            return ActiveSessions.restore(pool, sessions, Instant.now(),
                row -> taking.get(WriterPartitions.of(row.siteId(), row.visitorId(), partitions)));
          })
          .recover(err -> Future.join(locked.stream().map(p -> unlock(p).onComplete(x -> held.clear(p))).toList())
              .transform(x -> Future.failedFuture(err)))
          .compose(restored -> {
            long restoredAt = System.nanoTime();
            List<Future<String>> deployed = new ArrayList<>();
            for (int p : locked) {
              deployed.add(vertx.deployVerticle(new EventWriterVerticle(pool, config.writer(), config.shutdownGrace().toMillis(), registry,
                      config.ingest().backfillDays() + 2, p, partitions, epochs.get(p)), new DeploymentOptions())
                  .onSuccess(id -> {
                    writers[p] = id;
                    Promise<Void> r = ready.get(p);
                    if (r == null) {
                      r = Promise.promise();
                      ready.set(p, r);
                    }
                    r.tryComplete();
                  })
                  .onFailure(err -> unlock(p).onComplete(x -> held.clear(p))));
            }
            return Future.all(deployed).map(all -> {
              long now = System.nanoTime();
              takeTime.record(now - started, TimeUnit.NANOSECONDS);
              LOG.info("Took visitor partitions {} in {} ms (locks and {} active sessions restored in {} ms, writers started in {} ms)",
                  locked, TimeUnit.NANOSECONDS.toMillis(now - started), restored,
                  TimeUnit.NANOSECONDS.toMillis(restoredAt - started), TimeUnit.NANOSECONDS.toMillis(now - restoredAt));
              return null;
            });
          });
    });
  }

  /** Forgets the sessions of the visitors this member does not own (cheap when there are none). */
  private void forgetSessionsNotHeld() {
    BitSet mine = (BitSet) held.clone();
    sessions.forgetIf((site, visitor) -> mine.get(WriterPartitions.of((int) site, visitor, partitions)) ? 0 : 1);
  }

  /** Leaves the ready members, then gives every partition up: the writers drain and the locks go. */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    List<Integer> all = new ArrayList<>();
    for (int p = held.nextSetBit(0); p >= 0; p = held.nextSetBit(p + 1)) {
      all.add(p);
    }
    return vertx.executeBlocking(() -> {
      readyMembers.remove(me);
      manager.getHazelcastInstance().getCluster().removeMembershipListener(membershipListener);
      return null;
    }).compose(v -> give(all)).eventually(() -> locks == null ? Future.succeededFuture() : locks.close());
  }
}
