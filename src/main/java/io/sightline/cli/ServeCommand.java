package io.sightline.cli;

import io.sightline.config.SightlineConfig;
import io.sightline.lifecycle.SightlineServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** Starts the server and stops it cleanly on SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start Sightline (the default when no command is given).")
public final class ServeCommand implements Callable<Integer> {
  private static volatile boolean serving;

  @ParentCommand
  SightlineCommand root;

  @Mixin
  GlobalOptions options = new GlobalOptions();

  /** True once a server is running in this process (so main must not exit). */
  public static boolean serving() {
    return serving;
  }

  @Override
  public Integer call() {
    SightlineConfig config = options.load(root.env);
    SightlineServer server = SightlineServer.start(config, root.out);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "sightline-shutdown"));
    serving = true;
    return 0;
  }
}
