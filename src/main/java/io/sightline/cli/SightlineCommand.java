package io.sightline.cli;

import io.sightline.config.ConfigException;
import io.sightline.db.DatabaseUnavailableException;
import io.sightline.db.MigrationException;
import io.sightline.db.embedded.EmbeddedPostgresException;
import io.sightline.http.ApiException;
import io.sightline.ingest.enrich.update.DataUpdateException;
import io.sightline.server.StartupException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sightline [serve|sites|keys|goals|hum] ...}; with no command it serves. */
@Command(name = "sightline", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Self-hosted web analytics server.",
    subcommands = {ServeCommand.class, SitesCommand.class, KeysCommand.class, GoalsCommand.class, HumCommand.class,
        AnalyticsViewsCommand.class, ContentRulesCommand.class, AdsCommand.class, RollupsCommand.class, DataCommand.class,
        ExportCommand.class, ImportCommand.class})
public final class SightlineCommand implements Callable<Integer> {
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_CONFIG = 2;

  final Map<String, String> env;
  final PrintStream out;

  public SightlineCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  @CommandLine.Mixin
  GlobalOptions options = new GlobalOptions();

  @Override
  public Integer call() {
    ServeCommand serve = new ServeCommand();
    serve.root = this;
    serve.options = options;
    return serve.call();
  }

  /** The command line with Sightline's error handling: operator mistakes print one line, not a stack trace. */
  public static CommandLine create(Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new SightlineCommand(env, out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
      commandLine.getErr().println("error: " + message);
      if (ex instanceof ConfigException || ex instanceof ApiException || ex instanceof IllegalArgumentException) {
        return EXIT_CONFIG;
      }
      if (ex instanceof DatabaseUnavailableException || ex instanceof MigrationException || ex instanceof EmbeddedPostgresException
          || ex instanceof StartupException || ex instanceof DataUpdateException) {
        return EXIT_FAILURE;
      }
      ex.printStackTrace(commandLine.getErr()); // a bug, not an operator mistake: keep the trace
      return EXIT_FAILURE;
    });
    return cli;
  }
}
