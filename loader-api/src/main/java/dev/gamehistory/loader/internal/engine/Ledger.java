package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a load has learned: each loaded player's games, each query's attempt, the events of its
 * report; and the result they make when it ends. Guarded by the load's lock.
 */
final class Ledger {

  private final TimeSource time;
  private final long startNanos;
  private final Map<String, List<HistoricalGame>> loaded = new HashMap<>();
  private final List<QueryAttempt> attempts = new ArrayList<>();
  private final List<ReportEvent> events = new ArrayList<>();

  Ledger(TimeSource time, long startNanos) {
    this.time = time;
    this.startNanos = startNanos;
  }

  void loaded(String player, List<HistoricalGame> games) {
    loaded.put(player, games);
  }

  boolean isLoaded(String player) {
    return loaded.containsKey(player);
  }

  /** Records how an attempt ended, now; returns the record. */
  QueryAttempt record(Attempt attempt, String stageName, QueryAttempt.Outcome outcome, long rows, boolean cancelled,
      @Nullable LoaderException failure, Optional<BackendStatistics> statistics) {
    long now = time.nanoTime();
    QueryAttempt recorded = new QueryAttempt(attempt.id, stageName, attempt.task.players(), attempt.task.attempt(),
        Duration.ofNanos(Math.max(0, attempt.startNanos - startNanos)),
        Duration.ofNanos(Math.max(0, now - attempt.startNanos)),
        outcome, rows, cancelled, Optional.ofNullable(failure), statistics);
    attempts.add(recorded);
    return recorded;
  }

  /** Records an event of the report, now. */
  void event(ReportEvent.Kind kind, int players, String detail) {
    events.add(new ReportEvent(kind, Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), players, detail));
  }

  /**
   * The load's result: each requested player, in order, loaded or failed with its failure.
   *
   * @throws IllegalStateException when a player has neither, which would be a bug of the engine
   */
  LoadResult result(LoadRequest request, Map<String, LoaderException> failures, String strategyDescription,
      String strategyName, String backendName, Instant startedAt, Duration deadline) {
    List<PlayerOutcome> outcomes = new ArrayList<>(request.players().size());
    for (String player : request.players()) {
      List<HistoricalGame> games = loaded.get(player);
      if (games != null) {
        outcomes.add(new PlayerOutcome.Loaded(player, games));
      } else {
        LoaderException failure = failures.get(player);
        if (failure == null) {
          throw new IllegalStateException("player '" + player + "' has no outcome");
        }
        outcomes.add(new PlayerOutcome.Failed(player, failure));
      }
    }
    attempts.sort(Comparator.comparingInt(QueryAttempt::id));
    LoadReport report = new LoadReport(strategyDescription, strategyName, backendName, startedAt, deadline,
        Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), attempts, events);
    return LoadResult.of(outcomes, report);
  }
}
