package io.sightline.bench;

import io.sightline.config.SightlineConfig;
import io.sightline.lifecycle.Await;
import io.sightline.lifecycle.DatabaseSession;
import io.sightline.lifecycle.FirstStart;
import io.sightline.support.ClusterMembers;
import io.sightline.support.TestConfig;
import io.sightline.support.TestDatabase;
import io.sightline.support.TestPostgres;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator against a cluster of N members (docs/cluster.md, "Benchmark"): starts N Sightline processes in cluster mode
 * on loopback (one embedded PostgreSQL), sends the {@link LoadGenerator}'s beacons to all of them in turn, and prints, per member,
 * how many events it routed to another member and how many it processed itself.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp $PWD/target/classes:$PWD/target/test-classes:$(cat target/cp.txt) io.sightline.bench.ClusterBench 3 \
 *     --rate 0 --seconds 10 --warmup 10 --mode keyed --connections 64
 * </pre>
 * The first argument is the member count; the rest go to the load generator.
 */
public final class ClusterBench {
  private ClusterBench() {
  }

  public static void main(String[] args) throws Exception {
    int members = Integer.parseInt(args[0]);
    TestDatabase db = TestPostgres.newDatabase();
    SightlineConfig config = TestConfig.forDatabase(db, "writer.rollups", "false");
    Vertx vertx = Vertx.vertx();
    DatabaseSession database = DatabaseSession.open(config, vertx);
    String key = Await.result(FirstStart.run(database.pool(), config), Duration.ofSeconds(30)).orElseThrow().siteKey().key();
    try (ClusterMembers cluster = new ClusterMembers(db.url(), members).forBenchmark()) {
      long started = System.nanoTime();
      for (int i = 0; i < members; i++) {
        cluster.start(i, "ingest.keylessRateLimitPerMinute=1000000", "writer.ackTimeoutSeconds=30", "database.poolSize=16",
            "http.instances=0", "database.connectTimeoutSeconds=60"); // a member's 16 connections on a saturated machine
      }
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        cluster.awaitReady(i, Duration.ofMinutes(5));
        targets.add(cluster.base(i));
      }
      while (owned(cluster, members) < 12) {
        Thread.sleep(100);
      }
      System.out.printf("%d members ready in %d ms%n", members, (System.nanoTime() - started) / 1_000_000);
      List<String> generator = new ArrayList<>(List.of("--target", String.join(",", targets), "--key", key, "--domain", "localhost"));
      for (int i = 1; i < args.length; i++) {
        generator.add(args[i]);
      }
      LoadGenerator.run(generator.toArray(String[]::new));
      for (int i = 0; i < members; i++) {
        String metrics = cluster.get(i, "/metrics").body();
        System.out.printf("member %d: %s%n", i, metrics.lines().filter(l -> l.startsWith("sightline_cluster_events_routed_total"))
            .toList());
      }
    } finally {
      database.close();
      vertx.close();
    }
    System.exit(0);
  }

  private static double owned(ClusterMembers cluster, int members) throws Exception {
    double sum = 0;
    for (int i = 0; i < members; i++) {
      double o = cluster.metric(i, "sightline_cluster_partitions_owned");
      sum += Double.isNaN(o) ? 0 : o;
    }
    return sum;
  }
}
