package io.sightline.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * How a writer partition turns a batch into its one statement, and what it keeps beside it: plain
 * events and sessions ({@link PlainBatches}), or the same with the rollups' delta and state
 * ({@link RollupWriter}). The group-commit loop ({@link EventWriterVerticle}) asks it when it may
 * start a batch and tells it when one committed. Called on the partition's event loop only.
 */
interface BatchStatements {
  /** Builds what it keeps (at deploy, before the partition takes events); {@code wake} asks the writer to look for work again. */
  Future<?> start(Vertx vertx, Runnable wake);

  /** How many batches may commit at once, given {@code writer.concurrentCommits}. */
  int commitSlots(int configured);

  /** Starts background work that is due (a fold); false while batches must wait for it. */
  boolean mayStartBatch();

  /** Writes one batch in one transaction; its state follows the outcome. */
  Future<Void> write(BatchRows rows);

  /** After a batch committed and the next one was started: upkeep off the critical path. */
  void afterCommit();

  /** Whether nothing remains to be done beside the batches (a drain ends only then); if not, starts it. */
  boolean settled();

  Future<?> stop();
}
