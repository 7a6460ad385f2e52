package dev.gamehistory.loader.bigquery;

import java.util.List;
import java.util.Objects;

/**
 * What a backfill would read, by BigQuery dry runs, against the per-date loop a user would otherwise
 * run: {@link #multiDate()} holds one entry per multi-date query of the plan (consecutive dates of
 * one window, at most {@code backfill.dates-per-query} dates and {@code backfill.pairs-per-query}
 * pairs each, before the strategy's chunking, which reads the same partitions), {@link #perDate()}
 * one entry per date (the date's whole slate in one query). Besides the bytes, each side counts its
 * <em>partition days</em>: the days of the date-partitioned table its queries' partition filters
 * span, summed over its queries, which is what pruning reads whatever the data (a per-date query
 * spans its window; a multi-date query the span of its dates' windows once).
 *
 * @param multiDate the multi-date queries' dry runs, in date order
 * @param perDate the per-date loop's dry runs, in date order
 * @param multiDatePartitionDays partition days the multi-date queries span
 * @param perDatePartitionDays partition days the per-date queries span
 */
public record BackfillEstimate(List<CostEstimate.QueryCost> multiDate, List<CostEstimate.QueryCost> perDate,
    long multiDatePartitionDays, long perDatePartitionDays) {

  /** Copies the lists. */
  public BackfillEstimate {
    multiDate = List.copyOf(Objects.requireNonNull(multiDate, "multiDate"));
    perDate = List.copyOf(Objects.requireNonNull(perDate, "perDate"));
  }

  /** The bytes the multi-date queries would process. */
  public long multiDateBytes() {
    return multiDate.stream().mapToLong(CostEstimate.QueryCost::bytesProcessed).sum();
  }

  /** The bytes the per-date loop would process. */
  public long perDateBytes() {
    return perDate.stream().mapToLong(CostEstimate.QueryCost::bytesProcessed).sum();
  }

  /** The least bytes on-demand pricing would bill the multi-date queries (10 MiB a query at least). */
  public long multiDateMinimumBytesBilled() {
    return multiDate.stream().mapToLong(CostEstimate.QueryCost::minimumBytesBilled).sum();
  }

  /** The least bytes on-demand pricing would bill the per-date loop. */
  public long perDateMinimumBytesBilled() {
    return perDate.stream().mapToLong(CostEstimate.QueryCost::minimumBytesBilled).sum();
  }

  /** A one-line comparison, e.g. {@code 6 multi-date queries: 1200 bytes, 750 partition days; per-date loop: 165 queries: ...}. */
  public String summary() {
    return multiDate.size() + " multi-date " + (multiDate.size() == 1 ? "query" : "queries") + ": " + multiDateBytes()
        + " bytes processed, " + multiDatePartitionDays + " partition days; per-date loop: " + perDate.size() + " "
        + (perDate.size() == 1 ? "query" : "queries") + ": " + perDateBytes() + " bytes processed, "
        + perDatePartitionDays + " partition days";
  }
}
