package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One launched query of a load: queued for a worker, then started when its call begins. Its fields
 * are guarded by the load's lock.
 */
final class Attempt {
  final int id;
  final Task task;
  private @Nullable AttemptContext context;
  Duration timeout = Duration.ZERO;
  boolean deadlineBound;
  long startNanos;
  @Nullable ScheduledFuture<?> timer;
  boolean decided;

  /** What a backend call gave: its result, or what it threw (or a {@link NullPointerException} for no result). */
  record Returned(@Nullable QueryResult result, @Nullable Throwable error) {}

  /**
   * Runs on the worker: the backend call for the task's players under the attempt's context, which a cancel interrupts.
   * Catches anything, since a backend may throw a checked exception it does not declare (Kotlin,
   * sneaky throws); clears the interrupt before the thread goes back to the pool.
   */
  Returned call(GamesQuery backend, LoadRequest request, AttemptContext context) {
    try {
      context.runOn(Thread.currentThread());
      if (context.isCancelled()) {
        throw LoadCancelledException.of("query cancelled before it started");
      }
      WindowQuery query = new WindowQuery(task.players(), request.gameDate(), request.lookbackDays(), request.maxGames());
      QueryResult result = backend.fetch(query, context);
      if (result == null) {
        throw new NullPointerException("backend " + backend.name() + " returned no result");
      }
      return new Returned(result, null);
    } catch (Throwable e) {
      return new Returned(null, e);
    } finally {
      context.runOn(null);
      Thread.interrupted();
    }
  }

  Attempt(int id, Task task) {
    this.id = id;
    this.task = task;
  }

  void started(AttemptContext context, Duration timeout, boolean deadlineBound, long startNanos) {
    this.context = context;
    this.timeout = timeout;
    this.deadlineBound = deadlineBound;
    this.startNanos = startNanos;
  }

  boolean isStarted() {
    return context != null;
  }

  AttemptContext context() {
    if (context == null) {
      throw new IllegalStateException("attempt " + id + " has not started");
    }
    return context;
  }
}
