package dev.gamehistory.loader;

import org.jspecify.annotations.Nullable;

/**
 * The backend reported an error. {@link #reason()} is the backend's short code (for BigQuery:
 * {@code backendError}, {@code rateLimitExceeded}, {@code invalidQuery}, ...) and
 * {@link #isRetryable()} says whether the engine may try again, {@link #isSplittable()} whether a
 * query for fewer players may succeed where this one failed.
 */
public final class BackendException extends LoaderException {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean retryable;
  private final boolean splittable;

  private BackendException(String message, String reason, boolean retryable, boolean splittable,
      @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryable = retryable;
    this.splittable = splittable;
  }

  /** A transient error: a server error, a rate limit, a reset connection. */
  public static BackendException transientError(String reason, String message, @Nullable Throwable cause) {
    return new BackendException(message, reason, true, false, cause);
  }

  /** A permanent error: trying again gives the same answer (an invalid query, a missing table, no access). */
  public static BackendException permanentError(String reason, String message, @Nullable Throwable cause) {
    return new BackendException(message, reason, false, false, cause);
  }

  /**
   * The query was too large for the backend (for BigQuery: {@code resourcesExceeded},
   * {@code responseTooLarge}): trying it again gives the same answer, but a query for fewer players
   * may pass, so the adaptive strategy splits it as it splits a timed-out query.
   */
  public static BackendException tooLarge(String reason, String message, @Nullable Throwable cause) {
    return new BackendException(message, reason, false, true, cause);
  }

  /** Whether a query for fewer players may succeed where this one failed; see {@link #tooLarge}. */
  public boolean isSplittable() {
    return splittable;
  }

  /** The backend's short code for the error. */
  public String reason() {
    return reason;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.BACKEND;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
