package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

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

  /** The players of each first query of {@code strategy} over one date's players, in order. */
  static List<List<String>> initialChunks(Strategy strategy, List<String> players) {
    int size = chunkSize(strategy, players.size());
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < players.size(); from += size) {
      chunks.add(List.copyOf(players.subList(from, Math.min(players.size(), from + size))));
    }
    return chunks;
  }

  /**
   * The first queries of {@code strategy} over {@code slates}, in date order. One date's players
   * are chunked as {@link #initialChunks(Strategy, List)} does. With a backfill's {@code grouping},
   * consecutive dates first go together, up to its dates and pairs per query (a date with more
   * players than that is split by players), and then the strategy's chunk size cuts each group into
   * queries of at most that many pairs.
   */
  static List<Task> initialTasks(Strategy strategy, SortedMap<LocalDate, List<String>> slates,
      @Nullable BackfillPolicy grouping) {
    List<Task> tasks = new ArrayList<>();
    if (grouping == null) {
      slates.forEach((date, players) -> initialChunks(strategy, players).forEach(chunk -> tasks.add(Task.of(date, chunk, 1))));
      return tasks;
    }
    for (SortedMap<LocalDate, List<String>> group : groups(slates, grouping)) {
      int pairs = group.values().stream().mapToInt(List::size).sum();
      int size = chunkSize(strategy, pairs);
      SortedMap<LocalDate, List<String>> chunk = new TreeMap<>();
      int inChunk = 0;
      for (Map.Entry<LocalDate, List<String>> entry : group.entrySet()) {
        for (String player : entry.getValue()) {
          chunk.computeIfAbsent(entry.getKey(), d -> new ArrayList<>()).add(player);
          if (++inChunk == size) {
            tasks.add(new Task(chunk, 1));
            chunk = new TreeMap<>();
            inChunk = 0;
          }
        }
      }
      if (inChunk > 0) {
        tasks.add(new Task(chunk, 1));
      }
    }
    return tasks;
  }

  /** Consecutive dates together, at most {@code datesPerQuery} and {@code pairsPerQuery} pairs a group. */
  static List<SortedMap<LocalDate, List<String>>> groups(SortedMap<LocalDate, List<String>> slates,
      BackfillPolicy grouping) {
    List<SortedMap<LocalDate, List<String>>> groups = new ArrayList<>();
    SortedMap<LocalDate, List<String>> group = new TreeMap<>();
    int pairs = 0;
    for (Map.Entry<LocalDate, List<String>> entry : slates.entrySet()) {
      List<String> players = entry.getValue();
      if (!group.isEmpty() && (group.size() == grouping.datesPerQuery()
          || pairs + players.size() > grouping.pairsPerQuery())) {
        groups.add(group);
        group = new TreeMap<>();
        pairs = 0;
      }
      for (int from = 0; from < players.size(); from += grouping.pairsPerQuery()) {
        List<String> part = players.subList(from, Math.min(players.size(), from + grouping.pairsPerQuery()));
        if (from > 0) {
          groups.add(group);
          group = new TreeMap<>();
          pairs = 0;
        }
        group.put(entry.getKey(), List.copyOf(part));
        pairs += part.size();
      }
    }
    groups.add(group);
    return groups;
  }

  private static int chunkSize(Strategy strategy, int all) {
    if (strategy instanceof Strategy.Chunked chunked) {
      return chunked.chunkSize();
    } else if (strategy instanceof Strategy.PerPlayer) {
      return 1;
    } else if (strategy instanceof Strategy.Adaptive adaptive && adaptive.initialChunkSize() > 0) {
      return adaptive.initialChunkSize();
    }
    return Math.max(1, all);
  }

  /**
   * What the players of {@code task} do after its query failed with {@code failure}. The adaptive
   * strategy splits a query of several players (or dates) that timed out, was refused for a
   * transient reason or was too large, by dates first, then by players; the others (and a single
   * pair) retry a retryable failure while attempts are left. A split or retry whose backoff would not
   * end before the deadline is not taken: the players fail now, so that a fallback stage may still
   * run. {@code jitter} is drawn only when a backoff is.
   */
  static Next afterFailure(Strategy stage, RetryPolicy retry, Task task, LoaderException failure, DoubleSupplier jitter,
      Predicate<Duration> endsBeforeDeadline) {
    boolean adaptive = stage instanceof Strategy.Adaptive;
    boolean splittable = failure instanceof BackendException backendFailure && backendFailure.isSplittable();
    if (adaptive && (failure.isRetryable() || splittable) && task.pairs() > 1) {
      // A timed-out query's halves start at once; after a transient error (a rate limit, a server
      // error) they wait the first retry backoff, so that splitting does not hammer a busy backend;
      // a query too large for the backend splits at once, as a timed-out one does.
      Duration backoff = failure instanceof BackendException && !splittable
          ? retry.backoff(1, jitter.getAsDouble()) : Duration.ZERO;
      if (endsBeforeDeadline.test(backoff)) {
        List<Task> halves = task.halves();
        return new Next.Split(halves.get(0), halves.get(1), backoff);
      }
    } else {
      boolean retryable = failure instanceof BackendException
          ? failure.isRetryable()
          : adaptive && failure instanceof QueryTimeoutException;
      if (retryable && task.attempt() < retry.maxAttempts()) {
        Duration backoff = retry.backoff(task.attempt(), jitter.getAsDouble());
        if (endsBeforeDeadline.test(backoff)) {
          return new Next.Retry(task.retry(), backoff);
        }
      }
    }
    return new Next.Fail();
  }
}
