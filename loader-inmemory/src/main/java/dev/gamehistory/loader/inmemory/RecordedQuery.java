package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code fetch} or {@code fetchDates} call the in-memory backend received, as it stood when {@link
 * InMemoryGamesQuery#history()} was read.
 *
 * @param number the call's number over the backend instance, from 1 (what fault selectors count)
 * @param queryId the engine's id of the query
 * @param attempt the engine's attempt number, 1 for a first try
 * @param dates what was asked: the players of each date (one date for a {@code fetch}, several for a
 *     {@code fetchDates})
 * @param startedAt when the call started, on the backend's clock
 * @param endedAt when it returned or threw; absent while it runs
 * @param outcome how it ended, {@link Outcome#RUNNING} while it runs
 * @param cancelled whether the engine cancelled the query (at any time before it was recorded)
 * @param faults the faults the plan applied, in rule order
 * @param rows games returned; 0 unless it succeeded
 */
public record RecordedQuery(
    int number,
    String queryId,
    int attempt,
    DatesQuery dates,
    Instant startedAt,
    Optional<Instant> endedAt,
    Outcome outcome,
    boolean cancelled,
    List<Fault> faults,
    long rows) {

  /** Copies the faults and checks that no field is null. */
  public RecordedQuery {
    Objects.requireNonNull(queryId, "queryId");
    Objects.requireNonNull(dates, "dates");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(outcome, "outcome");
    faults = List.copyOf(faults);
  }

  /**
   * What a call of one date asked.
   *
   * @throws IllegalStateException for a call of several dates: see {@link #dates()}
   */
  public WindowQuery query() {
    if (dates.slates().size() != 1) {
      throw new IllegalStateException("call " + number + " asked for " + dates.slates().size() + " dates: see dates()");
    }
    return dates.window(dates.slates().firstKey());
  }

  /** The game dates asked for, ascending. */
  public List<LocalDate> gameDates() {
    return List.copyOf(dates.slates().keySet());
  }

  /** The distinct players asked for, over every date. */
  public List<String> players() {
    return dates.players();
  }

  /** How long the call took; absent while it runs. */
  public Optional<Duration> duration() {
    return endedAt.map(end -> Duration.between(startedAt, end));
  }

  /** Whether the call has returned or thrown. */
  public boolean isDone() {
    return outcome != Outcome.RUNNING;
  }

  /** How a call ended. */
  public enum Outcome {
    /** Still running. */
    RUNNING,
    /** Returned the players' games. */
    SUCCEEDED,
    /** Threw an injected error. */
    FAILED,
    /** Cancelled before it answered (while delayed or before it started), without a hang. */
    CANCELLED,
    /** Its fault plan made it hang; it ended when cancelled (even by a cancel that came before it began to wait). */
    HUNG_CANCELLED
  }
}
