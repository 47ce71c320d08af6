package io.sightline.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer partitions' epochs ({@code partition_epochs}, V26; docs/cluster.md, "Fencing"). A cluster member that takes
 * partitions, holding their advisory locks, moves their epochs on by one and starts their writers with the new epochs; every batch
 * statement of a writer checks its epoch ({@code partition_fence}) and fails once a later owner has moved it.
 */
public final class PartitionEpochs {
  private static final String ADVANCE = "insert into partition_epochs (part, epoch) select unnest($1::int2[]), 1 "
      + "on conflict (part) do update set epoch = partition_epochs.epoch + 1 returning part, epoch";

  private PartitionEpochs() {
  }

  /**
   * Moves the epochs of {@code partitions} on by one (a partition never taken gets 1), in one statement. It waits for the batches
   * of a previous owner that already passed their check to commit, and those that check later fail. Returns the new epochs.
   */
  public static Future<Map<Integer, Long>> advance(SqlClient client, List<Integer> partitions) {
    Short[] parts = partitions.stream().sorted().map(Integer::shortValue).toArray(Short[]::new); // one lock order for all members
    return client.preparedQuery(ADVANCE).execute(Tuple.of((Object) parts)).map(rows -> {
      Map<Integer, Long> epochs = new HashMap<>();
      for (Row r : rows) {
        epochs.put((int) r.getShort("part"), r.getLong("epoch"));
      }
      return epochs;
    });
  }
}
