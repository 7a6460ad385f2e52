package dev.gamehistory.loader.testkit;

import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task of a {@link ManualScheduler} with a due time on its clock; periodic when {@code period} is
 * not zero (negative: fixed delay). Ordered by due time, then scheduling order.
 */
final class ManualScheduledTask<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
  private final ManualScheduler scheduler;
  /** Due time in the scheduler's nanoseconds; moved by the scheduler for a periodic task. */
  volatile long time;
  /** Scheduling order among tasks due at the same time. */
  volatile long sequence;
  final long period;

  ManualScheduledTask(ManualScheduler scheduler, Runnable runnable, V result, long time, long period) {
    super(Executors.callable(runnable, result));
    this.scheduler = scheduler;
    this.time = time;
    this.period = period;
    this.sequence = scheduler.nextSequence();
  }

  ManualScheduledTask(ManualScheduler scheduler, Callable<V> callable, long time, long period) {
    super(callable);
    this.scheduler = scheduler;
    this.time = time;
    this.period = period;
    this.sequence = scheduler.nextSequence();
  }

  @Override
  public boolean isPeriodic() {
    return period != 0;
  }

  @Override
  public long getDelay(TimeUnit unit) {
    return unit.convert(time - scheduler.now(), TimeUnit.NANOSECONDS);
  }

  @Override
  public int compareTo(Delayed other) {
    if (other == this) {
      return 0;
    }
    if (other instanceof ManualScheduledTask<?> task) {
      int byTime = Long.compare(time, task.time);
      return byTime != 0 ? byTime : Long.compare(sequence, task.sequence);
    }
    return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      scheduler.remove(this);
    }
    return cancelled;
  }

  @Override
  public void run() {
    if (isPeriodic()) {
      runAndReset();
    } else {
      super.run();
    }
  }
}
