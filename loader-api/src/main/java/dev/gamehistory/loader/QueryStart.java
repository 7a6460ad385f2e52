package dev.gamehistory.loader;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A query attempt as its backend call begins; the same {@link #id()} names it in its
 * {@link QueryAttempt} when it ends.
 *
 * @param id the attempt's number within its load, from 1, as in {@link QueryAttempt#id()}
 * @param backend the backend's name, e.g. {@code bigquery}
 * @param stage the strategy stage that ran it, as in {@link QueryAttempt#stage()}
 * @param players the players it asks for
 * @param attempt 1 for a first try of these players, 2 for the first retry, ...
 * @param startedAt when it started, measured from the load's start
 * @param timeout how long it may take: its per-query timeout or the load's time left, whichever is first
 */
public record QueryStart(int id, String backend, String stage, List<String> players, int attempt, Duration startedAt,
    Duration timeout) {

  /** Copies the players and checks that no field is null. */
  public QueryStart {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(stage, "stage");
    players = List.copyOf(players);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(timeout, "timeout");
  }
}
