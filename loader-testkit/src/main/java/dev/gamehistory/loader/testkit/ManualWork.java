package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.spi.LoaderWork;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LoaderWork} of a manual clock: the loader's tasks run one at a time, each on its own
 * thread, in the order they were handed over (and a paused thread goes on in the order it was woken),
 * so that the loader is <em>idle</em> exactly when no task runs or waits for its turn; time moves
 * only then, one timer at a time, with the turn held. A run of a test is therefore the same every
 * time: the same queries, in the same order, at the same manual times.
 *
 * <p>A thread that is not the loader's (the test's own) is never held back: it runs alongside. A
 * task that blocks on something other than a {@link Pause} (a latch the test holds, real I/O) keeps
 * the turn until it returns, so the loader is not idle meanwhile.
 */
final class ManualWork implements LoaderWork {

  /** The longest real time the loader's work may take to become idle before driving gives up. */
  public static final Duration SETTLE_BOUND = Duration.ofSeconds(30);
  /** The most timers one drive runs, against a loader that never ends. */
  private static final int MAX_STEPS = 10_000_000;

  private final ManualScheduler scheduler;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Turn> ready = new ArrayDeque<>();
  private @Nullable Turn running;
  private long turns;

  /** The loader work of the clock {@code scheduler} keeps. */
  public ManualWork(ManualScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void execute(Executor executor, Runnable task) {
    Turn turn = new Turn();
    lock.lock();
    try {
      ready.addLast(turn);
    } finally {
      lock.unlock();
    }
    try {
      executor.execute(() -> {
        acquire(turn);
        try {
          task.run();
        } finally {
          release(turn);
        }
      });
    } catch (RuntimeException | Error e) {
      lock.lock();
      try {
        ready.remove(turn);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      throw e;
    }
  }

  @Override
  public Pause pause() {
    lock.lock();
    try {
      Turn held = running;
      if (held != null && held.thread == Thread.currentThread()) {
        return new ManualPause(held);
      }
    } finally {
      lock.unlock();
    }
    // Not one of the loader's turns (a test calling a backend itself): a plain wait.
    return LoaderWork.direct().pause();
  }

  /**
   * Runs a caller's call into the loader once the loader is idle, holding a turn, so that it falls at
   * the same point of the loader's work on every run; from the loader's own work, at once.
   *
   * @throws IllegalStateException when the loader's work does not settle within {@link #SETTLE_BOUND}
   */
  @Override
  public <T> T enter(Supplier<T> call) {
    lock.lock();
    try {
      if (running != null && running.thread == Thread.currentThread()) {
        return call.get();
      }
    } finally {
      lock.unlock();
    }
    awaitIdle();
    List<T> result = new ArrayList<>(1);
    withTurn(() -> result.add(call.get()));
    return result.get(0);
  }

  /**
   * Drives time until {@code future} is done, then returns its value.
   *
   * @throws IllegalStateException when called from the loader's own work, or the load waits for nothing
   */
  @Override
  public <T> T join(CompletableFuture<T> future) throws InterruptedException, ExecutionException {
    runUntilDone(future);
    return future.get();
  }

  /**
   * Lets the loader work, one timer at a time, until {@code future} is done.
   *
   * @throws IllegalStateException when called from the loader's own work, when the loader does not
   *     become idle within {@link #SETTLE_BOUND} of real time, or when the future is not done while
   *     no loader work runs and no timer is pending
   */
  public void runUntilDone(CompletableFuture<?> future) {
    drive(future::isDone, true);
  }

  /**
   * Lets the loader work and runs every pending timer, moving time as far as they need, until the
   * loader is idle and no timer is pending.
   */
  public void advanceUntilIdle() {
    drive(() -> false, false);
  }

  /**
   * Runs every timer due by {@code nanos} from now in time order, letting the loader's work settle
   * before each and at the end; the clock then reads that time.
   */
  public void advance(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot move time backwards: " + nanos + " ns");
    }
    long target = ManualScheduler.plusSaturated(scheduler.now(), nanos);
    refuseFromLoaderWork();
    int steps = 0;
    while (true) {
      awaitIdle();
      boolean[] ran = new boolean[1];
      withTurn(() -> ran[0] = scheduler.runNextDueBy(target));
      if (!ran[0]) {
        break;
      }
      checkSteps(++steps);
    }
    withTurn(() -> scheduler.moveTo(target));
    awaitIdle();
  }

  /**
   * Waits, in real time up to {@link #SETTLE_BOUND}, until no loader work runs or waits for its turn.
   *
   * @throws IllegalStateException when the loader's work has not settled by then, naming what runs
   */
  public void awaitIdle() {
    refuseFromLoaderWork();
    long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
    lock.lock();
    try {
      while (running != null || !ready.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("the loader's work did not become idle within " + SETTLE_BOUND.toSeconds()
              + " s of real time: " + describeLocked());
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the loader to become idle", e);
    } finally {
      lock.unlock();
    }
  }

  /** Whether no loader work runs or waits for its turn. */
  public boolean isIdle() {
    lock.lock();
    try {
      return running == null && ready.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** How many turns the loader's work has taken so far. */
  public long turns() {
    lock.lock();
    try {
      return turns;
    } finally {
      lock.unlock();
    }
  }

  private void drive(BooleanSupplier done, boolean needsEnd) {
    refuseFromLoaderWork();
    int steps = 0;
    while (true) {
      awaitIdle();
      if (done.getAsBoolean()) {
        return;
      }
      boolean[] ran = new boolean[1];
      withTurn(() -> ran[0] = scheduler.runNext());
      if (!ran[0]) {
        if (needsEnd) {
          throw new IllegalStateException("the load waits for nothing: no loader work runs, no timer is pending on"
              + " the manual clock, and its future is not done");
        }
        return;
      }
      checkSteps(++steps);
    }
  }

  private static void checkSteps(int steps) {
    if (steps > MAX_STEPS) {
      throw new IllegalStateException("the loader ran " + MAX_STEPS + " timers without ending");
    }
  }

  private void refuseFromLoaderWork() {
    lock.lock();
    try {
      if (running != null && running.thread == Thread.currentThread()) {
        throw new IllegalStateException("manual time cannot be driven from the loader's own work (a listener or a"
            + " callback of a load): use loadAsync there, and drive time from the test");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} on the calling thread holding the turn, so that no loader work runs alongside. */
  private void withTurn(Runnable action) {
    Turn turn = new Turn();
    lock.lock();
    try {
      ready.addLast(turn);
    } finally {
      lock.unlock();
    }
    acquire(turn);
    try {
      action.run();
    } finally {
      release(turn);
    }
  }

  private void acquire(Turn turn) {
    lock.lock();
    try {
      awaitTurnLocked(turn);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until {@code turn} is first in line and nobody runs, then runs it. Under the lock. */
  private void awaitTurnLocked(Turn turn) {
    while (running != null || ready.peekFirst() != turn) {
      changed.awaitUninterruptibly();
    }
    ready.pollFirst();
    running = turn;
    turn.thread = Thread.currentThread();
    turns++;
  }

  private void release(Turn turn) {
    lock.lock();
    try {
      if (running == turn) {
        running = null;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private String describeLocked() {
    Turn held = running;
    if (held == null || held.thread == null) {
      return ready.size() == 1 ? "1 task waits for its turn" : ready.size() + " tasks wait for their turn";
    }
    StringBuilder text = new StringBuilder("thread ").append(held.thread.getName()).append(" is busy (")
        .append(ready.size()).append(" more waiting for a turn):");
    for (StackTraceElement frame : held.thread.getStackTrace()) {
      text.append("\n    at ").append(frame);
    }
    return text.toString();
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "ManualWork{" + (running == null ? "idle" : "running") + ", ready=" + ready.size() + ", turns=" + turns + "}";
    } finally {
      lock.unlock();
    }
  }

  /** A place in line; the thread that runs it once its turn came. */
  private static final class Turn {
    volatile @Nullable Thread thread;
  }

  /** A wait of the thread holding {@code turn}: it gives the turn up, and gets it back in wake order. */
  private final class ManualPause implements Pause {
    private final Turn turn;
    // Guarded by lock.
    private boolean woken;
    private boolean waiting;

    ManualPause(Turn turn) {
      this.turn = turn;
    }

    @Override
    public void wake() {
      lock.lock();
      try {
        if (woken) {
          return;
        }
        woken = true;
        if (waiting) {
          ready.addLast(turn);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void await() throws InterruptedException {
      lock.lock();
      try {
        if (woken) {
          return;
        }
        waiting = true;
        if (running == turn) {
          running = null;
        }
        changed.signalAll();
        InterruptedException interrupted = null;
        while (!woken) {
          try {
            changed.await();
          } catch (InterruptedException e) {
            interrupted = e;
            woken = true;
            ready.addLast(turn);
          }
        }
        awaitTurnLocked(turn);
        if (interrupted != null) {
          throw interrupted;
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
