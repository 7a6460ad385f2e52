package dev.gamehistory.loader;

import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a load did: the strategy, every query attempt, every retry, split and fallback, and the total
 * time. Sums over attempts are offered for the usual questions.
 *
 * @param strategy the strategy, as {@link Strategy#describe()} gives it
 * @param strategyName the strategy's name: batch, chunked, per-player, adaptive or fallback
 * @param backend the backend's name
 * @param startedAt the wall-clock time the load started
 * @param deadline the load's deadline, measured from its start
 * @param elapsed how long the load took
 * @param attempts every query attempt, in start order
 * @param events every retry, split, fallback and deadline, in order
 * @param cache where the players' histories came from, for a load through a {@link CachingLoader};
 *     absent otherwise
 */
public record LoadReport(
    String strategy,
    String strategyName,
    String backend,
    Instant startedAt,
    Duration deadline,
    Duration elapsed,
    List<QueryAttempt> attempts,
    List<ReportEvent> events,
    Optional<CacheUse> cache) {

  /** Copies the lists and checks that no field is null. */
  public LoadReport {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(strategyName, "strategyName");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(elapsed, "elapsed");
    attempts = List.copyOf(attempts);
    events = List.copyOf(events);
    Objects.requireNonNull(cache, "cache");
  }

  /** A report of a load that did not go through a cache. */
  public LoadReport(String strategy, String strategyName, String backend, Instant startedAt, Duration deadline,
      Duration elapsed, List<QueryAttempt> attempts, List<ReportEvent> events) {
    this(strategy, strategyName, backend, startedAt, deadline, elapsed, attempts, events, Optional.empty());
  }

  /**
   * Where a cached load's players came from; each requested player is counted once.
   *
   * @param hits players answered from the cache
   * @param shared players answered by a query another load had already started
   * @param queried players this load queried itself
   */
  public record CacheUse(int hits, int shared, int queried) {
    /** Checks that no count is negative. */
    public CacheUse {
      if (hits < 0 || shared < 0 || queried < 0) {
        throw new IllegalArgumentException(
            "counts must not be negative but were hits=" + hits + ", shared=" + shared + ", queried=" + queried);
      }
    }
  }

  /** How many queries were started. */
  public int queryCount() {
    return attempts.size();
  }

  /** Rows returned by successful queries. */
  public long rows() {
    return attempts.stream().mapToLong(QueryAttempt::rows).sum();
  }

  /** Retries taken (attempts beyond the first for the same players). */
  public int retries() {
    return (int) attempts.stream().filter(a -> a.attempt() > 1).count();
  }

  /** Events of the given kind. */
  public long count(ReportEvent.Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).count();
  }

  /** Attempts with the given outcome. */
  public long count(QueryAttempt.Outcome outcome) {
    return attempts.stream().filter(a -> a.outcome() == outcome).count();
  }

  /** Bytes processed over all attempts that report it; absent when none does. */
  public Optional<Long> bytesProcessed() {
    return sum(s -> s.bytesProcessed().isPresent() ? Optional.of(s.bytesProcessed().getAsLong()) : Optional.empty());
  }

  /** Bytes billed over all attempts that report it; absent when none does. */
  public Optional<Long> bytesBilled() {
    return sum(s -> s.bytesBilled().isPresent() ? Optional.of(s.bytesBilled().getAsLong()) : Optional.empty());
  }

  /** Time queued in the backend, summed over attempts that report it. */
  public Optional<Duration> queued() {
    return sumDurations(BackendStatistics::queued);
  }

  /** Time executing in the backend, summed over attempts that report it. */
  public Optional<Duration> executing() {
    return sumDurations(BackendStatistics::executing);
  }

  /** Time reading results, summed over attempts that report it. */
  public Optional<Duration> fetching() {
    return sumDurations(BackendStatistics::fetching);
  }

  /**
   * A one-line summary: strategy, queries, rows, retries, splits, fallbacks, the cache's share when
   * there is a cache, elapsed.
   */
  public String summary() {
    String cached = cache.map(c -> c.hits() + " cached, " + c.shared() + " shared, ").orElse("");
    return strategy + ": " + Internals.count(queryCount(), "query", "queries") + ", " + Internals.count(rows(), "row", "rows")
        + ", " + Internals.count(retries(), "retry", "retries") + ", "
        + Internals.count(count(ReportEvent.Kind.SPLIT), "split", "splits") + ", "
        + Internals.count(count(ReportEvent.Kind.FALLBACK), "fallback", "fallbacks") + ", " + cached + elapsed.toMillis() + " ms";
  }

  private Optional<Long> sum(java.util.function.Function<BackendStatistics, Optional<Long>> field) {
    return attempts.stream()
        .flatMap(a -> a.statistics().stream())
        .flatMap(s -> field.apply(s).stream())
        .reduce(Long::sum);
  }

  private Optional<Duration> sumDurations(java.util.function.Function<BackendStatistics, Optional<Duration>> field) {
    return attempts.stream()
        .flatMap(a -> a.statistics().stream())
        .flatMap(s -> field.apply(s).stream())
        .reduce(Duration::plus);
  }
}
