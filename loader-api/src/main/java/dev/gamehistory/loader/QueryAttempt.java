package dev.gamehistory.loader;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One backend query the engine ran during a load.
 *
 * @param id this attempt's number within the load, from 1
 * @param stage the strategy stage that ran it, e.g. {@code batch} or {@code per-player}
 * @param players the players it asked for
 * @param attempt 1 for the first try of these players, 2 for the first retry, ...
 * @param startedAt when it started, measured from the start of the load
 * @param duration how long the engine waited for it
 * @param outcome how it ended
 * @param rows rows it returned; 0 unless it succeeded
 * @param cancelled whether the engine asked the backend to cancel it
 * @param failure the failure, for an attempt that did not succeed
 * @param statistics what the backend reported about it
 */
public record QueryAttempt(
    int id,
    String stage,
    List<String> players,
    int attempt,
    Duration startedAt,
    Duration duration,
    Outcome outcome,
    long rows,
    boolean cancelled,
    Optional<LoaderException> failure,
    Optional<BackendStatistics> statistics) {

  /** Copies the players and checks that no field is null. */
  public QueryAttempt {
    Objects.requireNonNull(stage, "stage");
    players = List.copyOf(players);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(statistics, "statistics");
  }

  /** How many times these players were retried before this attempt. */
  public int retries() {
    return attempt - 1;
  }

  /** How a query attempt ended. */
  public enum Outcome {
    /** The backend returned every requested player's rows. */
    SUCCEEDED,
    /** The per-query timeout ran out; the query was cancelled. */
    TIMED_OUT,
    /** The backend reported an error. */
    FAILED,
    /** The load's deadline passed, or the load was cancelled, while the query ran. */
    CANCELLED
  }
}
