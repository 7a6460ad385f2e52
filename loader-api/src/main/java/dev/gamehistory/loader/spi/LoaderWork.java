package dev.gamehistory.loader.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * How a loader's own threads work, as its {@link TimeSource} sees them: the hook through which a
 * manual clock learns when the loader is idle.
 *
 * <ul>
 *   <li>Every task a loader (the engine, a cache, a batching client) hands to one of its threads goes
 *       through {@link #execute(Executor, Runnable)}.
 *   <li>Every wait of a loader thread for time to pass or for a cancel (a backend's
 *       {@link QueryContext#awaitCancellation}) is a {@link Pause}: the thread stops working until
 *       a timer or a cancel {@linkplain Pause#wake() wakes} it.
 *   <li>A call into the loader from a thread that is not the loader's (a caller's {@code loadAsync},
 *       an invalidation) goes through {@link #enter}.
 *   <li>A caller's blocking wait for a load ({@code load()}) goes through {@link #join}.
 * </ul>
 *
 * <p>{@link #direct()}, what the system clock uses, runs tasks on the executor as they come and
 * blocks on plain latches. The testkit's {@code ManualTime} runs the tasks one at a time, in the
 * order they were handed over and woken, so it knows that the loader is <em>idle</em> when no task
 * runs or is ready to, moves time only then, and drives time itself in {@code join}: the same test
 * then runs the same way every time.
 */
public interface LoaderWork {

  /** Runs tasks on their executor as they come; waits block on a latch; {@code join} blocks. */
  static LoaderWork direct() {
    return DirectWork.INSTANCE;
  }

  /**
   * Hands {@code task} to {@code executor}, a pool of the loader's own threads.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the executor does
   */
  void execute(Executor executor, Runnable task);

  /**
   * A wait of the calling loader thread that only a timer or a cancel ends. The caller arranges
   * for {@link Pause#wake()} (schedules it, registers it for its cancel), then calls
   * {@link Pause#await()}.
   */
  Pause pause();

  /**
   * A call into the loader from a caller's thread (not one of the loader's): runs {@code call} on
   * the calling thread and returns what it returns. The default runs it at once; a manual clock first
   * lets the loader's work settle and runs the call as one of its turns, so that where the call falls
   * among the loader's work is the same on every run.
   */
  default <T> T enter(Supplier<T> call) {
    return call.get();
  }

  /**
   * Waits for a load's future, on a caller's thread.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws ExecutionException when the future failed
   */
  <T> T join(CompletableFuture<T> future) throws InterruptedException, ExecutionException;

  /** One wait of a loader thread for time or a cancel. */
  interface Pause {

    /** Ends the wait; from any thread, any number of times. */
    void wake();

    /**
     * Blocks the calling thread until {@link #wake()} was called (at once when it was).
     *
     * @throws InterruptedException when the thread is interrupted first (the wait then ends as if woken)
     */
    void await() throws InterruptedException;
  }
}
