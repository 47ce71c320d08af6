package io.sightline.bench;

import io.sightline.config.ConfigLoader;
import io.sightline.lifecycle.SightlineServer;
import io.sightline.support.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends realistic beacons (Zipf-distributed pages, real browser User-Agents, many client
 * addresses, referrers and UTM-tagged landings) at a chosen rate, open loop, and prints
 * throughput and latency percentiles. Latency is measured from when a request was due, so a
 * server that falls behind shows it (no coordinated omission).
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.sightline.bench.LoadGenerator \
 *     -Dexec.args="--rate 20000 --seconds 20 --mode keyed"
 * </pre>
 * Options: {@code --rate N} requests/s (0 = as fast as the connections allow), {@code --seconds S},
 * {@code --connections C}, {@code --mode keyless|keyed|batch} (batch: {@code --batch N} events a
 * request), {@code --target http://host:port} (or several, comma-separated: cluster members, sent to in turn) and
 * {@code --key sl_...} for a running server; without
 * a target it starts Sightline in this JVM on an embedded PostgreSQL in a temp directory
 * ({@code --rollups false} starts it with the rollup writer off, to measure what rollups cost).
 */
public final class LoadGenerator {
  private static final List<String> USER_AGENTS = List.of(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
      "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
  private static final List<String> REFERRERS = List.of("", "", "", "https://www.google.com/", "https://www.google.de/",
      "https://www.bing.com/", "https://duckduckgo.com/", "https://t.co/abc", "https://l.facebook.com/", "https://news.ycombinator.com/",
      "https://chatgpt.com/", "https://www.reddit.com/r/programming/", "https://blog.partner.example/post");
  private static final List<String> LANDINGS = List.of("", "", "", "", "?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
      "?gclid=Cj0KCQiA", "?utm_source=twitter&utm_medium=social", "?fbclid=IwAR0x");

  private final Map<String, String> options;
  private final List<URI> targets = new java.util.ArrayList<>();
  private int nextTarget;
  private final SplittableRandom random = new SplittableRandom(42);
  private final double[] zipf;

  private LoadGenerator(Map<String, String> options) {
    this.options = options;
    int pages = 500;
    zipf = new double[pages];
    double sum = 0;
    for (int i = 0; i < pages; i++) {
      sum += 1.0 / Math.pow(i + 1, 1.05);
      zipf[i] = sum;
    }
    for (int i = 0; i < pages; i++) {
      zipf[i] /= sum;
    }
  }

  private static final List<String> COUNTRIES = List.of("US", "US", "US", "DE", "DE", "GB", "FR", "IN", "IN", "BR", "JP", "CA", "NL",
      "ES", "IT", "SE", "PL", "AU", "MX", "CH");

  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0);
  }

  /** One run with {@code args} as {@link #main} takes them, without exiting (for {@code ClusterBench}). */
  public static void run(String... args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>(Map.of("--rate", "10000", "--seconds", "20", "--connections", "64",
        "--mode", "keyless", "--batch", "50", "--warmup", "5"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    new LoadGenerator(options).run();
  }

  private void run() throws Exception {
    SightlineServer server = null;
    Path dir = null;
    String target = options.get("--target");
    String key = options.get("--key");
    if (target == null) {
      dir = TestPostgres.tempDir("sightline-bench-");
      ByteArrayOutputStream banner = new ByteArrayOutputStream();
      Map<String, String> settings = new LinkedHashMap<>(Map.of("http.port", "0",
          "database.embedded.dataDir", dir.resolve("data").toString(), "bootstrap.domain", "bench.example",
          "ingest.keylessRateLimitPerMinute", "1000000", "writer.rollups", options.getOrDefault("--rollups", "true")));
      for (String kv : options.getOrDefault("--set", "").split(",")) { // --set writer.batchSize=5000,ingest.cdnCountryHeader=CF-IPCountry
        if (kv.contains("=")) {
          settings.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      server = SightlineServer.start(new ConfigLoader().load(null, false, Map.of(), settings), new PrintStream(banner, true, StandardCharsets.UTF_8));
      target = "http://127.0.0.1:" + server.httpPort();
      Matcher m = Pattern.compile("site key\\s+\\([^)]*\\):\\s+(sl_\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
      key = m.find() ? m.group(1) : null;
      System.out.println("Started Sightline in this JVM at " + target + " (embedded PostgreSQL in " + dir + ")");
    }
    // several targets (cluster members, comma-separated): requests go to them in turn
    for (String t : target.split(",")) {
      targets.add(URI.create(t.trim()));
    }
    URI uri = targets.get(0);
    target = uri.toString();
    String mode = options.get("--mode");
    int rate = Integer.parseInt(options.get("--rate"));
    int seconds = Integer.parseInt(options.get("--seconds"));
    int connections = Integer.parseInt(options.get("--connections"));
    int warmup = Integer.parseInt(options.get("--warmup"));
    int batch = mode.equals("batch") ? Integer.parseInt(options.get("--batch")) : 1;
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    String domain = target.contains("127.0.0.1") && server != null ? "bench.example" : options.getOrDefault("--domain", "localhost");
    System.out.printf("mode=%s rate=%s/s seconds=%d (+%d warm-up) connections=%d%s%n", mode, rate == 0 ? "max" : rate, seconds,
        warmup, connections, batch > 1 ? " batch=" + batch : "");
    if (warmup > 0) {
      drive(vertx, client, mode, key, domain, rate, warmup, connections, batch, false);
    }
    drive(vertx, client, mode, key, domain, rate, seconds, connections, batch, true);
    printWriterMetrics(target);
    client.close();
    vertx.close();
    if (server != null) {
      server.stop();
      TestPostgres.deleteRecursively(dir);
    }
  }

  /** The writer's commit and rollup fold times over the whole run (warm-up included), from the server's /metrics. */
  private static void printWriterMetrics(String target) {
    try {
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          URI.create(target + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      StringBuilder out = new StringBuilder("writer:");
      for (String line : r.body().split("\n")) {
        if (line.matches("sightline_(writer_commit_seconds|rollup_fold_seconds|rollup_fold_rows)_(sum|count)[ {].*") || line.startsWith("sightline_rollup_unfolded_rows")
            || line.startsWith("sightline_rollup_state_entries")) {
          out.append(' ').append(line.replace("sightline_", ""));
        }
      }
      System.out.println(r.statusCode() == 200 ? out : "writer: /metrics answered " + r.statusCode());
    } catch (Exception e) {
      System.out.println("writer: metrics unavailable (" + e.getMessage() + ")");
    }
  }

  private void drive(Vertx vertx, HttpClient client, String mode, String key, String domain, int rate, int seconds, int connections,
                     int batch, boolean report) throws InterruptedException {
    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    Map<Integer, Integer> statuses = new TreeMap<>();
    long[] counts = new long[2]; // sent, completed
    CpuSnapshot cpuBefore = CpuSnapshot.take();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      if (rate > 0) {
        double perMs = rate / 1000.0;
        long[] timer = new long[1];
        timer[0] = vertx.setPeriodic(1, id -> {
          long now = System.nanoTime();
          long due = (long) ((now - start) / 1_000_000.0 * perMs);
          if (now >= end) {
            vertx.cancelTimer(timer[0]);
            waitForCompletion(vertx, counts, done);
            return;
          }
          while (counts[0] < due) {
            long scheduled = start + (long) (counts[0] / perMs * 1_000_000);
            counts[0]++;
            send(client, mode, key, domain, batch).onComplete(ar -> record(ar, scheduled, latency, statuses, counts));
          }
        });
      } else {
        for (int i = 0; i < connections; i++) {
          loop(client, mode, key, domain, batch, end, latency, statuses, counts, vertx, done);
        }
      }
    });
    done.await(seconds + 120L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    CpuSnapshot cpuAfter = CpuSnapshot.take();
    if (!report) {
      return;
    }
    long ok = statuses.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 300).mapToLong(Map.Entry::getValue).sum();
    System.out.printf("requests %d in %.1f s: %.0f req/s, %.0f events/s accepted (2xx %d, other %s)%n", counts[1], elapsed,
        counts[1] / elapsed, ok * batch / elapsed, ok, statuses);
    System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", latency.getValueAtPercentile(50) / 1000.0,
        latency.getValueAtPercentile(90) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0);
    if (ok > 0) {
      System.out.println(cpuAfter.since(cpuBefore, ok * batch));
    }
  }

  /**
   * CPU time of the machine (/proc/stat), of this JVM, and of this JVM's threads grouped by name (digits dropped),
   * so a run can say per accepted event where the CPU went: in the server's event loops, the generator, the JIT, or
   * outside the JVM (PostgreSQL, mostly, when the server runs in-process).
   */
  private record CpuSnapshot(long machineNanos, long jvmNanos, Map<String, Long> threads) {
    static CpuSnapshot take() {
      long machine = 0;
      try {
        String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
          ticks += i == 4 || i == 5 ? 0 : Long.parseLong(f[i]); // all but idle and iowait
        }
        machine = ticks * 10_000_000L; // USER_HZ = 100
      } catch (Exception e) {
        machine = -1; // not Linux: machine time unknown
      }
      long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      Map<String, Long> threads = new TreeMap<>();
      for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (info != null) {
          long t = mx.getThreadCpuTime(info.getThreadId());
          if (t > 0) {
            threads.merge(info.getThreadName().replaceAll("\\d+", "N") + "#" + info.getThreadId(), t, Long::sum);
          }
        }
      }
      return new CpuSnapshot(machine, jvm, threads);
    }

    String since(CpuSnapshot before, long events) {
      StringBuilder out = new StringBuilder(String.format("cpu us/event: machine %.1f, this JVM %.1f, outside it %.1f; threads:",
          machineNanos < 0 ? Double.NaN : (machineNanos - before.machineNanos) / 1000.0 / events, (jvmNanos - before.jvmNanos) / 1000.0 / events,
          machineNanos < 0 ? Double.NaN : (machineNanos - before.machineNanos - jvmNanos + before.jvmNanos) / 1000.0 / events));
      threads.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.threads.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
          .forEach(e -> out.append(String.format(" %s %.1f", e.getKey(), e.getValue() / 1000.0 / events)));
      return out.toString();
    }
  }

  private void loop(HttpClient client, String mode, String key, String domain, int batch, long end, Histogram latency,
                    Map<Integer, Integer> statuses, long[] counts, Vertx vertx, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      waitForCompletion(vertx, counts, done);
      return;
    }
    long scheduled = System.nanoTime();
    counts[0]++;
    send(client, mode, key, domain, batch).onComplete(ar -> {
      record(ar, scheduled, latency, statuses, counts);
      loop(client, mode, key, domain, batch, end, latency, statuses, counts, vertx, done);
    });
  }

  private static void waitForCompletion(Vertx vertx, long[] counts, CountDownLatch done) {
    vertx.setPeriodic(10, id -> {
      if (counts[1] >= counts[0]) {
        vertx.cancelTimer(id);
        done.countDown();
      }
    });
  }

  private static void record(io.vertx.core.AsyncResult<Integer> ar, long scheduled, Histogram latency, Map<Integer, Integer> statuses,
                             long[] counts) {
    counts[1]++;
    latency.recordValue(Math.max(0, (System.nanoTime() - scheduled) / 1000));
    statuses.merge(ar.succeeded() ? ar.result() : -1, 1, Integer::sum);
  }

  private Future<Integer> send(HttpClient client, String mode, String key, String domain, int batch) {
    String ip = (11 + random.nextInt(200)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(20));
    String ua = USER_AGENTS.get(random.nextInt(USER_AGENTS.size()));
    String body;
    String path;
    if (mode.equals("keyless")) {
      path = "/api/event";
      body = new JsonObject().put("n", random.nextInt(10) == 0 ? "Signup" : "pageview").put("u", pageUrl(domain)).put("d", domain)
          .put("r", REFERRERS.get(random.nextInt(REFERRERS.size()))).encode();
    } else if (mode.equals("keyed")) {
      path = "/api/event";
      body = clickportEvent(domain).encode();
    } else {
      path = "/api/event/batch";
      JsonArray events = new JsonArray();
      for (int i = 0; i < batch; i++) {
        events.add(clickportEvent(domain));
      }
      body = events.encode();
    }
    URI to = targets.get(nextTarget++ % targets.size());
    return client.request(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.POST).setHost(to.getHost()).setPort(to.getPort())
        .setURI(path)).compose(req -> {
      // a CDN's country header, read with --set ingest.cdnCountryHeader=CF-IPCountry (no GeoIP database here)
      req.putHeader("User-Agent", ua).putHeader("X-Forwarded-For", ip).putHeader("CF-IPCountry", COUNTRIES.get(Math.floorMod(ip.hashCode(), COUNTRIES.size())))
          .putHeader("Content-Type", mode.equals("keyless") ? "text/plain" : "application/json");
      if (!mode.equals("keyless")) {
        req.putHeader("x-api-key", key);
      }
      return req.send(Buffer.buffer(body)).compose(resp -> resp.body().map(b -> resp.statusCode()));
    });
  }

  private JsonObject clickportEvent(String domain) {
    JsonObject e = new JsonObject().put("url", pageUrl(domain)).put("referrer", REFERRERS.get(random.nextInt(REFERRERS.size())))
        .put("screen_width", random.nextBoolean() ? 1920 : 390);
    if (random.nextInt(10) == 0) {
      e.put("type", "custom").put("name", "Purchase").put("revenue_amount", 10 + random.nextInt(90)).put("revenue_currency", "EUR");
    }
    return e;
  }

  private String pageUrl(String domain) {
    double u = random.nextDouble();
    int page = 0;
    while (page < zipf.length - 1 && zipf[page] < u) {
      page++;
    }
    return "https://" + domain + "/page/" + page + LANDINGS.get(random.nextInt(LANDINGS.size()));
  }
}
