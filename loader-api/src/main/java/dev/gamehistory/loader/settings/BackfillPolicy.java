package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.internal.Internals;
import java.time.Duration;
import java.util.Objects;

/**
 * How a backfill (many game dates in one call) groups (date, player) pairs into queries and how long
 * it may run: a query holds up to {@code datesPerQuery} consecutive dates and at most
 * {@code pairsPerQuery} pairs (a date with more players is split by players), and the whole backfill
 * ends by {@code deadline} unless its request gives another.
 *
 * @param datesPerQuery the most game dates in one query, 1..366
 * @param pairsPerQuery the most (date, player) pairs in one query, 1..50,000
 * @param deadline the whole backfill's deadline, positive, at most 24 hours
 */
public record BackfillPolicy(int datesPerQuery, int pairsPerQuery, Duration deadline) {

  /** The default dates per query: 30. */
  public static final int DEFAULT_DATES_PER_QUERY = 30;
  /** The most dates per query. */
  public static final int MAX_DATES_PER_QUERY = 366;
  /** The default pairs per query: 10,000. */
  public static final int DEFAULT_PAIRS_PER_QUERY = 10_000;
  /**
   * The most pairs per query: 50,000, about 5 MB of parameters at 100 bytes a pair, within BigQuery's
   * 10 MB request (a backend refuses a larger request as too large, and the adaptive strategy splits it).
   */
  public static final int MAX_PAIRS_PER_QUERY = 50_000;
  /** The default deadline of a backfill: 30 minutes. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(30);
  /** The longest deadline of a backfill. */
  public static final Duration MAX_DEADLINE = Duration.ofHours(24);

  /** Validates the sizes and the deadline. */
  public BackfillPolicy {
    if (datesPerQuery < 1 || datesPerQuery > MAX_DATES_PER_QUERY) {
      throw new IllegalArgumentException(
          "datesPerQuery must be between 1 and " + MAX_DATES_PER_QUERY + " but was " + datesPerQuery);
    }
    if (pairsPerQuery < 1 || pairsPerQuery > MAX_PAIRS_PER_QUERY) {
      throw new IllegalArgumentException(
          "pairsPerQuery must be between 1 and " + MAX_PAIRS_PER_QUERY + " but was " + pairsPerQuery);
    }
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DEADLINE) > 0) {
      throw new IllegalArgumentException("deadline must be positive and at most " + MAX_DEADLINE + " but was " + deadline);
    }
  }

  /** 30 dates and at most 10,000 pairs a query, a 30-minute deadline. */
  public static BackfillPolicy defaults() {
    return new BackfillPolicy(DEFAULT_DATES_PER_QUERY, DEFAULT_PAIRS_PER_QUERY, DEFAULT_DEADLINE);
  }

  /** A readable description, e.g. {@code up to 30 dates and 10000 pairs a query, deadline 30m}. */
  public String describe() {
    return "up to " + Internals.count(datesPerQuery, "date", "dates") + " and " + pairsPerQuery
        + " pairs a query, deadline " + Internals.format(deadline);
  }
}
