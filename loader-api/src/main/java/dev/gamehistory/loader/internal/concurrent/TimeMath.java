package dev.gamehistory.loader.internal.concurrent;

import java.time.Duration;

/** Duration helpers. */
public final class TimeMath {
  private TimeMath() {}

  /** The duration in nanoseconds, saturating at {@link Long#MAX_VALUE} (and at 0 for negatives). */
  public static long toNanosSaturated(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    try {
      return duration.toNanos();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  /** The shorter of the two. */
  public static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** {@code a + b}, saturating at {@link Long#MAX_VALUE} for {@code b >= 0}. */
  public static long plusSaturated(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
