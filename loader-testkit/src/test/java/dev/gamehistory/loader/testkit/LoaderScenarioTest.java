package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's guarantees, shown on the in-memory backend with injected faults: deadlines hold when
 * queries never return, adaptive splitting beats a hanging query where a batch cannot, retries,
 * fallbacks and parallelism limits. Waits use {@link ManualTime} or real time with wide margins;
 * nothing sleeps.
 */
class LoaderScenarioTest {

  /** A real-time safety net for things that should happen at once; never reached when all is well. */
  private static final Duration SAFETY = Duration.ofSeconds(30);
  private static final Duration QUERY_TIMEOUT = Duration.ofMillis(200);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static League league;
  private static LocalDate gameDate;
  private static List<String> players;

  private final List<HistoricalGamesLoader> loaders = new ArrayList<>();

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(42, 1);
    gameDate = league.pickGameDate(1);
    Set<String> many = new LinkedHashSet<>(league.slate(gameDate));
    for (String player : league.players()) {
      if (many.size() == 360) {
        break;
      }
      many.add(player);
    }
    players = List.copyOf(many);
  }

  @AfterEach
  void closeLoaders() {
    loaders.forEach(HistoricalGamesLoader::close);
  }

  @Test
  void loadAsync_queriesNeverReturn_everyPlayerFailsAtTheDeadlineAndEveryQueryIsCancelled() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()), time);
    Duration deadline = Duration.ofSeconds(5);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.perPlayer(4),
        TimeoutPolicy.fixed(Duration.ofSeconds(60), deadline), RetryPolicy.defaults());
    List<String> requested = players.subList(0, 10);

    CompletableFuture<LoadResult> future = loader.loadAsync(request(requested));
    backend.awaitQueries(4, SAFETY);
    time.advance(deadline.minusMillis(1));
    assertThat(future).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(future).succeedsWithin(SAFETY);
    LoadResult result = future.join();
    assertThat(result).hasOutcomesFor(requested.toArray(String[]::new)).allFailedWith(FailureKind.DEADLINE);
    assertThat(result.report().count(ReportEvent.Kind.DEADLINE)).isEqualTo(1);
    assertThat(result.report().attempts()).hasSize(4)
        .allSatisfy(attempt -> assertThat(attempt.outcome()).isEqualTo(QueryAttempt.Outcome.CANCELLED));
    List<RecordedQuery> calls = backend.awaitIdle(SAFETY);
    assertThat(calls).hasSize(4).allSatisfy(call -> {
      assertThat(call.cancelled()).isTrue();
      assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED);
    });
    assertThat(backend.cancelledCount()).isEqualTo(4);
    assertThat(time.elapsed()).isEqualTo(deadline);
  }

  @Test
  void loadAsync_settingsWithADeadlineAlone_theQueryTimeoutFollowsItAndPlayersFailWithDeadline() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()), time);
    LoaderSettings settings = LoaderSettings.fromMap(java.util.Map.of("strategy", "adaptive", "deadline", "5s"));
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time);
    loaders.add(loader);
    List<String> requested = players.subList(0, 10);

    CompletableFuture<LoadResult> future = loader.loadAsync(request(requested));
    backend.awaitQueries(1, SAFETY);
    time.advance(Duration.ofMillis(4_999));
    assertThat(future).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).hasOutcomesFor(requested.toArray(String[]::new)).allFailedWith(FailureKind.DEADLINE);
    assertThat(future.join().report().count(ReportEvent.Kind.SPLIT)).isZero();
    assertThat(backend.awaitIdle(SAFETY)).hasSize(1);
  }

  @Test
  void load_oneQueryInFourHangs_adaptiveLoadsEveryPlayerWithinTheDeadline() {
    InMemoryGamesQuery backend = backend(FaultPlan.builder().on(QuerySelector.everyNth(4, 1), Fault.hang()).build(), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.adaptive(40, 4),
        TimeoutPolicy.fixed(QUERY_TIMEOUT, DEADLINE), RetryPolicy.defaults());

    LoadResult result = loader.load(request(players));

    assertThat(result).isComplete().hasOutcomesFor(players.toArray(String[]::new))
        .hasNoEmptyHistoryStandingInForFailure();
    assertThat(result.loaded()).isEqualTo(loadWithoutFaults(players).loaded());
    assertThat(result.report().count(ReportEvent.Kind.SPLIT)).isPositive();
    assertThat(result.report().count(QueryAttempt.Outcome.TIMED_OUT)).isPositive();
    List<RecordedQuery> calls = backend.awaitIdle(SAFETY);
    assertThat(calls).filteredOn(call -> call.faults().contains(Fault.hang()))
        .isNotEmpty()
        .allSatisfy(call -> assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED));
  }

  @Test
  void load_oneQueryInFourHangs_batchFailsEveryPlayerWithTimeoutNeverAnEmptyHistory() {
    InMemoryGamesQuery backend = backend(FaultPlan.builder().on(QuerySelector.everyNth(4, 1), Fault.hang()).build(), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.batch(),
        TimeoutPolicy.fixed(QUERY_TIMEOUT, DEADLINE), RetryPolicy.defaults());

    LoadResult result = loader.load(request(players));

    assertThat(result).hasOutcomesFor(players.toArray(String[]::new))
        .allFailedWith(FailureKind.TIMEOUT)
        .hasNoEmptyHistoryStandingInForFailure()
        .hasQueryCount(1);
    assertThat(result.loaded()).isEmpty();
    assertThat(backend.awaitIdle(SAFETY)).singleElement().satisfies(call -> {
      assertThat(call.cancelled()).isTrue();
      assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED);
    });
  }

  @Test
  void load_oneQueryHangs_batchTimesOutOnTheManualClock() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build(), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.batch(),
        TimeoutPolicy.fixed(QUERY_TIMEOUT, DEADLINE), RetryPolicy.defaults());

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players));
    backend.awaitQueries(1, SAFETY);
    time.advance(QUERY_TIMEOUT);

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).allFailedWith(FailureKind.TIMEOUT).hasQueryCount(1);
    assertThat(backend.awaitIdle(SAFETY)).singleElement()
        .satisfies(call -> assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED));
  }

  @Test
  void load_transientErrors_areRetriedAndReported() {
    InMemoryGamesQuery backend = backend(
        FaultPlan.builder().on(QuerySelector.nth(1, 2), Fault.transientError(Fault.RATE_LIMIT_EXCEEDED)).build(), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE), fastRetries(3));

    LoadResult result = loader.load(request(players));

    assertThat(result).isComplete().hasRetries(2).hasQueryCount(3);
    assertThat(result.loaded()).isEqualTo(loadWithoutFaults(players).loaded());
    assertThat(result.report().count(ReportEvent.Kind.RETRY)).isEqualTo(2);
    assertThat(backend.history()).extracting(RecordedQuery::attempt).containsExactly(1, 2, 3);
    assertThat(backend.history()).extracting(RecordedQuery::outcome).containsExactly(
        RecordedQuery.Outcome.FAILED, RecordedQuery.Outcome.FAILED, RecordedQuery.Outcome.SUCCEEDED);
  }

  @Test
  void load_transientErrorsBeyondMaxAttempts_failWithTheLastBackendError() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.transientError()), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE), fastRetries(3));

    LoadResult result = loader.load(request(players));

    assertThat(result).allFailedWith(FailureKind.BACKEND).hasRetries(2).hasQueryCount(3);
    assertThat(result.failures().values()).allSatisfy(failure -> {
      assertThat(failure.isRetryable()).isTrue();
      assertThat(failure).hasMessage("in-memory query #3 (" + backend.history().get(2).queryId()
          + ") failed with injected error: backendError");
    });
  }

  @Test
  void load_permanentError_isNotRetried() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.permanentError()), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE), fastRetries(5));

    LoadResult result = loader.load(request(players));

    assertThat(result).allFailedWith(FailureKind.BACKEND).hasRetries(0).hasQueryCount(1);
    assertThat(result.failures().values()).allSatisfy(failure ->
        assertThat(failure).isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("invalidQuery");
          assertThat(e.isRetryable()).isFalse();
        }));
    assertThat(backend.queryCount()).isEqualTo(1);
  }

  @Test
  void load_fallbackFromBatchToPerPlayer_movesTheFailedPlayersToTheNextStage() {
    List<String> requested = players.subList(0, 12);
    String broken = requested.get(5);
    InMemoryGamesQuery backend = backend(
        FaultPlan.builder().on(QuerySelector.containingPlayer(broken), Fault.permanentError()).build(), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.fallback(Strategy.batch(), Strategy.perPlayer(4)),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE), fastRetries(3));

    LoadResult result = loader.load(request(requested));

    assertThat(result).hasOutcomesFor(requested.toArray(String[]::new)).hasFailed(broken, FailureKind.BACKEND)
        .hasNoEmptyHistoryStandingInForFailure();
    assertThat(result.failedPlayers()).containsExactly(broken);
    assertThat(result.loaded()).isEqualTo(loadWithoutFaults(requested).loaded().entrySet().stream()
        .filter(e -> !e.getKey().equals(broken))
        .collect(java.util.stream.Collectors.toMap(e -> e.getKey(), e -> e.getValue())));
    assertThat(result.report().count(ReportEvent.Kind.FALLBACK)).isEqualTo(1);
    assertThat(result.report().attempts()).extracting(QueryAttempt::stage)
        .containsExactly(List.of("batch", "per-player", "per-player", "per-player", "per-player", "per-player",
            "per-player", "per-player", "per-player", "per-player", "per-player", "per-player", "per-player")
            .toArray(String[]::new));
    assertThat(backend.history()).hasSize(13);
  }

  @Test
  void load_perPlayer_neverRunsMoreQueriesAtOnceThanItsParallelism() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofMillis(20))), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.perPlayer(3),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE), RetryPolicy.defaults());
    List<String> requested = players.subList(0, 30);

    LoadResult result = loader.load(request(requested));

    assertThat(result).isComplete().hasQueryCount(30);
    assertThat(backend.awaitIdle(SAFETY)).hasSize(30);
    assertThat(backend.maxInFlight()).isBetween(2, 3);
  }

  @Test
  void loadAsync_cancelledByTheCaller_cancelsTheRunningQueries() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.chunked(50, 2),
        TimeoutPolicy.fixed(Duration.ofSeconds(60), Duration.ofSeconds(120)), RetryPolicy.defaults());

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players));
    backend.awaitQueries(2, SAFETY);
    future.cancel(true);

    assertThat(backend.awaitIdle(SAFETY)).hasSize(2).allSatisfy(call -> assertThat(call.cancelled()).isTrue());
  }

  @Test
  void close_cancelsRunningLoads() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()), null);
    HistoricalGamesLoader loader = loader(backend, null, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(60), Duration.ofSeconds(120)), RetryPolicy.defaults());
    List<String> requested = players.subList(0, 5);

    CompletableFuture<LoadResult> future = loader.loadAsync(request(requested));
    backend.awaitQueries(1, SAFETY);
    loader.close();

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).allFailedWith(FailureKind.CANCELLED);
    assertThat(backend.awaitIdle(SAFETY)).singleElement().satisfies(call -> assertThat(call.cancelled()).isTrue());
    assertThat(backend.isClosed()).isTrue();
  }

  private InMemoryGamesQuery backend(FaultPlan faults, ManualTime time) {
    InMemoryGamesQuery.Builder builder = InMemoryGamesQuery.builder().league(league).faults(faults);
    if (time != null) {
      builder.timeSource(time);
    }
    return builder.build();
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, ManualTime time, Strategy strategy,
      TimeoutPolicy timeouts, RetryPolicy retry) {
    LoaderSettings settings = LoaderSettings.builder().strategy(strategy).timeouts(timeouts).retry(retry).build();
    HistoricalGamesLoader loader = time == null
        ? InMemoryLoaders.create(settings, backend)
        : InMemoryLoaders.create(settings, backend, time);
    loaders.add(loader);
    return loader;
  }

  private LoadResult loadWithoutFaults(List<String> requested) {
    HistoricalGamesLoader loader = loader(backend(FaultPlan.none(), null), null, Strategy.batch(),
        TimeoutPolicy.defaults(), RetryPolicy.none());
    LoadResult result = loader.load(request(requested));
    assertThat(result).isComplete();
    return result;
  }

  private static RetryPolicy fastRetries(int attempts) {
    return new RetryPolicy(attempts, Duration.ofMillis(5), Duration.ofMillis(5), 0.0);
  }

  private static LoadRequest request(List<String> requested) {
    return LoadRequest.builder(gameDate).players(requested).build();
  }
}
