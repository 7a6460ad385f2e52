package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.spi.LoaderWork;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} whose time moves only when a test moves it, so timeouts, deadlines and
 * backoffs are tested without sleeping, and which knows when the loader is <em>idle</em>, so a test
 * never guesses when to move it.
 *
 * <p>The loader tells its time source of its own work through {@link #work()} (the
 * {@link LoaderWork} hook): here its tasks run one at a time, in the order they were handed over,
 * and a thread waiting for time or a cancel gives its turn up until a timer or the cancel wakes it.
 * The loader is idle when no task runs or waits for its turn. Time moves only then:
 *
 * <ul>
 *   <li>{@link #runUntilDone(CompletableFuture)} drives a load to its end: it lets the loader work,
 *       then runs the next timer (moving time to it), and so on until the future is done;
 *       {@code load()} on a loader built with this clock does the same by itself;
 *   <li>{@link #advanceUntilIdle()} runs every pending timer, as far ahead as they are, until the loader
 *       is idle and no timer is pending;
 *   <li>{@link #advance(Duration)} runs the timers due within the duration, letting the loader's work
 *       settle before each and at the end;
 *   <li>{@link #runUntilIdle()} lets the loader's work settle without moving time.
 * </ul>
 *
 * The same test then makes the same queries at the same manual times on every run; the engine's
 * backoff jitter comes from a fixed sequence of seeds ({@link #jitterSeed()}). Each of these waits in
 * real time, at most {@link ManualWork#SETTLE_BOUND}, for the loader's work to settle, and fails
 * naming the busy thread when it does not (a backend blocked on something other than the clock).
 *
 * <p>Its {@link #scheduler()}:
 *
 * <ul>
 *   <li>{@code schedule(task, delay)} with a positive delay registers the task at now + delay; it
 *       runs when time reaches it, on the thread moving time, in time order (ties in scheduling
 *       order). A task scheduled by a running task runs in the same move when it falls due by its
 *       target time.
 *   <li>{@code execute}, {@code submit}, {@code invokeAll} and a {@code schedule} with a delay of
 *       zero or less run the task at once on the calling thread (no time passes).
 *   <li>{@code scheduleAtFixedRate} and {@code scheduleWithFixedDelay} are supported.
 *   <li>Cancelling a returned {@code ScheduledFuture} removes the task.
 *   <li>{@code shutdown} rejects new tasks and cancels the pending ones; {@code shutdownNow}
 *       returns them instead. A loader never shuts down a time source it was given.
 * </ul>
 *
 * <p>Thread-safe. Use a fresh instance per test, and move time from the test's thread, never from a
 * listener or callback of the loader's.
 */
public final class ManualTime implements TimeSource {

  /** The instant a {@link #create()}d clock starts at. */
  public static final Instant DEFAULT_START = Instant.parse("2024-01-15T12:00:00Z");

  private final Instant start;
  private final long startNanos;
  private final ManualScheduler scheduler;
  private final ManualWork work;
  private final AtomicLong jitterSeeds = new AtomicLong();

  private ManualTime(Instant start, long startNanos) {
    this.start = start;
    this.startNanos = startNanos;
    this.scheduler = new ManualScheduler(startNanos);
    this.work = new ManualWork(scheduler);
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

  /** The hook through which the loader's threads run here: one task at a time, in a fixed order. */
  @Override
  public LoaderWork work() {
    return work;
  }

  /** The next of a fixed sequence of seeds, so backoff jitter is the same on every run. */
  @Override
  public long jitterSeed() {
    return 0x9E3779B97F4A7C15L * jitterSeeds.incrementAndGet();
  }

  /**
   * Moves time forward, running the timers that fall due in time order on the calling thread, and
   * letting the loader's work settle before each and at the end.
   *
   * @throws IllegalArgumentException when {@code duration} is negative
   * @throws IllegalStateException when the loader's work does not settle (see {@link ManualWork#SETTLE_BOUND})
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
    work.advance(nanos);
  }

  /**
   * Drives a load to its end: lets the loader work until it is idle, runs the next timer (time moves
   * to it), and again, until {@code future} is done. The same scenario takes the same manual time and
   * makes the same queries on every run.
   *
   * @return {@code future}, done
   * @throws IllegalStateException when the future is not done although no loader work runs and no
   *     timer is pending (it waits for nothing the loader does), when the loader's work does not settle,
   *     or when called from a listener or callback of the loader's
   */
  public <T> CompletableFuture<T> runUntilDone(CompletableFuture<T> future) {
    Objects.requireNonNull(future, "future");
    work.runUntilDone(future);
    return future;
  }

  /**
   * Runs every pending timer, moving time as far ahead as they are, letting the loader's work settle
   * between them, until the loader is idle and no timer is pending.
   *
   * @throws IllegalStateException when the loader's work does not settle
   */
  public void advanceUntilIdle() {
    work.advanceUntilIdle();
  }

  /**
   * Lets the loader's work settle without moving time: returns when no loader work runs or waits to.
   *
   * @throws IllegalStateException when it does not settle (see {@link ManualWork#SETTLE_BOUND})
   */
  public void runUntilIdle() {
    work.awaitIdle();
  }

  /** Whether no loader work runs or waits for its turn. */
  public boolean isIdle() {
    return work.isIdle();
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
    return "ManualTime{elapsed=" + elapsed() + ", pending=" + pendingTasks() + ", " + work + "}";
  }
}
