package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link QueryContext} a test controls, for calling a backend's {@code fetch} directly: it never
 * cancels by itself; {@link #cancel()} cancels it, as the engine would on a timeout. Waits follow
 * the given {@link TimeSource}, so with {@link ManualTime} they end only when the test advances.
 */
public final class TestQueryContext implements QueryContext {

  private final String queryId;
  private final int attempt;
  private final TimeSource time;
  private final long deadlineNanos;
  private final Instant deadline;
  private final Object lock = new Object();
  private final List<Runnable> actions = new ArrayList<>();
  private final List<CountDownLatch> waiters = new ArrayList<>();
  private volatile boolean cancelled;

  private TestQueryContext(String queryId, int attempt, TimeSource time, Duration timeout) {
    this.queryId = Objects.requireNonNull(queryId, "queryId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
    }
    this.attempt = attempt;
    this.time = Objects.requireNonNull(time, "time");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
    }
    long start = time.nanoTime();
    long nanos = saturatedNanos(timeout);
    this.deadlineNanos = start + nanos < start ? Long.MAX_VALUE : start + nanos;
    this.deadline = time.instant().plus(timeout);
  }

  /** A context {@code test-1}, attempt 1, whose deadline is {@code timeout} from now. */
  public static TestQueryContext create(TimeSource time, Duration timeout) {
    return new TestQueryContext("test-1", 1, time, timeout);
  }

  /** A context with the given id and attempt whose deadline is {@code timeout} from now. */
  public static TestQueryContext create(TimeSource time, String queryId, int attempt, Duration timeout) {
    return new TestQueryContext(queryId, attempt, time, timeout);
  }

  @Override
  public String queryId() {
    return queryId;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public Duration remaining() {
    long left = deadlineNanos - time.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (lock) {
      if (!cancelled) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  @Override
  public boolean awaitCancellation(Duration max) throws InterruptedException {
    CountDownLatch wake = new CountDownLatch(1);
    synchronized (lock) {
      if (cancelled) {
        return true;
      }
      waiters.add(wake);
    }
    ScheduledFuture<?> timer = time.scheduler().schedule(wake::countDown, saturatedNanos(max), TimeUnit.NANOSECONDS);
    try {
      wake.await();
    } finally {
      timer.cancel(false);
      synchronized (lock) {
        waiters.remove(wake);
      }
    }
    return cancelled;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Cancels the query: wakes every waiter and runs the cancel actions on the calling thread. Idempotent. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      waiters.forEach(CountDownLatch::countDown);
      toRun = List.copyOf(actions);
      actions.clear();
    }
    toRun.forEach(Runnable::run);
  }
}
