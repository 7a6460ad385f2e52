package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.LoadCancelledException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A backend: fetches some players' windows. The engine calls {@link #fetch} from its worker threads,
 * possibly concurrently, bounds the wait and retries; the backend only runs one query, honestly.
 *
 * <p>Implementations must be thread-safe, must throw a {@link dev.gamehistory.loader.LoaderException}
 * subtype (usually {@link dev.gamehistory.loader.BackendException} with the right retryability) for
 * a failure, never return a partial result as if complete, and should stop server work when the
 * context is cancelled.
 */
public interface GamesQuery extends AutoCloseable {

  /** The backend's name for reports, e.g. {@code bigquery} or {@code in-memory}. */
  String name();

  /**
   * Runs one query and returns every requested player's games.
   *
   * @throws dev.gamehistory.loader.LoaderException for a failure
   */
  QueryResult fetch(WindowQuery query, QueryContext context);

  /**
   * Runs one query over several game dates and returns every requested (date, player) pair's games,
   * each date's as {@link #fetch} would return it for that date alone. The default runs {@link
   * #fetch} once per date, in date order, stopping when the context is cancelled; a backend that can
   * answer many dates in one statement (BigQuery) overrides it.
   *
   * @throws dev.gamehistory.loader.LoaderException for a failure of any date: the query fails whole
   */
  default DatesResult fetchDates(DatesQuery query, QueryContext context) {
    Map<LocalDate, QueryResult> dates = new TreeMap<>();
    for (LocalDate date : query.slates().keySet()) {
      if (context.isCancelled()) {
        throw LoadCancelledException.of("query cancelled");
      }
      dates.put(date, fetch(query.window(date), context));
    }
    return new DatesResult(dates, Optional.empty());
  }

  /**
   * The players with a game on each date from {@code from} to {@code to} (both inclusive), each
   * date's players sorted, dates without games left out: the slates of a backfill over the dates
   * that were played. The default says the backend cannot tell.
   *
   * @throws UnsupportedOperationException when the backend cannot list them
   * @throws IllegalArgumentException when {@code to} is before {@code from}
   * @throws dev.gamehistory.loader.LoaderException when the backend fails
   */
  default SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to) {
    throw new UnsupportedOperationException("the backend '" + name() + "' cannot list who played on each date");
  }

  /**
   * Checks that the backend can serve queries, for a health check: for BigQuery, a dry run of the
   * statement in the jobs' location, which fails where a query would. The default does nothing
   * (always healthy).
   *
   * @throws dev.gamehistory.loader.LoaderException when it cannot
   */
  default void check() {}

  /** Releases the backend's resources; the default does nothing. */
  @Override
  default void close() {}
}
