package dev.gamehistory.examples.cli;

import java.util.Map;
import java.util.Objects;

/**
 * What the commands take from the process rather than from their options, so tests can set it.
 *
 * @param environment the environment variables; {@code HGL_*} ones override settings
 * @param terminal whether stderr is a terminal: progress is shown only then
 */
record CliContext(Map<String, String> environment, boolean terminal) {

  /** Copies the environment. */
  CliContext {
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  /** The process's environment; a terminal when {@link System#console()} is present. */
  static CliContext system() {
    return new CliContext(System.getenv(), System.console() != null);
  }
}
