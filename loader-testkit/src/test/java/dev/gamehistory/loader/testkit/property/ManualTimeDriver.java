package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.spi.WindowQuery;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a load on {@link ManualTime} step by step: time moves to the next pending task only when
 * every thread the loader started is known to wait for it, so that no timer fires before a query
 * that would have come first has set its own.
 *
 * <p>It knows what each engine thread does through the {@link #backend(GamesQuery) backend
 * decorator} and the {@link #timeSource() time source} it hands the loader:
 *
 * <ul>
 *   <li>a backend call stops at an <em>entry gate</em> before the backend sees it and at an
 *       <em>exit gate</em> before the engine sees its answer; the driver opens one gate at a time,
 *       exits first, in the order of the query's players and attempt, so that queries are numbered
 *       (and so selected by the fault plan) and answered in the same order every run;
 *   <li>a backend wait ({@link QueryContext#awaitCancellation}) is known from the moment its timer
 *       is on the clock until the thread returns; it is woken when that timer fires or the query is
 *       cancelled, both of which the driver sees at once (a cancel runs an action of the driver's on
 *       a new engine thread, which needs the driver's lock, so it cannot slip past a check);
 *   <li>a timer an engine thread sets (a query's timeout, set on the query's own thread before the
 *       backend sees it; a backoff) is put on the clock by the driver before time moves, in the
 *       order of the query that thread waits to start, so timers due at the same instant fire in
 *       the same order every run.
 * </ul>
 *
 * A thread the loader started ({@code hgl-*}, not alive before) that is anywhere else counts as
 * busy, as does a known one that was woken or let through. The loader must be made to retire idle
 * workers at once ({@link LoaderThreads#retireIdleWorkersAtOnce}): a worker parked idle in the
 * pool could have been handed a task it has not yet picked up, which no thread state shows. Only
 * the engine's backoff jitter (its own unseeded randomness) can still make two runs differ. Waits
 * are real-time waits on the driver's condition in short slices, each bounded; nothing sleeps.
 */
final class ManualTimeDriver {

  /** The longest real time the engine may take to settle between two steps. */
  private static final Duration SETTLE_BOUND = Duration.ofSeconds(10);
  /** The longest real time one load may take to drive. */
  private static final Duration LOAD_BOUND = Duration.ofSeconds(60);
  private static final long SLICE_NANOS = 100_000;
  private static final int MAX_STEPS = 1_000_000;

  private final ManualTime manual;
  private final Set<Thread> baseline;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<Thread, Waiter> waiters = new HashMap<>();
  private final ObservedClock clock;
  private long arrivals;
  private boolean open;
  private int inFlight;
  private int maxInFlight;
  private int calls;
  private int steps;
  private int cancels;

  /** A driver of {@code manual}; threads in {@code baseline} (alive before the loader) are not the loader's. */
  ManualTimeDriver(ManualTime manual, Set<Thread> baseline) {
    this.manual = manual;
    this.baseline = Set.copyOf(baseline);
    this.clock = new ObservedClock(manual, new ObservedClock.Observer() {
      @Override
      public Object arming() {
        return ManualTimeDriver.this.arming();
      }

      @Override
      public void armed(Object wait) {
        mark((Waiter) wait, true, false);
      }

      @Override
      public void woken(Object wait) {
        mark((Waiter) wait, false, true);
      }
    });
  }

  /** The time source to build the loader with: the manual clock, its scheduler observed. */
  TimeSource timeSource() {
    return clock;
  }

  /** The backend to build the loader with: {@code delegate} behind the gates, its calls counted. */
  GamesQuery backend(GamesQuery delegate) {
    return new GatedBackend(delegate);
  }

  /** The most backend calls that were in flight at once. */
  int maxInFlight() {
    lock.lock();
    try {
      return maxInFlight;
    } finally {
      lock.unlock();
    }
  }

  /** How many backend calls were made. */
  int calls() {
    lock.lock();
    try {
      return calls;
    } finally {
      lock.unlock();
    }
  }

  /** How many backend calls the engine cancelled. */
  int cancels() {
    lock.lock();
    try {
      return cancels;
    } finally {
      lock.unlock();
    }
  }

  /** How many times the clock was moved. */
  int steps() {
    return steps;
  }

  /**
   * Moves time until the load's future completes, then opens every gate for good.
   *
   * @throws AssertionError when the engine does not settle, or waits for nothing, within the bounds
   */
  LoadResult drive(CompletableFuture<LoadResult> future) {
    long started = System.nanoTime();
    try {
      while (!future.isDone()) {
        settle(future);
        flushTimers();
        if (future.isDone() || releaseNext()) {
          continue;
        }
        Optional<Duration> next = manual.nextTaskDelay();
        if (next.isEmpty()) {
          throw new AssertionError("the load waits for nothing: no backend call runs, no timer is pending, and its"
              + " future is not done" + describeThreads());
        }
        manual.advance(next.get());
        if (++steps > MAX_STEPS || System.nanoTime() - started > LOAD_BOUND.toNanos()) {
          throw new AssertionError("the load did not end within " + MAX_STEPS + " steps or " + LOAD_BOUND.toSeconds()
              + " s of real time; manual time " + manual.elapsed());
        }
      }
    } finally {
      openAll();
    }
    try {
      return future.get(SETTLE_BOUND.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the load's future did not complete with a result: " + e, e);
    }
  }

  /** Lets every call through, now and later, and puts every timer on the clock at once. Idempotent. */
  void openAll() {
    lock.lock();
    try {
      open = true;
      for (Waiter waiter : waiters.values()) {
        waiter.release();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    clock.passThrough();
  }

  /**
   * Puts the timers engine threads set since the last step on the clock, in the order of the query
   * the setting thread now waits to start (by players and attempt). Time has not moved since they were set.
   */
  private void flushTimers() {
    lock.lock();
    try {
      clock.flush(thread -> {
        Waiter waiter = waiters.get(thread);
        return waiter == null ? "\uffff" : waiter.key;
      });
    } finally {
      lock.unlock();
    }
  }

  // ---- settling -----------------------------------------------------------------------------

  private void settle(CompletableFuture<LoadResult> future) {
    long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
    lock.lock();
    try {
      while (!quiet() && !future.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the engine did not settle within " + SETTLE_BOUND.toSeconds() + " s of real time"
              + " at manual time " + manual.elapsed() + describeThreads());
        }
        changed.awaitNanos(Math.min(left, SLICE_NANOS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while the engine settled", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether every thread the loader started waits where the driver knows it will stay. Under the lock,
   * so no thread can record or forget a wait meanwhile. A thread that was busy during the check and
   * ended since can only have made new threads (seen by the second enumeration) or cancelled a query,
   * which runs that query's cancel actions on a new thread, one of which needs this lock.
   */
  private boolean quiet() {
    List<Thread> threads = LoaderThreads.started(baseline);
    for (Thread thread : threads) {
      Waiter waiter = waiters.get(thread);
      if (waiter == null || !waiter.isWaiting() || thread.getState() != Thread.State.WAITING) {
        return false;
      }
    }
    return new java.util.HashSet<>(threads).containsAll(LoaderThreads.started(baseline));
  }

  /** Opens the first closed gate, exits before entries; false when none is closed. */
  private boolean releaseNext() {
    lock.lock();
    try {
      Waiter next = waiters.values().stream().filter(Waiter::isGated)
          .min(Comparator.comparing((Waiter waiter) -> waiter.role).thenComparing(waiter -> waiter.key)
              .thenComparingLong(waiter -> waiter.arrival))
          .orElse(null);
      if (next == null) {
        return false;
      }
      next.release();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private String describeThreads() {
    StringBuilder text = new StringBuilder("; threads:");
    lock.lock();
    try {
      for (Thread thread : LoaderThreads.started(baseline)) {
        text.append("\n  ").append(thread.getName()).append(' ').append(thread.getState()).append(' ')
            .append(waiters.get(thread));
        for (StackTraceElement frame : thread.getStackTrace()) {
          text.append("\n    at ").append(frame);
        }
      }
    } finally {
      lock.unlock();
    }
    return text.toString();
  }

  // ---- what the threads record --------------------------------------------------------------

  /** Where a thread waits; the order of the constants is the order gates open in. */
  private enum Role { EXIT, ENTRY, BACKEND_WAIT }

  /** A thread's wait, guarded by the driver's lock. */
  private final class Waiter {
    final Role role;
    final String key;
    final long arrival;
    final CountDownLatch gate = new CountDownLatch(1);
    final QueryContext context;
    boolean released;
    boolean armed;
    boolean woken;

    Waiter(Role role, String key, QueryContext context) {
      this.role = role;
      this.key = key;
      this.context = context;
      this.arrival = arrivals++;
    }

    boolean isGated() {
      return role != Role.BACKEND_WAIT && !released;
    }

    boolean isWaiting() {
      return role == Role.BACKEND_WAIT ? armed && !woken && !context.isCancelled() : !released;
    }

    void release() {
      released = true;
      gate.countDown();
    }

    @Override
    public String toString() {
      return role + "(" + key + (released ? ", released" : "") + (armed ? ", armed" : "") + (woken ? ", woken" : "") + ")";
    }
  }

  private void gate(Role role, String key, QueryContext context) {
    Waiter waiter;
    lock.lock();
    try {
      if (open) {
        return;
      }
      waiter = new Waiter(role, key, context);
      waiters.put(Thread.currentThread(), waiter);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    // The engine interrupts a cancelled query's thread: the gate stays shut, the interrupt is kept for the backend.
    boolean interrupted = false;
    while (true) {
      try {
        waiter.gate.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    forget(waiter);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void forget(Waiter waiter) {
    lock.lock();
    try {
      waiters.remove(Thread.currentThread(), waiter);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void cancelled() {
    lock.lock();
    try {
      cancels++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The calling thread's backend wait whose timer is not yet on the clock, if any. */
  private Waiter arming() {
    lock.lock();
    try {
      Waiter waiter = waiters.get(Thread.currentThread());
      return waiter != null && waiter.role == Role.BACKEND_WAIT && !waiter.armed ? waiter : null;
    } finally {
      lock.unlock();
    }
  }

  private void mark(Waiter waiter, boolean armed, boolean woken) {
    lock.lock();
    try {
      waiter.armed |= armed;
      waiter.woken |= woken;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The backend behind the gates. */
  private final class GatedBackend implements GamesQuery {
    private final GamesQuery delegate;

    GatedBackend(GamesQuery delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      String key = String.join(",", query.players()) + "#" + context.attempt();
      lock.lock();
      try {
        calls++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
      } finally {
        lock.unlock();
      }
      try {
        gate(Role.ENTRY, key, context);
        try {
          return delegate.fetch(query, new ObservedContext(context));
        } finally {
          gate(Role.EXIT, key, context);
        }
      } finally {
        lock.lock();
        try {
          inFlight--;
        } finally {
          lock.unlock();
        }
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** The engine's context of one query, its waits recorded. */
  private final class ObservedContext implements QueryContext {
    private final QueryContext delegate;

    ObservedContext(QueryContext delegate) {
      this.delegate = delegate;
      // Runs on a new engine thread when the query is cancelled; taking the lock keeps that thread
      // alive while the driver checks, so a cancel by a thread that ended meanwhile is never missed.
      delegate.onCancel(ManualTimeDriver.this::cancelled);
    }

    @Override
    public String queryId() {
      return delegate.queryId();
    }

    @Override
    public int attempt() {
      return delegate.attempt();
    }

    @Override
    public Instant deadline() {
      return delegate.deadline();
    }

    @Override
    public Duration remaining() {
      return delegate.remaining();
    }

    @Override
    public boolean isCancelled() {
      return delegate.isCancelled();
    }

    @Override
    public void onCancel(Runnable action) {
      delegate.onCancel(action);
    }

    @Override
    public boolean awaitCancellation(Duration max) throws InterruptedException {
      Waiter waiter;
      lock.lock();
      try {
        waiter = new Waiter(Role.BACKEND_WAIT, delegate.queryId(), delegate);
        waiters.put(Thread.currentThread(), waiter);
      } finally {
        lock.unlock();
      }
      try {
        return delegate.awaitCancellation(max);
      } finally {
        forget(waiter);
      }
    }
  }
}
