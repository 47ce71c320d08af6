package io.sightline;

import io.sightline.cli.ServeCommand;
import io.sightline.cli.SightlineCommand;

/** Entry point: {@code java -jar sightline.jar [serve|sites|keys] ...}. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    int code = SightlineCommand.create(System.getenv(), System.out, System.err).execute(args);
    if (code != 0 || !ServeCommand.serving()) {
      System.exit(code);
    }
    // serving: Vert.x threads keep the JVM alive; the shutdown hook stops the server
  }
}
