package io.sightline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: compares two server settings under the {@link LoadGenerator} on a shared, noisy machine (Linux only).
 * Run one after the other, two runs of the same build differ by more than rollups cost; so both run at once, as two
 * child JVMs (each its generator, server and embedded PostgreSQL), and only one of them has the CPU at a time: every
 * slice, the other one's processes (its JVM, its postmaster and backends) are stopped with SIGSTOP and resumed with
 * SIGCONT. A slow phase of the machine then hits both sides alike. For each side it prints the generator's accepted
 * events/s (half the solo rate, as each side runs half the time) and the CPU each side's JVM and PostgreSQL spent per
 * event over its measured window; then the ratio B/A of each round, and their median.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:CLASSPATH io.sightline.bench.TimeSlicedComparison \
 *     --rounds 3 --slice-ms 1000 --a "--rollups false" --b "--rollups true --set writer.rollupFoldMillis=20000" \
 *     -- --rate 0 --seconds 60 --warmup 240 --mode keyless --connections 256 --set ingest.cdnCountryHeader=CF-IPCountry
 * </pre>
 * {@code --a-jvm} and {@code --b-jvm} add JVM options to a side ({@code --heap}, default 4g, sets both heaps).
 * Arguments after {@code --} go to both generators, then each side's own ({@code --set} of a side replaces the common
 * one, so repeat the common settings there). Wall-clock timers of the server run twice as often per event as they
 * would alone: give a side's periodic work (the rollup fold) twice its interval to compare like with like.
 */
public final class TimeSlicedComparison {
  private static final Pattern ACCEPTED = Pattern.compile("([0-9]+) events/s accepted");
  private static final Pattern POSTGRES_DIR = Pattern.compile("embedded PostgreSQL in (\\S+)\\)");
  private static final Pattern MODE = Pattern.compile("^mode=.* seconds=(\\d+) \\(\\+(\\d+) warm-up\\)", Pattern.MULTILINE);

  /** One side of a round: its JVM, its output, and its CPU at the edges of its measured window. */
  private static final class Side {
    final String name;
    final Process process;
    final Path log;
    long windowStartNanos = -1;
    long windowEndNanos = -1;
    double[] cpuAtStart;
    double[] cpuAtEnd;

    Side(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }

    /** The JVM and its descendants, then the embedded postmaster and its backends (once it runs). */
    List<ProcessHandle> jvmTree() {
      List<ProcessHandle> all = new ArrayList<>();
      all.add(process.toHandle());
      process.toHandle().descendants().forEach(all::add);
      return all;
    }

