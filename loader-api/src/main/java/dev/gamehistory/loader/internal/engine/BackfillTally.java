package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackfillReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import java.time.Duration;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * The running totals of a backfill's report: the dates handed out with their pairs, and the queries
 * with their rows and bytes, each query counted once, so that a backfill keeps totals rather than
 * every attempt of the season. Not thread-safe: its owner guards it.
 */
final class BackfillTally {

  private int dates;
  private long pairs;
  private long failedPairs;
  private int queries;
  private long rows;
  private long processed = -1;
  private long billed = -1;

  /** Counts a date handed out. */
  void date(LoadRequest request, LoadResult result) {
    dates++;
    pairs += request.players().size();
    failedPairs += result.failedPlayers().size();
  }

  /** Counts finished queries. */
  void queries(Collection<QueryAttempt> attempts) {
    for (QueryAttempt attempt : attempts) {
      queries++;
      rows += attempt.rows();
      attempt.statistics().ifPresent(statistics -> {
        statistics.bytesProcessed().ifPresent(bytes -> processed = Math.max(processed, 0) + bytes);
        statistics.bytesBilled().ifPresent(bytes -> billed = Math.max(billed, 0) + bytes);
      });
    }
  }

  /** The report of what was counted and of {@code running}, queries not counted yet. */
  BackfillReport report(Collection<QueryAttempt> running, Duration elapsed, Duration deadline) {
    BackfillTally all = copy();
    all.queries(running);
    return new BackfillReport(all.dates, all.pairs, all.failedPairs, all.queries, all.rows,
        all.processed < 0 ? OptionalLong.empty() : OptionalLong.of(all.processed),
        all.billed < 0 ? OptionalLong.empty() : OptionalLong.of(all.billed), elapsed, deadline);
  }

  private BackfillTally copy() {
    BackfillTally copy = new BackfillTally();
    copy.dates = dates;
    copy.pairs = pairs;
    copy.failedPairs = failedPairs;
    copy.queries = queries;
    copy.rows = rows;
    copy.processed = processed;
    copy.billed = billed;
    return copy;
  }
}
