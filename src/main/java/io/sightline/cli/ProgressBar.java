package io.sightline.cli;

import io.sightline.imports.ImportProgress;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal ({@code me.tongfei:progressbar}'s look, which the registry this project builds from does
 * not serve): phase, bar, percentage, rows done of all, rows a second and the time left, redrawn at most ten times a second.
 * Off a terminal (a pipe, a log) it prints nothing but the phases, one line each.
 */
final class ProgressBar implements ImportProgress {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private String phase = "";
  private long phaseStarted = System.nanoTime();
  private final StringBuilder phases = new StringBuilder();
  private long lastDraw;

  ProgressBar(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void update(String phase, long done, long total) {
    long now = System.nanoTime();
    boolean newPhase = !phase.equals(this.phase);
    if (newPhase) {
      endPhase(now);
    }
    if (newPhase && terminal && !this.phase.isEmpty()) {
      out.println();
    }
    if (newPhase && !terminal) {
      out.println(phase + "...");
    }
    this.phase = phase;
    if (!terminal || (!newPhase && done < total && now - lastDraw < 100_000_000L)) {
      return;
    }
    lastDraw = now;
    out.print('\r' + line(phase, done, total, (now - started) / 1e9));
    out.flush();
  }

  private void endPhase(long now) {
    if (!this.phase.isEmpty()) {
      phases.append(phases.length() == 0 ? "" : ", ").append(String.format("%s %.1f s", this.phase, (now - phaseStarted) / 1e9));
    }
    phaseStarted = now;
  }

  /** Ends the bar's line and says how long each phase took. */
  void finish() {
    if (terminal && !phase.isEmpty()) {
      out.println();
    }
    endPhase(System.nanoTime());
    if (phases.length() > 0) {
      out.println("Time: " + phases);
    }
  }

  static String line(String phase, long done, long total, double seconds) {
    double rate = seconds > 0 ? done / seconds : 0;
    StringBuilder bar = new StringBuilder();
    int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, WIDTH * done / total);
    bar.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "").append(" ".repeat(Math.max(0, WIDTH - filled - 1)))
        .append(']');
    String eta = rate <= 0 || total <= done ? "--:--" : clock((total - done) / rate);
    return String.format("%-18s %s %3d%% %,d/%,d rows  %,.0f rows/s  ETA %s", phase, bar, total <= 0 ? 0 : (int) (100 * done / total), done,
        total, rate, eta);
  }

  private static String clock(double seconds) {
    long s = (long) Math.ceil(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }
}
