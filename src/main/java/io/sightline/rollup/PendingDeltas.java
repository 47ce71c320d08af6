package io.sightline.rollup;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.SqlClient;
import it.unimi.dsi.fastutil.longs.LongArrayList;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's committed but not yet folded rollup deltas: their sum and the ids of their
 * {@code rollup_pending} rows. A fold takes everything summed so far while batches go on adding to a new
 * sum (a fold touches only the rollup tables and the rows it deletes, the batches only new pending rows,
 * so the two never wait on each other's locks). A fold that fails is retried as it was, alone: if its
 * statement had committed and only the reply was lost, the retry finds none of its rows and adds nothing
 * ({@link RollupFold}). A committed delta is added into the sum later ({@link #sumCommitted()}), once the
 * writer has sent its next batch: that upkeep then overlaps the batch's execution instead of delaying it.
 * Confined to the writer's event loop (a fold's statement arguments are built on a worker thread, from a
 * snapshot nothing changes any more).
 */
public final class PendingDeltas {
  private record Snapshot(RollupDelta sum, long[] ids) {
  }

  private record Waiter(long lastId, Runnable callback) {
  }

  private RollupDelta sum = new RollupDelta();
  /** Committed deltas not yet in {@link #sum} (their ids are in {@link #ids} already). */
  private final ArrayDeque<RollupDelta> unsummed = new ArrayDeque<>();
  private int unsummedRows;
  private LongArrayList ids = new LongArrayList();
  private Snapshot folding;
  private Snapshot failed;
  private final List<Waiter> waiters = new ArrayList<>();

  /** A batch committed with its delta stored as pending row {@code id}. */
  public void committed(RollupDelta delta, long id) {
    unsummed.add(delta);
    unsummedRows += delta.size();
    ids.add(id);
  }

  /** Adds the deltas committed since the last call into the sum (a fold does it first, if the writer has not). */
  public void sumCommitted() {
    for (RollupDelta d; (d = unsummed.poll()) != null; ) {
      sum.addAll(d);
    }
    unsummedRows = 0;
  }

  /**
   * Rows held in memory: the sum (and the deltas not yet in it, counted whole), a failed fold's and an ongoing fold's
   * (the bound {@code writer.rollupFoldRows} applies to this).
   */
  public int rows() {
    return sum.size() + unsummedRows + (failed == null ? 0 : failed.sum().size()) + (folding == null ? 0 : folding.sum().size());
  }

  /** Whether a fold could start now: none running, and something to fold. */
  public boolean canFold() {
    return folding == null && (failed != null || !ids.isEmpty());
  }

  /** Whether every committed delta is folded. */
  public boolean allFolded() {
    return folding == null && failed == null && ids.isEmpty();
  }

  public int batches() {
    return ids.size() + (failed == null ? 0 : failed.ids().length) + (folding == null ? 0 : folding.ids().length);
  }

  /** Runs {@code callback} once the batches committed so far are folded (at once if they are). */
  public void whenFolded(Runnable callback) {
    if (allFolded()) {
      callback.run();
    } else {
      waiters.add(new Waiter(lastId(), callback));
    }
  }

  private long lastId() {
    long last = Long.MIN_VALUE;
    for (Snapshot s : new Snapshot[] {folding, failed}) {
      if (s != null) {
        last = Math.max(last, s.ids()[s.ids().length - 1]);
      }
    }
    return ids.isEmpty() ? last : Math.max(last, ids.getLong(ids.size() - 1));
  }

  private long firstUnfolded() {
    long first = Long.MAX_VALUE;
    for (Snapshot s : new Snapshot[] {folding, failed}) {
      if (s != null) {
        first = Math.min(first, s.ids()[0]);
      }
    }
    return ids.isEmpty() ? first : Math.min(first, ids.getLong(0));
  }

  /**
   * Folds a failed fold again, or else everything committed so far; the caller checks {@link #canFold()}.
   * Completes with the number of rows folded.
   */
  public Future<Integer> fold(WorkerExecutor workers, SqlClient client) {
    if (failed != null) {
      folding = failed;
      failed = null;
    } else {
      sumCommitted();
      folding = new Snapshot(sum, ids.toLongArray());
      sum = new RollupDelta();
      ids = new LongArrayList();
    }
    Snapshot s = folding;
    return RollupFold.fold(workers, client, s.ids(), s.sum()).transform(ar -> {
      folding = null;
      if (ar.failed()) {
        failed = s;
        return Future.failedFuture(ar.cause());
      }
      long first = firstUnfolded();
      waiters.removeIf(w -> {
        if (w.lastId() < first) {
          w.callback().run();
          return true;
        }
        return false;
      });
      return Future.succeededFuture(s.sum().size());
    });
  }
}
