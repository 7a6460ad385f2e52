package dev.gamehistory.loader.inmemory;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link FaultPlan} does to a query of the in-memory backend. Latencies delay the query on
 * the engine's clock (and end early when it is cancelled); the other kinds decide its outcome.
 */
public sealed interface Fault
    permits Fault.Latency, Fault.LatencyDistribution, Fault.Hang, Fault.TransientError, Fault.PermanentError,
        Fault.TooLarge {

  /** BigQuery's reason for a server error, retryable. */
  String BACKEND_ERROR = "backendError";
  /** BigQuery's reason for a rate limit, retryable. */
  String RATE_LIMIT_EXCEEDED = "rateLimitExceeded";
  /** BigQuery's reason for an invalid query, permanent. */
  String INVALID_QUERY = "invalidQuery";
  /** BigQuery's reason for a query that needed more resources than it may use: split, not retried. */
  String RESOURCES_EXCEEDED = "resourcesExceeded";

  /** A fixed delay. */
  static Fault latency(Duration fixed) {
    return new Latency(fixed);
  }

  /** A delay drawn uniformly from {@code [min, max]}, seeded by the plan. */
  static Fault latency(Duration min, Duration max) {
    return new LatencyDistribution(min, max);
  }

  /** The query never returns until the engine cancels it. */
  static Fault hang() {
    return new Hang();
  }

  /** A retryable {@code backendError}. */
  static Fault transientError() {
    return new TransientError(BACKEND_ERROR);
  }

  /** A retryable error with the given reason, e.g. {@code rateLimitExceeded}. */
  static Fault transientError(String reason) {
    return new TransientError(reason);
  }

  /** A permanent {@code invalidQuery}. */
  static Fault permanentError() {
    return new PermanentError(INVALID_QUERY);
  }

  /** A permanent error with the given reason. */
  static Fault permanentError(String reason) {
    return new PermanentError(reason);
  }

  /** A {@code resourcesExceeded}: the query was too large; a query for fewer players or dates may pass. */
  static Fault tooLarge() {
    return new TooLarge(RESOURCES_EXCEEDED);
  }

  /** A too-large error with the given reason, e.g. {@code responseTooLarge}. */
  static Fault tooLarge(String reason) {
    return new TooLarge(reason);
  }

  /** Whether this fault only delays the query (its outcome is decided by other rules or the data). */
  default boolean isLatency() {
    return this instanceof Latency || this instanceof LatencyDistribution;
  }

  /**
   * A fixed delay.
   *
   * @param fixed how long; not negative
   */
  record Latency(Duration fixed) implements Fault {
    /** Validates the delay. */
    public Latency {
      requireNotNegative("fixed", fixed);
    }
  }

  /**
   * A delay drawn uniformly from {@code [min, max]}.
   *
   * @param min the shortest delay; not negative
   * @param max the longest delay; not less than {@code min}
   */
  record LatencyDistribution(Duration min, Duration max) implements Fault {
    /** Validates the bounds. */
    public LatencyDistribution {
      requireNotNegative("min", min);
      Objects.requireNonNull(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max (" + max + ") must not be less than min (" + min + ")");
      }
    }

    /** The delay for a uniform random number in [0, 1). */
    public Duration at(double random) {
      long span = max.minus(min).toNanos();
      return min.plusNanos((long) (span * random));
    }
  }

  /** The query waits until the engine cancels it, however long that takes. */
  record Hang() implements Fault {}

  /**
   * The query fails with a retryable {@link dev.gamehistory.loader.BackendException}.
   *
   * @param reason the backend's reason, e.g. {@code backendError}
   */
  record TransientError(String reason) implements Fault {
    /** Validates the reason. */
    public TransientError {
      requireReason(reason);
    }
  }

  /**
   * The query fails with a permanent {@link dev.gamehistory.loader.BackendException}.
   *
   * @param reason the backend's reason, e.g. {@code invalidQuery}
   */
  record PermanentError(String reason) implements Fault {
    /** Validates the reason. */
    public PermanentError {
      requireReason(reason);
    }
  }

  /**
   * The query fails as too large, {@link dev.gamehistory.loader.BackendException#tooLarge}: the adaptive
   * strategy splits it.
   *
   * @param reason the backend's reason, e.g. {@code resourcesExceeded}
   */
  record TooLarge(String reason) implements Fault {
    /** Validates the reason. */
    public TooLarge {
      requireReason(reason);
    }
  }

  private static void requireNotNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative but was " + value);
    }
  }

  private static void requireReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be blank but was '" + reason + "'");
    }
  }
}
