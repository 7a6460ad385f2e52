package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.GamesQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/** Runs {@code hgl} in-process with captured streams. */
final class HglRunner {

  /** What a run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  private HglRunner() {}

  /** Runs with no environment, not on a terminal, with the class path's backends. */
  static Result hgl(String... args) {
    return run(new CliContext(Map.of(), false), args);
  }

  /** Runs with the given environment. */
  static Result hglWithEnvironment(Map<String, String> environment, String... args) {
    return run(new CliContext(environment, false), args);
  }

  /** Runs with the given backend factory (e.g. an in-memory backend with faults). */
  static Result hglWithBackends(Function<LoaderSettings, GamesQuery> backends, String... args) {
    return run(new CliContext(Map.of(), false, backends), args);
  }

  /** Runs in the given context. */
  static Result run(CliContext context, String... args) {
    CommandLine commandLine = Hgl.commandLine(context);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
