package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@link ManualTime} clock as {@link ManualTimeDriver}'s loader sees it. Its scheduler tells the
 * driver when the calling thread's backend wait has set its timer and when that timer fires, and
 * holds back every other timer an engine thread sets (a query's timeout, a backoff) until the driver
 * {@linkplain #flush flushes} them onto the clock in an order of its choosing; timers the driver's own
 * thread sets (while it moves time) go on the clock at once, as do all once it
 * {@linkplain #passThrough passes them through}. Time never moves while a timer is held back: the
 * driver flushes before each step.
 */
final class ObservedClock implements TimeSource {

  /** What the clock tells the driver. */
  interface Observer {
    /** The calling thread's backend wait whose timer is not yet set, or {@code null}. */
    Object arming();

    /** The wait's timer is on the clock. */
    void armed(Object wait);

    /** The wait's timer fired (on the driver's thread, as time moved). */
    void woken(Object wait);
  }

  private final ManualTime manual;
  private final Observer observer;
  private final Thread driverThread = Thread.currentThread();
  private final ObservedScheduler scheduler;
  private final List<HeldTimer> held = new ArrayList<>();
  private long order;
  private boolean passThrough;

  /** The clock of {@code manual}, observed by {@code observer}; the calling thread is the driver's. */
  ObservedClock(ManualTime manual, Observer observer) {
    this.manual = manual;
    this.observer = observer;
    this.scheduler = new ObservedScheduler(manual.scheduler());
  }

  @Override
  public long nanoTime() {
    return manual.nanoTime();
  }

  @Override
  public Instant instant() {
    return manual.instant();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Puts the held timers on the clock, ordered by {@code keyOf} their setting thread, then by when
   * they were set; timers due at the same instant then fire in that order.
   */
  synchronized void flush(Function<Thread, String> keyOf) {
    List<HeldTimer> timers = new ArrayList<>(held);
    held.clear();
    timers.sort(Comparator.comparing((HeldTimer timer) -> keyOf.apply(timer.owner)).thenComparingLong(timer -> timer.order));
    for (HeldTimer timer : timers) {
      timer.registered = manual.scheduler().schedule(timer.command, timer.delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Puts the held timers on the clock in the order they were set, and every later timer at once. */
  synchronized void passThrough() {
    passThrough = true;
    flush(thread -> "");
  }

  private synchronized HeldTimer hold(Runnable command, long delayNanos) {
    if (passThrough) {
      return null;
    }
    HeldTimer timer = new HeldTimer(command, delayNanos, order++);
    held.add(timer);
    return timer;
  }

  /** Delegates to the manual scheduler; observes backend waits' timers and holds back engine threads' other timers. */
  private final class ObservedScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ScheduledExecutorService delegate;

    ObservedScheduler(ScheduledExecutorService delegate) {
      this.delegate = delegate;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      Object wait = observer.arming();
      if (wait != null) {
        ScheduledFuture<?> timer = delegate.schedule(() -> {
          observer.woken(wait);
          command.run();
        }, delay, unit);
        observer.armed(wait);
        return timer;
      }
      if (delay > 0 && Thread.currentThread() != driverThread) {
        HeldTimer timer = hold(command, unit.toNanos(delay));
        if (timer != null) {
          return timer;
        }
      }
      return delegate.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return delegate.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return new ArrayList<>(delegate.shutdownNow());
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public void execute(Runnable command) {
      delegate.execute(command);
    }
  }

  /** A timer held back until the driver flushes it; cancelling it before then drops it. Guarded by the clock. */
  private final class HeldTimer implements ScheduledFuture<Object> {
    final Runnable command;
    final long delayNanos;
    final long order;
    final Thread owner = Thread.currentThread();
    ScheduledFuture<?> registered;
    boolean cancelled;

    HeldTimer(Runnable command, long delayNanos, long order) {
      this.command = command;
      this.delayNanos = delayNanos;
      this.order = order;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      ScheduledFuture<?> onClock;
      synchronized (ObservedClock.this) {
        onClock = registered;
        if (onClock == null) {
          boolean first = !cancelled;
          cancelled = true;
          held.remove(this);
          return first;
        }
      }
      return onClock.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
      synchronized (ObservedClock.this) {
        return registered == null ? cancelled : registered.isCancelled();
      }
    }

    @Override
    public boolean isDone() {
      synchronized (ObservedClock.this) {
        return registered == null ? cancelled : registered.isDone();
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ObservedClock.this) {
        return registered == null ? unit.convert(delayNanos, TimeUnit.NANOSECONDS) : registered.getDelay(unit);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("the engine never waits for a timer");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("the engine never waits for a timer");
    }
  }
}
