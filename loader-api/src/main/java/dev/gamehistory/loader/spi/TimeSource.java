package dev.gamehistory.loader.spi;

import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The engine's clock and timer: every timeout, deadline and backoff is measured and scheduled here,
 * so tests can replace real time with manual time (see the testkit's {@code ManualTime}).
 */
public interface TimeSource {

  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The wall-clock time, for reports. */
  Instant instant();

  /** The scheduler that fires timeouts, deadlines and backoffs on this clock. */
  ScheduledExecutorService scheduler();

  /**
   * How the loader's own threads run and wait on this clock; the default, {@link LoaderWork#direct()},
   * runs them as they come. A manual clock uses it to know when the loader is idle.
   */
  default LoaderWork work() {
    return LoaderWork.direct();
  }

  /**
   * The seed of one load's backoff jitter. The default is random; a manual clock gives a fixed
   * sequence, so that a test's backoffs are the same on every run.
   */
  default long jitterSeed() {
    return ThreadLocalRandom.current().nextLong();
  }
}
