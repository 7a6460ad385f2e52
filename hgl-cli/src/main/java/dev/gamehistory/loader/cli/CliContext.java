package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.GamesQuery;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the commands take from the process rather than from their options, so tests can set it.
 *
 * @param environment the environment variables; {@code HGL_*} ones override settings
 * @param terminal whether stderr is a terminal: progress is shown only then
 * @param backends creates the backend the settings name; {@link Backend#fromProviders} in production
 */
record CliContext(Map<String, String> environment, boolean terminal, Function<LoaderSettings, GamesQuery> backends) {

  /** Copies the environment and checks that no field is null. */
  CliContext {
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(backends, "backends");
  }

  /** The given environment and terminal, with the backends found on the class path. */
  CliContext(Map<String, String> environment, boolean terminal) {
    this(environment, terminal, Backend::fromProviders);
  }

  /** The process's environment; a terminal when {@link System#console()} is present. */
  static CliContext system() {
    return new CliContext(System.getenv(), System.console() != null);
  }
}
