package io.sightline.ops;

import java.util.concurrent.atomic.AtomicBoolean;

/** Whether the process should receive traffic: false until started, and again once stopping begins. */
public final class Readiness {
  private final AtomicBoolean accepting = new AtomicBoolean(false);

  public void started() {
    accepting.set(true);
  }

  public void stopping() {
    accepting.set(false);
  }

  public boolean accepting() {
    return accepting.get();
  }
}
