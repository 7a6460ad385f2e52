package dev.gamehistory.loader.cache;

import dev.gamehistory.loader.spi.LoaderWork;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A time source in front of another that runs a hook at one exact reading of its clock once armed:
 * the caching loader reads it (and Caffeine, as its ticker, reads it) while it stores results, so a
 * test can make something happen at a chosen point of a store, deterministically.
 */
final class HookedClock implements TimeSource {

  private final TimeSource inner;
  private final AtomicInteger readsLeft = new AtomicInteger(-1);
  private final AtomicReference<Runnable> hook = new AtomicReference<>();

  HookedClock(TimeSource inner) {
    this.inner = inner;
  }

  /** Runs {@code action}, once, at the {@code nth} reading of the clock from now on (1 = the next). */
  void armAt(int nth, Runnable action) {
    hook.set(action);
    readsLeft.set(nth);
  }

  /** Whether the armed hook has run. */
  boolean fired() {
    return hook.get() == null && readsLeft.get() <= 0;
  }

  @Override
  public long nanoTime() {
    if (readsLeft.get() > 0 && readsLeft.decrementAndGet() == 0) {
      Runnable action = hook.getAndSet(null);
      if (action != null) {
        action.run();
      }
    }
    return inner.nanoTime();
  }

  @Override
  public Instant instant() {
    return inner.instant();
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return inner.scheduler();
  }

  @Override
  public LoaderWork work() {
    return inner.work();
  }

  @Override
  public long jitterSeed() {
    return inner.jitterSeed();
  }
}
