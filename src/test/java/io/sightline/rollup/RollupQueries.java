package io.sightline.rollup;

import io.sightline.event.Dimension;
import io.sightline.lifecycle.Await;
import io.sightline.query.QueryEngine;
import io.sightline.query.QuerySpec;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs a query on the raw path (count(distinct) over events) or as served, and orders rows for comparing the two. */
final class RollupQueries {
  private RollupQueries() {
  }

  static List<Map<String, Object>> run(Pool pool, boolean rollups, QuerySpec q) {
    return Await.result(new QueryEngine(pool, 30_000, rollups).run(q), Duration.ofSeconds(60)).rows();
  }

  /** Rows in a fixed order (ties of the first metric otherwise come in any order). */
  static List<Map<String, Object>> sorted(List<Map<String, Object>> rows, List<Dimension> dims) {
    if (dims.isEmpty()) {
      return rows;
    }
    Map<String, Map<String, Object>> byKey = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      byKey.put(String.valueOf(row.get(dims.get(0).id())), row);
    }
    return new ArrayList<>(byKey.values());
  }
}
