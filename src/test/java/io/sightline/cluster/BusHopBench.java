package io.sightline.cluster;

import io.sightline.config.ClusterConfig;
import io.sightline.ingest.EventType;
import io.sightline.ingest.IncomingEvent;
import io.sightline.ingest.RequestFacts;
import io.sightline.ingest.Routed;
import io.sightline.ingest.enrich.UserAgentInfo;
import io.sightline.store.StoredIds;
import io.sightline.support.ClusterMembers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of the bus hop alone (docs/cluster.md, "Benchmark"): two cluster members in this JVM on loopback, one sending
 * beacon-sized events to the other's address as {@link ClusterIngest} does (encoded, sent, decoded, answered, the answer
 * decoded), with {@code concurrency} in flight; against the same encoding and decoding without the bus. Prints the process
 * CPU and the wall time per event, and the latency percentiles of the round trip.
 *
 * <pre>
 * java -cp $PWD/target/classes:$PWD/target/test-classes:$(cat target/cp.txt) io.sightline.cluster.BusHopBench 200000 64
 * </pre>
 */
public final class BusHopBench {
  private BusHopBench() {
  }

  public static void main(String[] args) throws Exception {
    int events = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int[] ports = {ClusterMembers.freePort(), ClusterMembers.freePort()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    Vertx a = member(new ClusterConfig(true, "127.0.0.1", ports[0], 0, members, 12, 10));
    Vertx b = member(new ClusterConfig(true, "127.0.0.1", ports[1], 0, members, 12, 10));
    b.eventBus().<JsonObject>consumer("bench.owner", m -> {
      JsonObject body = m.body();
      ForwardedEvents.event(body);
      ForwardedEvents.facts(body);
      m.reply(ForwardedEvents.answer(Routed.stored(new StoredIds(123456789L, 987654321L))));
    }).completion().await(30, TimeUnit.SECONDS);
    Thread.sleep(1000); // the registration reaches the other member
    IncomingEvent event = new IncomingEvent(EventType.PAGEVIEW, null, "https://localhost/blog/post-1?utm_source=newsletter",
        "https://www.google.com/", null, Map.of("utm_source", "newsletter"), 1440, null, null, null, Map.of(), List.of(), null, null,
        null, null, null, null, null, true, Map.of(), "5a1c3f4e-8b9d-4c2a-9e7f-1d2b3c4d5e6f");
    RequestFacts facts = new RequestFacts(new byte[] {81, 2, 69, (byte) 160},
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        new UserAgentInfo("desktop", "Chrome", "131", "Windows", "10", null, null), false, false, null, Instant.now(), 7);
    for (int round = 0; round < 3; round++) { // the last round counts: the first ones warm the JIT up
      long cpu0 = cpu();
      long t0 = System.nanoTime();
      for (int i = 0; i < events; i++) {
        JsonObject encoded = ForwardedEvents.encode(1, event, facts, 3, 0);
        JsonObject copy = new JsonObject(encoded.toBuffer()); // what the wire does: bytes and back
        ForwardedEvents.event(copy);
        ForwardedEvents.facts(copy);
        ForwardedEvents.routed(new JsonObject(ForwardedEvents.answer(Routed.stored(new StoredIds(1, 2))).toBuffer()));
      }
      long localCpu = cpu() - cpu0;
      long localWall = System.nanoTime() - t0;
      long[] latencies = new long[events];
      long cpu1 = cpu();
      long t1 = System.nanoTime();
      hop(a, event, facts, events, concurrency, latencies).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      long busCpu = cpu() - cpu1;
      long busWall = System.nanoTime() - t1;
      java.util.Arrays.sort(latencies);
      System.out.printf("round %d: codec alone %.1f µs CPU/event (%.1f wall); over the bus %.1f µs CPU/event (%.1f wall, %.0f events/s), "
              + "round trip p50 %.2f ms p99 %.2f ms; the hop costs %.1f µs CPU/event%n", round,
          localCpu / 1000.0 / events, localWall / 1000.0 / events, busCpu / 1000.0 / events, busWall / 1000.0 / events,
          events / (busWall / 1e9), latencies[events / 2] / 1e6, latencies[events * 99 / 100] / 1e6,
          (busCpu - localCpu) / 1000.0 / events);
    }
    a.close().await(30, TimeUnit.SECONDS);
    b.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static Future<Void> hop(Vertx a, IncomingEvent event, RequestFacts facts, int events, int concurrency, long[] latencies) {
    Promise<Void> done = Promise.promise();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(30).toMillis());
    a.runOnContext(v -> {
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        int i = sent.getAndIncrement();
        if (i >= events) {
          return;
        }
        long started = System.nanoTime();
        a.eventBus().<JsonObject>request("bench.owner", ForwardedEvents.encode(1, event, facts, 3, 0), delivery).onComplete(ar -> {
          if (ar.succeeded()) {
            ForwardedEvents.routed(ar.result().body());
          }
          latencies[i] = System.nanoTime() - started;
          if (answered.incrementAndGet() == events) {
            done.complete();
          } else {
            next[0].run();
          }
        });
      };
      for (int c = 0; c < concurrency; c++) {
        next[0].run();
      }
    });
    return done.future();
  }

  private static Vertx member(ClusterConfig config) throws Exception {
    return Vertx.builder().with(ClusterNode.withEventBus(new VertxOptions(), config)).withClusterManager(ClusterNode.manager(config))
        .buildClustered().await(2, TimeUnit.MINUTES);
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
