package io.sightline.cli;

import io.sightline.config.SightlineConfig;
import io.sightline.lifecycle.FirstStartBanner;
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
    // standard output under Docker, systemd or a log shipper is a log: a first start's keys then go to a file
    SightlineServer server = SightlineServer.start(config, FirstStartBanner.forStandardOutput(root.out, config.database().embeddedDataDir()));
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "sightline-shutdown"));
    serving = true;
    return 0;
  }
}
