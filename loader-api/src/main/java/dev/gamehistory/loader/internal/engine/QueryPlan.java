package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * What a strategy queries: its first queries and how many run at once, and what a failed query's
 * players do next (split, retry after a backoff, or fail). Decisions only: the load carries them out.
 */
final class QueryPlan {

  private QueryPlan() {}

  /** What a failed query's players do next. */
  sealed interface Next {
    /** Two queries of the halves, after {@code backoff}. */
    record Split(Task first, Task second, Duration backoff) implements Next {}

    /** The same players again, after {@code backoff}. */
    record Retry(Task next, Duration backoff) implements Next {}

    /** The players fail with the query's error. */
    record Fail() implements Next {}
  }

  /** How many queries of {@code strategy} run at once. */
  static int parallelism(Strategy strategy) {
    if (strategy instanceof Strategy.Chunked chunked) {
      return chunked.parallelism();
    } else if (strategy instanceof Strategy.PerPlayer perPlayer) {
      return perPlayer.parallelism();
    } else if (strategy instanceof Strategy.Adaptive adaptive) {
      return adaptive.parallelism();
    }
    return 1;
  }

  /** The players of each first query of {@code strategy}, in order. */
  static List<List<String>> initialChunks(Strategy strategy, List<String> players) {
    int size;
    if (strategy instanceof Strategy.Chunked chunked) {
      size = chunked.chunkSize();
    } else if (strategy instanceof Strategy.PerPlayer) {
      size = 1;
    } else if (strategy instanceof Strategy.Adaptive adaptive && adaptive.initialChunkSize() > 0) {
      size = adaptive.initialChunkSize();
    } else {
      size = players.size();
    }
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < players.size(); from += size) {
      chunks.add(List.copyOf(players.subList(from, Math.min(players.size(), from + size))));
    }
    return chunks;
  }

  /**
   * What the players of {@code task} do after its query failed with {@code failure}. The adaptive
   * strategy splits a query of several players that timed out, was refused for a transient reason or
   * was too large; the others (and a single player) retry a retryable failure while attempts are left.
   * A split or retry whose backoff would not end before the deadline is not taken: the players fail
   * now, so that a fallback stage may still run. {@code jitter} is drawn only when a backoff is.
   */
  static Next afterFailure(Strategy stage, RetryPolicy retry, Task task, LoaderException failure, DoubleSupplier jitter,
      Predicate<Duration> endsBeforeDeadline) {
    boolean adaptive = stage instanceof Strategy.Adaptive;
    int size = task.players().size();
    boolean splittable = failure instanceof BackendException backendFailure && backendFailure.isSplittable();
    if (adaptive && (failure.isRetryable() || splittable) && size > 1) {
      int half = (size + 1) / 2;
      // A timed-out query's halves start at once; after a transient error (a rate limit, a server
      // error) they wait the first retry backoff, so that splitting does not hammer a busy backend;
      // a query too large for the backend splits at once, as a timed-out one does.
      Duration backoff = failure instanceof BackendException && !splittable
          ? retry.backoff(1, jitter.getAsDouble()) : Duration.ZERO;
      if (endsBeforeDeadline.test(backoff)) {
        return new Next.Split(new Task(task.players().subList(0, half), 1),
            new Task(task.players().subList(half, size), 1), backoff);
      }
    } else {
      boolean retryable = failure instanceof BackendException
          ? failure.isRetryable()
          : adaptive && failure instanceof QueryTimeoutException;
      if (retryable && task.attempt() < retry.maxAttempts()) {
        Duration backoff = retry.backoff(task.attempt(), jitter.getAsDouble());
        if (endsBeforeDeadline.test(backoff)) {
          return new Next.Retry(new Task(task.players(), task.attempt() + 1), backoff);
        }
      }
    }
    return new Next.Fail();
  }
}
