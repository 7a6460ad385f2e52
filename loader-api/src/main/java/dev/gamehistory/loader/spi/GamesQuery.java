package dev.gamehistory.loader.spi;

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
