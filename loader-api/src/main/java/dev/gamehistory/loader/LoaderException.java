package dev.gamehistory.loader;

/**
 * The cause attached to a failed player: one subtype per failure mode, each with its
 * {@link #kind()} and whether trying again may help.
 */
public abstract sealed class LoaderException extends RuntimeException
    permits QueryTimeoutException, DeadlineExceededException, BackendException, LoadCancelledException {

  private static final long serialVersionUID = 1L;

  LoaderException(String message, Throwable cause) {
    super(message, cause);
  }

  LoaderException(String message) {
    super(message);
  }

  /** The failure mode. */
  public abstract FailureKind kind();

  /** Whether the same query may succeed if tried again. */
  public abstract boolean isRetryable();
}
