package dev.gamehistory.loader;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One game date of a backfill: the {@link LoadResult} that a load of that date's request returns,
 * with the same outcomes and contract. Its report's attempts are the queries that held the date
 * (each with the date's players and rows; a query's statistics are of the whole query, which may
 * have held other dates), its events those of these queries, its deadline and start the backfill's.
 *
 * @param gameDate the game date
 * @param result the date's result
 */
public record DateResult(LocalDate gameDate, LoadResult result) {

  /** Checks that no field is null. */
  public DateResult {
    Objects.requireNonNull(gameDate, "gameDate");
    Objects.requireNonNull(result, "result");
  }
}
