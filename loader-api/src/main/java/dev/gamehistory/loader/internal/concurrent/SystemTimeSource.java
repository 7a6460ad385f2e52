package dev.gamehistory.loader.internal.concurrent;

import dev.gamehistory.loader.spi.TimeSource;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** The system clock with one daemon scheduler thread, owned (and shut down) by the engine. */
public final class SystemTimeSource implements TimeSource {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ScheduledThreadPoolExecutor scheduler;
  private volatile @Nullable Thread thread;

  public SystemTimeSource() {
    int instance = INSTANCES.incrementAndGet();
    scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread timer = new Thread(runnable, "hgl-timer-" + instance);
      timer.setDaemon(true);
      thread = timer;
      return timer;
    }) {
      /** Terminated, and its thread has ended too (joined), so no timer thread outlives a close. */
      @Override
      public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (!super.awaitTermination(timeout, unit)) {
          return false;
        }
        Thread timer = thread;
        if (timer != null && timer != Thread.currentThread()) {
          timer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          return !timer.isAlive();
        }
        return true;
      }
    };
    scheduler.setRemoveOnCancelPolicy(true);
  }

  /** Whether the calling thread is this time source's timer thread. */
  public boolean isTimerThread() {
    return Thread.currentThread() == thread;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }
}