    List<ProcessHandle> postgresTree() {
      List<ProcessHandle> all = new ArrayList<>();
      Matcher m = POSTGRES_DIR.matcher(output());
      if (m.find()) {
        Path pid = Path.of(m.group(1), "data", "postgres", "postmaster.pid");
        try {
          long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).trim());
          ProcessHandle.of(postmaster).ifPresent(p -> {
            all.add(p);
            p.descendants().forEach(all::add);
          });
        } catch (IOException | RuntimeException e) {
          // not started yet, or stopping
        }
      }
      return all;
    }

    /**
     * CPU seconds so far: the JVM's, PostgreSQL's (the live processes', plus the postmaster's exited children's, so that
     * autovacuum workers count).
     */
    double[] cpu() {
      List<ProcessHandle> postgres = postgresTree();
      return new double[] {cpuSeconds(jvmTree()), cpuSeconds(postgres) + (postgres.isEmpty() ? 0 : exitedChildren(postgres.get(0)))};
    }

    void signal(String signal) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
      jvmTree().forEach(p -> command.add(Long.toString(p.pid())));
      postgresTree().forEach(p -> command.add(Long.toString(p.pid())));
      new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
  }

  private static double cpuSeconds(List<ProcessHandle> processes) {
    return processes.stream().map(p -> p.info().totalCpuDuration()).flatMap(Optional::stream).mapToLong(Duration::toNanos).sum() / 1e9;
  }

  /** CPU seconds of a process's children that exited and were waited for ({@code cutime + cstime} in /proc, at 100 ticks a second). */
  private static double exitedChildren(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0; // fields 16 and 17 of stat(5)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>(Map.of("--rounds", "3", "--slice-ms", "1000", "--a", "--rollups false",
        "--b", "--rollups true", "--heap", "4g", "--a-jvm", "", "--b-jvm", ""));
    List<String> common = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        common.addAll(Arrays.asList(args).subList(i + 1, args.length));
        break;
      }
      options.put(args[i], args[++i]);
    }
    int rounds = Integer.parseInt(options.get("--rounds"));
    long slice = Long.parseLong(options.get("--slice-ms"));
    List<Double> ratios = new ArrayList<>();
    System.out.printf("A: %s%nB: %s%ncommon: %s%n", options.get("--a"), options.get("--b"), String.join(" ", common));
    for (int round = 1; round <= rounds; round++) {
      Side a = start("A", common, options.get("--a"), options.get("--a-jvm") + " -Xmx" + options.get("--heap"));
      Side b = start("B", common, options.get("--b"), options.get("--b-jvm") + " -Xmx" + options.get("--heap"));
      alternate(a, b, slice);
      double[] ra = report(round, a);
      double[] rb = report(round, b);
      if (ra[0] > 0 && rb[0] > 0) {
        ratios.add(rb[0] / ra[0]);
        System.out.printf("round %d: B/A %.3f (JVM µs/event %+.1f, PostgreSQL µs/event %+.1f)%n", round, rb[0] / ra[0], rb[1] - ra[1],
            rb[2] - ra[2]);
      }
    }
    double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length > 0) {
      System.out.printf("B/A over %d rounds: median %.3f, range %.3f-%.3f%n", sorted.length, sorted[sorted.length / 2],
          sorted[0], sorted[sorted.length - 1]);
    }
  }

  private static Side start(String name, List<String> common, String own, String jvmOptions) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Arrays.asList(jvmOptions.trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName()));
    command.addAll(common);
    command.addAll(Arrays.asList(own.trim().split("\\s+")));
    Path log = Files.createTempFile("sightline-compare-" + name + "-", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Side(name, p, log);
  }

  /** Gives the CPU to one side per slice until both are done; notes each side's CPU at the edges of its measured window. */
  private static void alternate(Side a, Side b, long sliceMillis) throws Exception {
    Side running = a;
    Side paused = b;
    while (a.process.isAlive() || b.process.isAlive()) {
      if (paused.process.isAlive()) {
        paused.signal("STOP");
      }
      running.signal("CONT");
      Thread.sleep(sliceMillis);
      for (Side s : new Side[] {a, b}) {
        window(s);
        if (!s.process.isAlive() && !ACCEPTED.matcher(s.output()).find()) {
          // a side that failed (a bad setting, say) ends the round: the other one alone would measure nothing
          for (Side other : new Side[] {a, b}) {
            other.signal("CONT");
            other.process.destroy();
          }
        }
      }
      if (paused.process.isAlive()) {
        Side t = running;
        running = paused;
        paused = t;
      }
    }
  }

  /** Samples a side's CPU one slice pair into its measured window and one slice pair before its end. */
  private static void window(Side s) {
    long now = System.nanoTime();
    if (s.windowStartNanos < 0) {
      Matcher m = MODE.matcher(s.output());
      if (m.find()) {
        s.windowStartNanos = now + Duration.ofSeconds(Long.parseLong(m.group(2)) + 2).toNanos();
        s.windowEndNanos = s.windowStartNanos + Duration.ofSeconds(Long.parseLong(m.group(1)) - 4).toNanos();
      }
      return;
    }
    if (s.cpuAtStart == null && now >= s.windowStartNanos) {
      s.cpuAtStart = s.cpu();
      s.windowStartNanos = now;
    } else if (s.cpuAtEnd == null && s.cpuAtStart != null && now >= s.windowEndNanos) {
      s.cpuAtEnd = s.cpu();
      s.windowEndNanos = now;
    }
  }

  /** Prints a side's result; returns {events/s, JVM µs/event, PostgreSQL µs/event} (0 events/s when it failed). */
  private static double[] report(int round, Side s) {
    String out = s.output();
    Matcher m = ACCEPTED.matcher(out);
    if (!m.find()) {
      System.out.printf("round %d %s: no result; output in %s%n", round, s.name, s.log);
      return new double[3];
    }
    double rate = Double.parseDouble(m.group(1));
    double jvm = Double.NaN;
    double pg = Double.NaN;
    if (s.cpuAtStart != null && s.cpuAtEnd != null) {
      double events = rate * (s.windowEndNanos - s.windowStartNanos) / 1e9;
      jvm = (s.cpuAtEnd[0] - s.cpuAtStart[0]) * 1e6 / events;
      pg = (s.cpuAtEnd[1] - s.cpuAtStart[1]) * 1e6 / events;
    }
    System.out.printf("round %d %s: %,.0f events/s accepted; CPU µs/event: JVM %.1f, PostgreSQL %.1f%n", round, s.name, rate, jvm, pg);
    return new double[] {rate, jvm, pg};
  }
}
