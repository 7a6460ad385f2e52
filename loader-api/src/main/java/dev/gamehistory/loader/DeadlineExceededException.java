package dev.gamehistory.loader;

import java.time.Duration;

/** The load's total deadline passed before this player's history was loaded. */
public final class DeadlineExceededException extends LoaderException {

  private static final long serialVersionUID = 1L;

  private final Duration deadline;

  private DeadlineExceededException(String message, Duration deadline) {
    super(message);
    this.deadline = deadline;
  }

  /** The load's deadline, measured from its start, ran out. */
  public static DeadlineExceededException of(Duration deadline) {
    return new DeadlineExceededException(
        "load deadline of " + deadline.toMillis() + " ms passed before the player was loaded", deadline);
  }

  /** The deadline that ran out, measured from the start of the load. */
  public Duration deadline() {
    return deadline;
  }

  @Override
  public FailureKind kind() {
    return FailureKind.DEADLINE;
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
