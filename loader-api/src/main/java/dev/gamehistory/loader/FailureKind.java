package dev.gamehistory.loader;

/** Why a player ended {@link PlayerOutcome.Failed}; each kind has its own exception type. */
public enum FailureKind {
  /** A query ran past its per-query timeout and was cancelled: {@link QueryTimeoutException}. */
  TIMEOUT,
  /** The load's total deadline passed first: {@link DeadlineExceededException}. */
  DEADLINE,
  /** The backend reported an error: {@link BackendException}. */
  BACKEND,
  /** The load was cancelled by its caller or by {@code close()}: {@link LoadCancelledException}. */
  CANCELLED
}
