package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.spi.LoaderWork;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link QueryContext} of one attempt. Cancelling it wakes every waiter at once and runs the
 * backend's cancel actions on the given executor (the engine's workers, never the timer thread).
 * A wait is a {@link LoaderWork.Pause} of the time source's, so a manual clock knows the waiting
 * thread is idle. Public only so that the testkit's {@code TestQueryContext} can reuse it.
 */
public final class AttemptContext implements QueryContext {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptContext.class);

  private final String queryId;
  private final int attempt;
  private final TimeSource time;
  private final long deadlineNanos;
  private final Instant deadline;
  private final Executor actionExecutor;

  private final Object lock = new Object();
  private final List<Runnable> cancelActions = new ArrayList<>();
  private final List<LoaderWork.Pause> waiters = new ArrayList<>();
  private volatile boolean cancelled;
  private @Nullable Thread runner;

  /** A context whose deadline is {@code timeout} from now on {@code time}; cancel actions run on {@code actionExecutor}. */
  public AttemptContext(String queryId, int attempt, TimeSource time, Duration timeout, Executor actionExecutor) {
    this.queryId = queryId;
    this.attempt = attempt;
    this.time = time;
    this.deadlineNanos = TimeMath.plusSaturated(time.nanoTime(), TimeMath.toNanosSaturated(timeout));
    this.deadline = time.instant().plus(timeout);
    this.actionExecutor = actionExecutor;
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
        cancelActions.add(action);
        return;
      }
    }
    runAction(action);
  }

  @Override
  public boolean awaitCancellation(Duration max) throws InterruptedException {
    LoaderWork.Pause pause = time.work().pause();
    synchronized (lock) {
      if (cancelled) {
        return true;
      }
      waiters.add(pause);
    }
    ScheduledFuture<?> timer = null;
    try {
      timer = time.scheduler().schedule(pause::wake, TimeMath.toNanosSaturated(max), TimeUnit.NANOSECONDS);
      pause.await();
    } finally {
      if (timer != null) {
        timer.cancel(false);
      }
      synchronized (lock) {
        waiters.remove(pause);
      }
    }
    return cancelled;
  }

  /** Marks the thread running the backend call, so that cancelling interrupts it. */
  void runOn(@Nullable Thread thread) {
    synchronized (lock) {
      runner = thread;
    }
  }

  /** Cancels once: wakes waiters, interrupts the running call, runs the cancel actions. */
  public void cancel() {
    List<Runnable> actions;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      waiters.forEach(LoaderWork.Pause::wake);
      if (runner != null) {
        runner.interrupt();
      }
      actions = List.copyOf(cancelActions);
      cancelActions.clear();
    }
    for (Runnable action : actions) {
      try {
        actionExecutor.execute(() -> runAction(action));
      } catch (RejectedExecutionException shutDown) {
        runAction(action);
      }
    }
  }

  private void runAction(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("cancel action of query {} failed: {}", queryId, Futures.describe(e));
    }
  }
}
