package dev.gamehistory.loader.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ScheduledExecutorService} on a manual clock: delayed tasks run only when {@link #advance}
 * moves the clock past their time, on the advancing thread, in time order (ties in scheduling
 * order). Tasks without delay ({@code execute}, {@code submit}, a delay of zero or less) run at
 * once on the calling thread. Periodic tasks are supported. {@code shutdown} rejects new tasks and
 * drops the pending ones.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ReentrantLock advancing = new ReentrantLock();
  private final PriorityQueue<ManualScheduledTask<?>> queue = new PriorityQueue<>();
  private volatile long now;
  private long sequence;
  private int running;
  private boolean shutdown;

  /** A scheduler whose clock reads {@code startNanos}. */
  public ManualScheduler(long startNanos) {
    this.now = startNanos;
  }

  /** The clock's reading in nanoseconds. */
  public long now() {
    return now;
  }

  /**
   * Moves the clock forward by {@code nanos}, running every task due by then in time order; a task
   * scheduled by a running task is run too when it falls due by then. The clock reads each task's
   * time while it runs and the target time at the end.
   *
   * @throws IllegalArgumentException when {@code nanos} is negative
   */
  public void advance(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot move time backwards: " + nanos + " ns");
    }
    advancing.lock();
    try {
      long target = plusSaturated(now, nanos);
      while (true) {
        ManualScheduledTask<?> task;
        lock.lock();
        try {
          task = queue.peek();
          if (task == null || task.time > target) {
            now = target;
            changed.signalAll();
            return;
          }
          queue.poll();
          if (task.time > now) {
            now = task.time;
          }
          running++;
        } finally {
          lock.unlock();
        }
        try {
          task.run();
        } finally {
          finished(task);
        }
      }
    } finally {
      advancing.unlock();
    }
  }

  /**
   * Runs the next pending task, however far ahead: the clock moves to its time (when later) first.
   *
   * @return false when no task is pending
   */
  public boolean runNext() {
    return runNextDueBy(Long.MAX_VALUE);
  }

  /**
   * Runs the next pending task when it is due by {@code target}: the clock moves to its time (when
   * later) first.
   *
   * @return false when none is
   */
  public boolean runNextDueBy(long target) {
    advancing.lock();
    try {
      ManualScheduledTask<?> task;
      lock.lock();
      try {
        task = queue.peek();
        if (task == null || task.time > target) {
          return false;
        }
        queue.poll();
        if (task.time > now) {
          now = task.time;
        }
        running++;
      } finally {
        lock.unlock();
      }
      try {
        task.run();
      } finally {
        finished(task);
      }
      return true;
    } finally {
      advancing.unlock();
    }
  }

  /** Moves the clock to {@code target} without running anything; does nothing when it reads later already. */
  public void moveTo(long target) {
    lock.lock();
    try {
      if (target > now) {
        now = target;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many delayed tasks wait for their time. */
  public int pendingTasks() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Nanoseconds until the next pending task is due (zero or less when due), or -1 when there is none. */
  public long nanosToNextTask() {
    lock.lock();
    try {
      ManualScheduledTask<?> next = queue.peek();
      return next == null ? -1 : Math.max(0, next.time - now);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits, in real time up to {@code timeoutNanos}, until at least {@code count} delayed tasks are pending.
   *
   * @return whether they are
   */
  public boolean awaitPendingTasks(int count, long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = timeoutNanos;
      while (queue.size() < count) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void execute(Runnable command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    runNow(new ManualScheduledTask<Void>(this, command, null, now, 0));
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (command == null || unit == null) {
      throw new NullPointerException(command == null ? "command" : "unit");
    }
    return enqueue(new ManualScheduledTask<Void>(this, command, null, timeAfter(delay, unit), 0), delay);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    if (callable == null || unit == null) {
      throw new NullPointerException(callable == null ? "callable" : "unit");
    }
    return enqueue(new ManualScheduledTask<>(this, callable, timeAfter(delay, unit), 0), delay);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    if (command == null || unit == null) {
      throw new NullPointerException(command == null ? "command" : "unit");
    }
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive but was " + period + " " + unit);
    }
    return enqueue(new ManualScheduledTask<Void>(this, command, null, timeAfter(initialDelay, unit), unit.toNanos(period)), initialDelay);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    if (command == null || unit == null) {
      throw new NullPointerException(command == null ? "command" : "unit");
    }
    if (delay <= 0) {
      throw new IllegalArgumentException("delay must be positive but was " + delay + " " + unit);
    }
    return enqueue(new ManualScheduledTask<Void>(this, command, null, timeAfter(initialDelay, unit), -unit.toNanos(delay)), initialDelay);
  }

  @Override
  public void shutdown() {
    for (Runnable pending : shutdownNow()) {
      ((ManualScheduledTask<?>) pending).cancel(false);
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    lock.lock();
    try {
      shutdown = true;
      List<Runnable> pending = new ArrayList<>(queue);
      queue.clear();
      changed.signalAll();
      return pending;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    lock.lock();
    try {
      return shutdown && running == 0;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    lock.lock();
    try {
      long left = unit.toNanos(timeout);
      while (!(shutdown && running == 0)) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "ManualScheduler{now=" + now + " ns, pending=" + pendingTasks() + ", shutdown=" + shutdown + "}";
  }

  private <V> ManualScheduledTask<V> enqueue(ManualScheduledTask<V> task, long delay) {
    if (delay <= 0) {
      runNow(task);
      return task;
    }
    lock.lock();
    try {
      rejectIfShutdown();
      queue.add(task);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return task;
  }

  private void runNow(ManualScheduledTask<?> task) {
    lock.lock();
    try {
      rejectIfShutdown();
      running++;
    } finally {
      lock.unlock();
    }
    try {
      task.run();
    } finally {
      finished(task);
    }
  }

  /** Counts the task as no longer running and puts a periodic task back for its next time. */
  private void finished(ManualScheduledTask<?> task) {
    lock.lock();
    try {
      running--;
      if (task.isPeriodic() && !task.isDone() && !shutdown) {
        task.time = task.period > 0 ? plusSaturated(task.time, task.period) : plusSaturated(now, -task.period);
        task.sequence = sequence++;
        queue.add(task);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void rejectIfShutdown() {
    if (shutdown) {
      throw new RejectedExecutionException("the manual scheduler is shut down");
    }
  }

  private long timeAfter(long delay, TimeUnit unit) {
    return plusSaturated(now, Math.max(0, unit.toNanos(delay)));
  }

  static long plusSaturated(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** Drops a cancelled task from the queue. */
  void remove(ManualScheduledTask<?> task) {
    lock.lock();
    try {
      if (queue.remove(task)) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The next number in scheduling order. */
  long nextSequence() {
    lock.lock();
    try {
      return sequence++;
    } finally {
      lock.unlock();
    }
  }
}
