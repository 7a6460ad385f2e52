package dev.gamehistory.loader.cli;

import java.io.PrintWriter;

/**
 * Progress of a long run on stderr, rewriting one line; silent unless stderr is a terminal, so
 * redirected output and scripts see nothing of it.
 */
final class Progress {

  private final PrintWriter err;
  private final boolean enabled;
  private int width;

  private Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Progress shown on {@code err} when the context is a terminal, else nothing. */
  static Progress of(CliContext context, PrintWriter err) {
    return new Progress(err, context.terminal());
  }

  /** Whether anything is shown: a caller may skip working out a message that would not be. */
  boolean enabled() {
    return enabled;
  }

  /** Replaces the line with {@code message}. */
  synchronized void show(String message) {
    if (!enabled) {
      return;
    }
    String padded = message.length() < width ? message + " ".repeat(width - message.length()) : message;
    err.print("\r" + padded);
    err.flush();
    width = message.length();
  }

  /** Clears the line. */
  synchronized void done() {
    if (!enabled || width == 0) {
      return;
    }
    err.print("\r" + " ".repeat(width) + "\r");
    err.flush();
    width = 0;
  }
}
