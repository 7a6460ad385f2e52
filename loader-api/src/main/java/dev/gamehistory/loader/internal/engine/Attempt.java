package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
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

  /**
   * What a backend call gave: each date's result and the statistics of the query (for one date, its
   * result's own), or what it threw (a {@link NullPointerException} for no result).
   */
  record Returned(@Nullable Map<LocalDate, QueryResult> byDate, Optional<BackendStatistics> statistics,
      @Nullable Throwable error) {}

  /**
   * Runs on the worker: the backend call for the task's pairs under the attempt's context, which a
   * cancel interrupts; one date is asked with {@code fetch}, several with {@code fetchDates}.
   * Catches anything, since a backend may throw a checked exception it does not declare (Kotlin,
   * sneaky throws); clears the interrupt before the thread goes back to the pool.
   */
  Returned call(GamesQuery backend, int lookbackDays, int maxGames, AttemptContext context) {
    try {
      context.runOn(Thread.currentThread());
      if (context.isCancelled()) {
        throw LoadCancelledException.of("query cancelled before it started");
      }
      if (task.isSingleDate()) {
        LocalDate date = task.slates().firstKey();
        QueryResult result = backend.fetch(new WindowQuery(task.slates().get(date), date, lookbackDays, maxGames), context);
        if (result == null) {
          throw new NullPointerException("backend " + backend.name() + " returned no result");
        }
        return new Returned(Map.of(date, result), result.statistics(), null);
      }
      DatesResult result = backend.fetchDates(new DatesQuery(task.slates(), lookbackDays, maxGames), context);
      if (result == null) {
        throw new NullPointerException("backend " + backend.name() + " returned no result");
      }
      return new Returned(result.dates(), result.statistics(), null);
    } catch (Throwable e) {
      return new Returned(null, Optional.empty(), e);
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
