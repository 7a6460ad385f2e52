package dev.gamehistory.loader.spi;

import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;

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
}
