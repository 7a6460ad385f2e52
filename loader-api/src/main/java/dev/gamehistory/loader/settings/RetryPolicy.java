package dev.gamehistory.loader.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of transient failures, with exponential backoff and jitter, never past the deadline.
 *
 * <p>Retry {@code k} (1 for the first) waits {@code initialBackoff * 2^(k-1)}, at most
 * {@code maxBackoff}, then scaled by a random factor in {@code [1 - jitter, 1]}. A retry whose wait
 * would end past the load's deadline is not taken: the players fail with the last error.
 *
 * @param maxAttempts total tries of the same players, 1 (no retry) .. 20
 * @param initialBackoff the first wait; not negative
 * @param maxBackoff the longest wait; not less than {@code initialBackoff}
 * @param jitter the share of each wait that is random, 0.0 .. 1.0
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

  /** The most attempts a policy may allow. */
  public static final int MAX_ATTEMPTS = 20;

  /** Validates the parameters. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("maxAttempts must be between 1 and " + MAX_ATTEMPTS + " but was " + maxAttempts);
    }
    TimeoutPolicy.requireNotNegative("initialBackoff", initialBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff (" + maxBackoff + ") must not be less than initialBackoff (" + initialBackoff + ")");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0.0 and 1.0 but was " + jitter);
    }
  }

  /** 3 attempts, 200 ms first backoff, at most 5 s, half of each wait random. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), 0.5);
  }

  /** No retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.0);
  }

  /** {@code maxAttempts} tries with the given first backoff, at most 5 s (or the first backoff if longer), half random. */
  public static RetryPolicy of(int maxAttempts, Duration initialBackoff) {
    Duration max = initialBackoff.compareTo(Duration.ofSeconds(5)) > 0 ? initialBackoff : Duration.ofSeconds(5);
    return new RetryPolicy(maxAttempts, initialBackoff, max, 0.5);
  }

  /**
   * The wait before retry {@code retry} (1 for the first), given a uniform random number in [0, 1).
   */
  public Duration backoff(int retry, double random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be at least 1 but was " + retry);
    }
    Duration wait = initialBackoff;
    for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    if (wait.compareTo(maxBackoff) > 0) {
      wait = maxBackoff;
    }
    double factor = 1.0 - jitter * random;
    return Duration.ofNanos((long) (wait.toNanos() * factor));
  }
}
