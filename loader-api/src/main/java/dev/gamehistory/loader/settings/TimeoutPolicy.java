package dev.gamehistory.loader.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits of a load.
 *
 * <p>A query of {@code n} players may run for {@code queryTimeout + perPlayer * n}, at most
 * {@code maxQueryTimeout} (zero: no cap), and never past the load's deadline. With
 * {@code perPlayer} zero the per-query timeout is fixed. On a per-query timeout the engine cancels
 * the query through the backend. The whole load ends by {@code deadline}, measured from its start:
 * players still outstanding then fail with {@link dev.gamehistory.loader.DeadlineExceededException}.
 *
 * <p>A {@code queryTimeout} longer than {@code deadline} is valid, here and in settings parsed from
 * text ({@code query-timeout}, {@code deadline}): the query is cut at the deadline, and its players
 * fail with {@link dev.gamehistory.loader.DeadlineExceededException} (a {@code query-timeout} left unset in settings is the
 * shortest of 20 s, the deadline and a non-zero {@code query-timeout-max}).
 *
 * @param queryTimeout the per-query timeout, or its base when scaled; positive
 * @param perPlayer added per player in the query; zero for a fixed timeout
 * @param maxQueryTimeout the cap of a scaled timeout; zero for no cap but the deadline
 * @param deadline the whole load's limit; positive
 */
public record TimeoutPolicy(Duration queryTimeout, Duration perPlayer, Duration maxQueryTimeout, Duration deadline) {

  /** The default per-query timeout: 20 s. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(20);
  /** The default deadline: 30 s. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  /** Validates the durations and that the fixed part fits under the cap. */
  public TimeoutPolicy {
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    Objects.requireNonNull(perPlayer, "perPlayer");
    Objects.requireNonNull(maxQueryTimeout, "maxQueryTimeout");
    Objects.requireNonNull(deadline, "deadline");
    requirePositive("queryTimeout", queryTimeout);
    requireNotNegative("perPlayer", perPlayer);
    requireNotNegative("maxQueryTimeout", maxQueryTimeout);
    requirePositive("deadline", deadline);
    if (!maxQueryTimeout.isZero() && maxQueryTimeout.compareTo(queryTimeout) < 0) {
      throw new IllegalArgumentException(
          "maxQueryTimeout (" + maxQueryTimeout + ") must not be less than queryTimeout (" + queryTimeout + ")");
    }
  }

  /** A fixed per-query timeout of 20 s and a deadline of 30 s. */
  public static TimeoutPolicy defaults() {
    return new TimeoutPolicy(DEFAULT_QUERY_TIMEOUT, Duration.ZERO, Duration.ZERO, DEFAULT_DEADLINE);
  }

  /** A fixed per-query timeout and a deadline. */
  public static TimeoutPolicy fixed(Duration queryTimeout, Duration deadline) {
    return new TimeoutPolicy(queryTimeout, Duration.ZERO, Duration.ZERO, deadline);
  }

  /** A per-query timeout of {@code base + perPlayer * n}, capped at {@code max} (zero: uncapped). */
  public static TimeoutPolicy scaled(Duration base, Duration perPlayer, Duration max, Duration deadline) {
    return new TimeoutPolicy(base, perPlayer, max, deadline);
  }

  /** Whether the per-query timeout grows with the number of players. */
  public boolean isScaled() {
    return !perPlayer.isZero();
  }

  /** The per-query timeout for a query of {@code players} players, saturating instead of overflowing. */
  public Duration queryTimeoutFor(int players) {
    Duration timeout;
    try {
      timeout = queryTimeout.plus(perPlayer.multipliedBy(players));
    } catch (ArithmeticException overflow) {
      timeout = Duration.ofSeconds(Long.MAX_VALUE);
    }
    if (!maxQueryTimeout.isZero() && timeout.compareTo(maxQueryTimeout) > 0) {
      timeout = maxQueryTimeout;
    }
    return timeout;
  }

  /** A copy with another deadline. */
  public TimeoutPolicy withDeadline(Duration deadline) {
    return new TimeoutPolicy(queryTimeout, perPlayer, maxQueryTimeout, deadline);
  }

  /**
   * A readable description, e.g. {@code query 20000 ms, deadline 30000 ms}, or
   * {@code query 20000 ms (cut to the deadline), deadline 5000 ms} for a fixed timeout no query reaches.
   */
  public String describe() {
    String query = isScaled()
        ? "query " + queryTimeout.toMillis() + " ms + " + perPlayer.toMillis() + " ms/player"
            + (maxQueryTimeout.isZero() ? "" : " (max " + maxQueryTimeout.toMillis() + " ms)")
        : "query " + queryTimeout.toMillis() + " ms" + (queryTimeout.compareTo(deadline) > 0 ? " (cut to the deadline)" : "");
    return query + ", deadline " + deadline.toMillis() + " ms";
  }

  static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was " + value);
    }
  }

  static void requireNotNegative(String name, Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative but was " + value);
    }
  }
}
