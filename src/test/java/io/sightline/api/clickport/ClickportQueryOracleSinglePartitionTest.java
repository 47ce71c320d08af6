package io.sightline.api.clickport;

import org.junit.jupiter.api.BeforeAll;

/** {@link ClickportQueryOracleTest} with one writer partition (the parent runs two). */
class ClickportQueryOracleSinglePartitionTest extends ClickportQueryOracleTest {
  @BeforeAll
  static void ingest() {
    ingestWith(1);
  }
}
