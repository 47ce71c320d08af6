package io.sightline.rollup;

import org.junit.jupiter.api.BeforeAll;

/** {@link RollupConsistencyTest} with one writer partition (the parent runs two). */
class RollupConsistencySinglePartitionTest extends RollupConsistencyTest {
  @BeforeAll
  static void ingest() throws InterruptedException {
    ingestWith(1);
  }
}
