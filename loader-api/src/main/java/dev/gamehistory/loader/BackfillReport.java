package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a whole backfill did: each query counted once, however many dates it held.
 *
 * @param dates game dates handed out so far
 * @param pairs (date, player) pairs of those dates
 * @param failedPairs pairs of those dates that failed
 * @param queries backend queries run (every attempt, retries and splits included)
 * @param rows rows the queries returned
 * @param bytesProcessed bytes the queries processed, when the backend tells (BigQuery)
 * @param bytesBilled bytes the queries billed, when the backend tells
 * @param elapsed time from the start of the backfill to now, or to its end
 * @param deadline the backfill's deadline
 */
public record BackfillReport(int dates, long pairs, long failedPairs, int queries, long rows,
    OptionalLong bytesProcessed, OptionalLong bytesBilled, Duration elapsed, Duration deadline) {

  /** Checks that no field is null. */
  public BackfillReport {
    Objects.requireNonNull(bytesProcessed, "bytesProcessed");
    Objects.requireNonNull(bytesBilled, "bytesBilled");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(deadline, "deadline");
  }

  /**
   * One line, e.g. {@code 7 dates, 21 pairs (0 failed), 1 query, 120 rows, 12 ms}, with the bytes
   * processed before the time when the backend tells them.
   */
  public String summary() {
    String bytes = bytesProcessed.isPresent() ? ", " + bytesProcessed.getAsLong() + " bytes processed" : "";
    return Internals.count(dates, "date", "dates") + ", " + Internals.count(pairs, "pair", "pairs") + " ("
        + failedPairs + " failed), " + Internals.count(queries, "query", "queries") + ", "
        + Internals.count(rows, "row", "rows") + bytes + ", " + elapsed.toMillis() + " ms";
  }

  /** Histories handed out per second of the backfill so far. */
  public double pairsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : pairs / seconds;
  }
}
