package dev.gamehistory.loader.cli;

/**
 * Bad input on the command line: {@code hgl} prints the message as one line and exits with
 * {@link Hgl#EXIT_USAGE}. Messages read {@code <culprit>: <problem>; got '<value>'}.
 */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A problem with {@code culprit} (an option or setting), which had {@code value}. */
  UsageException(String culprit, String problem, String value) {
    super(culprit + ": " + problem + "; got '" + value + "'");
  }

  /** A problem described in full by {@code message}. */
  UsageException(String message) {
    super(message);
  }

  /** A problem described in full by {@code message}, caused by {@code cause}. */
  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
