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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a load has learned: each loaded pair's games, each query's attempt, the events of its
 * report; and the result of each date they make when it ends. Guarded by the load's lock.
 */
final class Ledger {

  /** An attempt as recorded, with the pairs it asked for and each date's rows. */
  private record Recorded(QueryAttempt attempt, Task task, Map<LocalDate, Long> rowsByDate) {}

  /** An event and the dates it concerns; {@code null}: every date of the load. */
  private record Dated(ReportEvent event, @Nullable Set<LocalDate> dates) {}

  private final TimeSource time;
  private final long startNanos;
  private final Map<Pair, List<HistoricalGame>> loaded = new HashMap<>();
  private final List<Recorded> attempts = new ArrayList<>();
  private final List<Dated> events = new ArrayList<>();

  Ledger(TimeSource time, long startNanos) {
    this.time = time;
    this.startNanos = startNanos;
  }

  void loaded(Pair pair, List<HistoricalGame> games) {
    loaded.put(pair, games);
  }

  boolean isLoaded(Pair pair) {
    return loaded.containsKey(pair);
  }

  /** Records how an attempt ended, now; returns the record. */
  QueryAttempt record(Attempt attempt, String stageName, QueryAttempt.Outcome outcome, Map<LocalDate, Long> rowsByDate,
      boolean cancelled, @Nullable LoaderException failure, Optional<BackendStatistics> statistics) {
    long now = time.nanoTime();
    long rows = rowsByDate.values().stream().mapToLong(Long::longValue).sum();
    QueryAttempt recorded = new QueryAttempt(attempt.id, stageName, attempt.task.players(), attempt.task.attempt(),
        Duration.ofNanos(Math.max(0, attempt.startNanos - startNanos)),
        Duration.ofNanos(Math.max(0, now - attempt.startNanos)),
        outcome, rows, cancelled, Optional.ofNullable(failure), statistics);
    attempts.add(new Recorded(recorded, attempt.task, Map.copyOf(rowsByDate)));
    return recorded;
  }

  /** Records an event of the report, now, for {@code dates} ({@code null}: every date). */
  void event(ReportEvent.Kind kind, int players, String detail, @Nullable Set<LocalDate> dates) {
    events.add(new Dated(new ReportEvent(kind, Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), players,
        detail), dates == null ? null : Set.copyOf(dates)));
  }

  /** Every attempt so far, each once. */
  List<QueryAttempt> attempts() {
    return attempts.stream().map(Recorded::attempt).toList();
  }

  /**
   * The result of one date: each requested player, in order, loaded or failed with its failure; the
   * attempts that held the date (with the date's players and rows when they held others too) and the
   * events that concern it.
   *
   * @throws IllegalStateException when a player has neither, which would be a bug of the engine
   */
  LoadResult result(LoadRequest request, Map<Pair, LoaderException> failures, String strategyDescription,
      String strategyName, String backendName, Instant startedAt, Duration deadline) {
    LocalDate date = request.gameDate();
    List<PlayerOutcome> outcomes = new ArrayList<>(request.players().size());
    for (String player : request.players()) {
      Pair pair = new Pair(date, player);
      // The date's games leave the ledger with its result: a backfill holds only the dates in flight.
      List<HistoricalGame> games = loaded.remove(pair);
      if (games != null) {
        outcomes.add(new PlayerOutcome.Loaded(player, games));
      } else {
        LoaderException failure = failures.get(pair);
        if (failure == null) {
          throw new IllegalStateException("player '" + player + "' of " + date + " has no outcome");
        }
        outcomes.add(new PlayerOutcome.Failed(player, failure));
      }
    }
    List<QueryAttempt> held = new ArrayList<>();
    for (Recorded recorded : attempts) {
      List<String> players = recorded.task().slates().get(date);
      if (players == null) {
        continue;
      }
      QueryAttempt whole = recorded.attempt();
      held.add(recorded.task().isSingleDate() ? whole : new QueryAttempt(whole.id(), whole.stage(), players,
          whole.attempt(), whole.startedAt(), whole.duration(), whole.outcome(),
          recorded.rowsByDate().getOrDefault(date, 0L), whole.cancelled(), whole.failure(), whole.statistics()));
    }
    held.sort(Comparator.comparingInt(QueryAttempt::id));
    List<ReportEvent> dated = events.stream()
        .filter(event -> event.dates() == null || event.dates().contains(date))
        .map(Dated::event)
        .toList();
    LoadReport report = new LoadReport(strategyDescription, strategyName, backendName, startedAt, deadline,
        Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), held, dated);
    return LoadResult.of(outcomes, report);
  }
}
