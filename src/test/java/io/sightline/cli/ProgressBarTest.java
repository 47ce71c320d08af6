package io.sightline.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
  @Test
  void theLineShowsTheBarRowsARateAndTheTimeLeft() {
    String line = ProgressBar.line("importing", 2_500, 10_000, 5.0);
    assertTrue(line.startsWith("importing"), line);
    assertTrue(line.contains("[=======>"), line);
    assertTrue(line.contains(" 25% 2,500/10,000 rows  500 rows/s  ETA 0:15"), line);
    assertTrue(ProgressBar.line("importing", 10_000, 10_000, 4.0).contains("100% 10,000/10,000 rows  2,500 rows/s  ETA --:--"));
    assertTrue(ProgressBar.line("importing", 0, 7_200_000, 1.0).contains("ETA --:--"), "no rate yet, no guess");
    assertTrue(ProgressBar.line("importing", 1_000, 7_201_000, 1.0).contains("ETA 2:00:00"));
  }

  @Test
  void offATerminalOnlyThePhasesAndTheirTimesArePrinted() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(out, true, StandardCharsets.UTF_8), false);
    bar.update("reading", 0, 0);
    bar.update("importing", 0, 10);
    bar.update("importing", 5, 10);
    bar.update("importing", 10, 10);
    bar.finish();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals("reading...", lines[0]);
    assertEquals("importing...", lines[1]);
    assertTrue(lines[2].matches("Time: reading \\d+\\.\\d s, importing \\d+\\.\\d s"), lines[2]);
    assertEquals(3, lines.length);
  }
}
