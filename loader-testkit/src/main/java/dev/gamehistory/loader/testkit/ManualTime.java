package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.testkit.internal.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link TimeSource} whose time moves only when a test calls {@link #advance(Duration)}, so
 * timeouts, deadlines and backoffs are tested without sleeping.
 *
 * <p>Its {@link #scheduler()}:
 *
 * <ul>
 *   <li>{@code schedule(task, delay)} with a positive delay registers the task at now + delay; it
 *       runs during the {@link #advance(Duration)} that reaches that time, on the advancing thread,
 *       in time order (ties in scheduling order). A task scheduled by a running task runs in the
 *       same advance when it falls due by its target time.
 *   <li>{@code execute}, {@code submit}, {@code invokeAll} and a {@code schedule} with a delay of
 *       zero or less run the task at once on the calling thread (no time passes).
 *   <li>{@code scheduleAtFixedRate} and {@code scheduleWithFixedDelay} are supported.
 *   <li>Cancelling a returned {@code ScheduledFuture} removes the task.
 *   <li>{@code shutdown} rejects new tasks and cancels the pending ones; {@code shutdownNow}
 *       returns them instead. A loader never shuts down a time source it was given.
 * </ul>
 *
 * <p>Thread-safe: engine threads schedule while a test advances. Use a fresh instance per test.
 */
public final class ManualTime implements TimeSource {

  /** The instant a {@link #create()}d clock starts at. */
  public static final Instant DEFAULT_START = Instant.parse("2024-01-15T12:00:00Z");

  private final Instant start;
  private final long startNanos;
  private final ManualScheduler scheduler;

  private ManualTime(Instant start, long startNanos) {
    this.start = start;
    this.startNanos = startNanos;
    this.scheduler = new ManualScheduler(startNanos);
  }

  /** A clock at {@link #DEFAULT_START} whose {@link #nanoTime()} starts at 0. */
  public static ManualTime create() {
    return new ManualTime(DEFAULT_START, 0L);
  }

  /** A clock at the given instant whose {@link #nanoTime()} starts at 0. */
  public static ManualTime startingAt(Instant start) {
    return new ManualTime(Objects.requireNonNull(start, "start"), 0L);
  }

  @Override
  public long nanoTime() {
    return scheduler.now();
  }

  @Override
  public Instant instant() {
    return start.plusNanos(scheduler.now() - startNanos);
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** How much time has passed since the clock was created. */
  public Duration elapsed() {
    return Duration.ofNanos(scheduler.now() - startNanos);
  }

  /**
   * Moves time forward, running the tasks that fall due on the calling thread, in time order.
   *
   * @throws IllegalArgumentException when {@code duration} is negative
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative but was " + duration);
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    scheduler.advance(nanos);
  }

  /** Moves time forward to {@code elapsed} since creation; does nothing when it is already later. */
  public void advanceTo(Duration elapsed) {
    Duration step = elapsed.minus(elapsed());
    if (!step.isNegative()) {
      advance(step);
    }
  }

  /** How many delayed tasks wait for their time. */
  public int pendingTasks() {
    return scheduler.pendingTasks();
  }

  /** The time until the next pending task is due (zero when due), absent when none is pending. */
  public Optional<Duration> nextTaskDelay() {
    long nanos = scheduler.nanosToNextTask();
    return nanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
  }

  /**
   * Waits in real time, at most {@code timeout}, until at least {@code count} delayed tasks are
   * pending, e.g. until an engine thread has registered its timeout. Never sleeps: wakes when a
   * task is scheduled.
   *
   * @return whether they are
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean awaitPendingTasks(int count, Duration timeout) throws InterruptedException {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    return scheduler.awaitPendingTasks(count, nanos);
  }

  @Override
  public String toString() {
    return "ManualTime{elapsed=" + elapsed() + ", pending=" + pendingTasks() + "}";
  }
}
