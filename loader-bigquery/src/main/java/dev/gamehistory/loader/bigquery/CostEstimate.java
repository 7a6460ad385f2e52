package dev.gamehistory.loader.bigquery;

import java.util.List;
import java.util.Objects;

/**
 * What the first queries of a strategy would read, by BigQuery dry runs: one entry per query the
 * strategy starts with (batch: one; chunked: one per chunk; per-player: one per player; adaptive:
 * its initial chunks; fallback: its first stage's). Retries and splits would add to it.
 *
 * <p>On-demand pricing bills bytes rounded up to the next MiB, and at least
 * {@link #ON_DEMAND_MINIMUM_BYTES} (10 MiB) per table a query reads: many small queries cost far more
 * than their bytes. {@link #minimumBytesBilled()} applies that rule to every query that reads data.
 *
 * @param strategy the strategy, as {@link dev.gamehistory.loader.settings.Strategy#describe()} gives it
 * @param queries one entry per query, in the order the strategy would start them
 */
public record CostEstimate(String strategy, List<QueryCost> queries) {

  /** The least on-demand billing charges per table a query reads: 10 MiB. */
  public static final long ON_DEMAND_MINIMUM_BYTES = 10L * 1024 * 1024;

  private static final long MIB = 1024L * 1024;

  /** Copies the queries and checks the fields. */
  public CostEstimate {
    Objects.requireNonNull(strategy, "strategy");
    queries = List.copyOf(queries);
  }

  /** How many queries the strategy starts with. */
  public int queryCount() {
    return queries.size();
  }

  /** The bytes all queries would process. */
  public long totalBytesProcessed() {
    return queries.stream().mapToLong(QueryCost::bytesProcessed).sum();
  }

  /** The least bytes on-demand pricing would bill for all queries. */
  public long minimumBytesBilled() {
    return queries.stream().mapToLong(QueryCost::minimumBytesBilled).sum();
  }

  /** A one-line summary, e.g. {@code batch: 1 queries, 52428800 bytes processed, at least 52428800 bytes billed}. */
  public String summary() {
    return strategy + ": " + queryCount() + " queries, " + totalBytesProcessed() + " bytes processed, at least "
        + minimumBytesBilled() + " bytes billed (on-demand minimum " + ON_DEMAND_MINIMUM_BYTES + " bytes per query)";
  }

  /**
   * One query's dry run.
   *
   * @param players how many players the query asks for
   * @param bytesProcessed the bytes the dry run says it would process
   */
  public record QueryCost(int players, long bytesProcessed) {

    /** Checks the fields. */
    public QueryCost {
      if (players < 1) {
        throw new IllegalArgumentException("players must be positive but was " + players);
      }
      if (bytesProcessed < 0) {
        throw new IllegalArgumentException("bytesProcessed must not be negative but was " + bytesProcessed);
      }
    }

    /** The least on-demand billing for it: zero when it reads nothing, else its bytes rounded up to a MiB, at least 10 MiB. */
    public long minimumBytesBilled() {
      if (bytesProcessed == 0) {
        return 0;
      }
      long rounded = (bytesProcessed + MIB - 1) / MIB * MIB;
      return Math.max(ON_DEMAND_MINIMUM_BYTES, rounded);
    }
  }
}
