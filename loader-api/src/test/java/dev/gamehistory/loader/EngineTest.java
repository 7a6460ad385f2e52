package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's decisions over a scripted backend. Real time with short per-query timeouts; nothing
 * asserts how long anything took.
 */
class EngineTest {

  private static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 1);
  /** A per-query timeout that queries expected to hang run into; queries expected to answer finish well within it. */
  private static final Duration SHORT = Duration.ofMillis(300);
  /** A per-query timeout no query is expected to reach. */
  private static final Duration AMPLE = Duration.ofSeconds(10);
  private static final Duration LONG_DEADLINE = Duration.ofSeconds(30);

  private final List<HistoricalGamesLoader> loaders = new ArrayList<>();

  @AfterEach
  void closeLoaders() {
    loaders.forEach(HistoricalGamesLoader::close);
  }

  // ---- a scripted backend -------------------------------------------------------------------

  /** What one call does. */
  private interface Script extends BiFunction<WindowQuery, QueryContext, QueryResult> {}

  /** Records calls and answers each with the script; a call that hangs returns only when cancelled. */
  private static final class ScriptedBackend implements GamesQuery {
    final Script script;
    final List<WindowQuery> calls = new CopyOnWriteArrayList<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile boolean closed;

    ScriptedBackend(Script script) {
      this.script = script;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      calls.add(query);
      context.onCancel(() -> cancelled.add(context.queryId()));
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        return script.apply(query, context);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static QueryResult gamesFor(WindowQuery query) {
    Map<String, List<HistoricalGame>> games = query.players().stream()
        .collect(Collectors.toMap(p -> p, p -> List.of(game(p, query.gameDate().minusDays(2), 1))));
    return QueryResult.of(games);
  }

  private static HistoricalGame game(String player, LocalDate date, int rank) {
    return new HistoricalGame(player, date, "BOS", OptionalInt.of(20), Optional.empty(), rank, OptionalInt.empty());
  }

  private static QueryResult hang(QueryContext context) {
    try {
      context.awaitCancellation(Duration.ofDays(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw LoadCancelledException.of("query cancelled");
  }

  private HistoricalGamesLoader loader(GamesQuery backend, LoaderSettings settings) {
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build();
    loaders.add(loader);
    return loader;
  }

  private static LoaderSettings settings(Strategy strategy, Duration queryTimeout, Duration deadline, RetryPolicy retry) {
    return LoaderSettings.builder()
        .strategy(strategy)
        .timeouts(TimeoutPolicy.fixed(queryTimeout, deadline))
        .retry(retry)
        .build();
  }

  private static List<String> players(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("player%03d", i)).toList();
  }

  private static LoadRequest request(List<String> players) {
    return LoadRequest.of(GAME_DATE, players);
  }

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void build_cacheEnabledWithoutAStoreOnTheClassPath_failsNamingTheSetting() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> gamesFor(q));
    LoaderSettings settings = LoaderSettings.builder().cache(CachePolicy.of(10, Duration.ofMinutes(1))).build();

    assertThatThrownBy(() -> HistoricalGamesLoader.builder().backend(backend).settings(settings).build())
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("cache.enabled: no cache store on the class path: add the dev.gamehistory:loader-cache module;"
            + " got 'true'");
    assertThatThrownBy(() -> HistoricalGamesLoader.fromSettings(settings))
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessageStartingWith("cache.enabled: no cache store on the class path");
    HistoricalGamesLoader plain = loader(backend, LoaderSettings.defaults());
    assertThatThrownBy(() -> HistoricalGamesLoader.caching(plain, CachePolicy.of(10, Duration.ofMinutes(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no cache store on the class path: add the dev.gamehistory:loader-cache module");
  }

  @Test
  void load_batchRunsOneQueryForAllPlayers() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> gamesFor(q));
    LoadResult result = loader(backend, settings(Strategy.batch(), AMPLE, LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(5)));

    assertThat(result.isComplete()).isTrue();
    assertThat(backend.calls).hasSize(1);
    assertThat(backend.calls.get(0).players()).containsExactlyElementsOf(players(5));
    assertThat(result.report().attempts()).singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(QueryAttempt.Outcome.SUCCEEDED));
    assertThat(result.report().strategy()).isEqualTo("batch");
    assertThat(result.report().backend()).isEqualTo("scripted");
  }

  @Test
  void load_playersWithoutRowsAreLoadedEmpty() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> QueryResult.of(Map.of()));
    LoadResult result = loader(backend, settings(Strategy.batch(), AMPLE, LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(3)));

    assertThat(result.isComplete()).isTrue();
    assertThat(result.loaded()).containsOnlyKeys(players(3)).allSatisfy((p, games) -> assertThat(games).isEmpty());
  }

  @Test
  void load_outcomesFollowRequestOrderAndDuplicatesCollapse() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> gamesFor(q));
    LoadRequest request = LoadRequest.builder(GAME_DATE).players("c", "a", "c", "b", "a").build();
    LoadResult result = loader(backend, settings(Strategy.perPlayer(2), AMPLE, LONG_DEADLINE, RetryPolicy.none()))
        .load(request);

    assertThat(result.outcomes().keySet()).containsExactly("c", "a", "b");
    assertThat(backend.calls).hasSize(3);
  }

  @Test
  void load_chunkedSplitsIntoChunksAndBoundsParallelism() {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return gamesFor(q);
    });
    HistoricalGamesLoader loader = loader(backend, settings(Strategy.chunked(3, 2), Duration.ofSeconds(10), LONG_DEADLINE, RetryPolicy.none()));
    CompletableFuture<LoadResult> future = loader.loadAsync(request(players(10)));
    release.countDown();
    LoadResult result = future.join();

    assertThat(result.isComplete()).isTrue();
    assertThat(backend.calls).extracting(q -> q.players().size()).containsExactlyInAnyOrder(3, 3, 3, 1);
    assertThat(backend.maxInFlight.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void load_perPlayerNeverExceedsParallelism() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      Thread.yield();
      return gamesFor(q);
    });
    LoadResult result = loader(backend, settings(Strategy.perPlayer(3), AMPLE, LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(40)));

    assertThat(result.isComplete()).isTrue();
    assertThat(backend.calls).hasSize(40).allSatisfy(q -> assertThat(q.players()).hasSize(1));
    assertThat(backend.maxInFlight.get()).isBetween(1, 3);
  }

  @Test
  void load_queryTimeoutCancelsTheQueryAndFailsItsPlayersWithTimeout() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> hang(c));
    LoadResult result = loader(backend, settings(Strategy.batch(), SHORT, LONG_DEADLINE, RetryPolicy.defaults()))
        .load(request(players(4)));

    assertThat(result.failedPlayers()).containsExactlyElementsOf(players(4));
    assertThat(result.failures().values()).allSatisfy(f -> {
      assertThat(f).isInstanceOf(QueryTimeoutException.class);
      assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
    });
    assertThat(result.failures().get("player001"))
        .hasMessage("query for 4 players did not finish within its timeout of 300 ms; cancelled");
    assertThat(result.report().attempts()).as("timeouts are not retried outside adaptive").singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(QueryAttempt.Outcome.TIMED_OUT);
      assertThat(a.cancelled()).isTrue();
    });
    awaitEveryStartedCallCancelled(backend, 1);
  }

  @Test
  void load_failedPlayerIsNeverAnEmptyHistory() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> hang(c));
    LoadResult result = loader(backend, settings(Strategy.batch(), SHORT, LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("alice")));

    assertThat(result.loaded()).isEmpty();
    assertThatThrownBy(() -> result.games("alice"))
        .isInstanceOf(PlayerLoadFailedException.class)
        .hasMessageStartingWith("history of player 'alice' was not loaded (TIMEOUT): ")
        .hasCauseInstanceOf(QueryTimeoutException.class);
    assertThatThrownBy(result::orThrow)
        .isInstanceOf(IncompleteLoadException.class)
        .hasMessage("1 of 1 player failed: alice (TIMEOUT)");
  }

  @Test
  void load_deadlineFailsOutstandingPlayersAndCancelsEveryRunningQuery() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> hang(c));
    LoadRequest request = LoadRequest.builder(GAME_DATE).players(players(6)).deadline(Duration.ofMillis(500)).build();
    LoadResult result = loader(backend, settings(Strategy.perPlayer(3), Duration.ofSeconds(20), LONG_DEADLINE, RetryPolicy.defaults()))
        .load(request);

    assertThat(result.failures()).hasSize(6).allSatisfy((p, f) -> assertThat(f).isInstanceOf(DeadlineExceededException.class));
    assertThat(result.report().attempts()).as("parallelism 3: three queries started, none finished").hasSize(3)
        .allSatisfy(a -> assertThat(a.outcome()).isEqualTo(QueryAttempt.Outcome.CANCELLED));
    assertThat(result.report().count(ReportEvent.Kind.DEADLINE)).isEqualTo(1);
    awaitEveryStartedCallCancelled(backend, 3);
  }

  @Test
  void load_transientErrorIsRetriedWithBackoff() {
    AtomicInteger calls = new AtomicInteger();
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      if (calls.incrementAndGet() <= 2) {
        throw BackendException.transientError("backendError", "try again", null);
      }
      return gamesFor(q);
    });
    RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 0.0);
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, retry))
        .load(request(players(2)));

    assertThat(result.isComplete()).isTrue();
    assertThat(result.report().attempts()).extracting(QueryAttempt::attempt).containsExactly(1, 2, 3);
    assertThat(result.report().retries()).isEqualTo(2);
    assertThat(result.report().count(ReportEvent.Kind.RETRY)).isEqualTo(2);
  }

  @Test
  void load_transientErrorFailsWhenAttemptsRunOut() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      throw BackendException.transientError("rateLimitExceeded", "slow down", null);
    });
    RetryPolicy retry = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0.0);
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, retry))
        .load(request(players(2)));

    assertThat(backend.calls).hasSize(2);
    assertThat(result.failures()).hasSize(2).allSatisfy((p, f) -> {
      assertThat(f).isInstanceOf(BackendException.class).hasMessage("slow down");
      assertThat(((BackendException) f).reason()).isEqualTo("rateLimitExceeded");
    });
  }

  @Test
  void load_retryThatWouldEndPastTheDeadlineIsNotTaken() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      throw BackendException.transientError("backendError", "busy", null);
    });
    RetryPolicy retry = new RetryPolicy(5, Duration.ofMinutes(10), Duration.ofMinutes(10), 0.0);
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, retry))
        .load(request(players(1)));

    assertThat(backend.calls).hasSize(1);
    assertThat(result.failures().get("player001")).isInstanceOf(BackendException.class).hasMessage("busy");
  }

  @Test
  void load_permanentErrorIsNotRetried() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      throw BackendException.permanentError("invalidQuery", "Syntax error at [1:1]", null);
    });
    LoadResult result = loader(backend, settings(Strategy.adaptive(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.defaults()))
        .load(request(players(8)));

    assertThat(backend.calls).hasSize(1);
    assertThat(result.failures()).hasSize(8)
        .allSatisfy((p, f) -> assertThat(f.kind()).isEqualTo(FailureKind.BACKEND));
    assertThat(result.report().count(ReportEvent.Kind.SPLIT)).isZero();
  }

  @Test
  void load_adaptiveSplitsATimedOutQueryDownToSinglePlayers() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> q.players().contains("player003") && q.players().size() > 1
        ? hang(c)
        : gamesFor(q));
    LoadResult result = loader(backend, settings(Strategy.adaptive(0, 2), SHORT, LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(8)));

    assertThat(result.isComplete()).isTrue();
    // 8 -> 4+4 -> (2+2) -> (1+1): three splits on the path of player003.
    assertThat(result.report().count(ReportEvent.Kind.SPLIT)).isEqualTo(3);
    assertThat(result.report().count(QueryAttempt.Outcome.TIMED_OUT)).isEqualTo(3);
    java.util.function.IntSupplier hangingCalls = () -> (int) backend.calls.stream()
        .filter(q -> q.players().contains("player003") && q.players().size() > 1).count();
    awaitCondition(() -> backend.cancelled.size() >= hangingCalls.getAsInt(), "cancels: " + backend.cancelled);
    assertThat(backend.cancelled).hasSize(hangingCalls.getAsInt());
    assertThat(hangingCalls.getAsInt()).isLessThanOrEqualTo(3);
  }

  @Test
  void load_adaptiveSplitsAfterATransientErrorOnlyAfterABackoff() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      if (q.players().size() > 1) {
        throw BackendException.transientError("rateLimitExceeded", "slow down", null);
      }
      return gamesFor(q);
    });
    RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(20), 0.0);
    LoadResult result = loader(backend, settings(Strategy.adaptive(0, 2), AMPLE, LONG_DEADLINE, retry))
        .load(request(players(4)));

    assertThat(result.isComplete()).isTrue();
    assertThat(result.report().events()).filteredOn(e -> e.kind() == ReportEvent.Kind.SPLIT)
        .extracting(ReportEvent::detail)
        .containsExactly(
            "query of 4 players ended BACKEND; split into 2 + 2 after 20 ms",
            "query of 2 players ended BACKEND; split into 1 + 1 after 20 ms",
            "query of 2 players ended BACKEND; split into 1 + 1 after 20 ms");
  }

  @Test
  void load_adaptiveRetriesASinglePlayerThatTimedOut() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> c.attempt() == 1 ? hang(c) : gamesFor(q));
    RetryPolicy retry = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 0.0);
    LoadResult result = loader(backend, settings(Strategy.adaptive(), SHORT, LONG_DEADLINE, retry))
        .load(request(players(1)));

    assertThat(result.isComplete()).isTrue();
    assertThat(result.report().attempts()).extracting(QueryAttempt::outcome)
        .containsExactly(QueryAttempt.Outcome.TIMED_OUT, QueryAttempt.Outcome.SUCCEEDED);
  }

  @Test
  void load_fallbackHandsFailedPlayersToTheNextStage() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      if (q.players().size() > 1) {
        throw BackendException.permanentError("responseTooLarge", "too large", null);
      }
      return gamesFor(q);
    });
    Strategy strategy = Strategy.fallback(Strategy.batch(), Strategy.perPlayer(2));
    LoadResult result = loader(backend, settings(strategy, Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(4)));

    assertThat(result.isComplete()).isTrue();
    assertThat(backend.calls).hasSize(5);
    assertThat(result.report().count(ReportEvent.Kind.FALLBACK)).isEqualTo(1);
    assertThat(result.report().attempts()).extracting(QueryAttempt::stage)
        .containsExactly("batch", "per-player", "per-player", "per-player", "per-player");
    assertThat(result.report().strategy()).isEqualTo("batch -> per-player(parallelism=2)");
  }

  @Test
  void load_lastStageFailureIsTheOutcome() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      throw BackendException.permanentError("notFound", "Not found: Table x", null);
    });
    Strategy strategy = Strategy.fallback(Strategy.batch(), Strategy.chunked(2, 1));
    LoadResult result = loader(backend, settings(strategy, Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(3)));

    assertThat(backend.calls).hasSize(3);
    assertThat(result.failures()).hasSize(3)
        .allSatisfy((p, f) -> assertThat(f).hasMessage("Not found: Table x"));
  }

  @Test
  void load_unexpectedBackendExceptionBecomesABackendFailure() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> {
      throw new IllegalStateException("bug");
    });
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.defaults()))
        .load(request(players(1)));

    LoaderException failure = result.failures().get("player001");
    assertThat(failure).isInstanceOf(BackendException.class)
        .hasMessage("backend scripted failed unexpectedly: java.lang.IllegalStateException: bug")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(failure.isRetryable()).isFalse();
    assertThat(backend.calls).hasSize(1);
  }

  @Test
  void load_unrequestedPlayerInAResultIsAContractViolation() {
    ScriptedBackend backend = new ScriptedBackend((q, c) ->
        QueryResult.of(Map.of("intruder", List.of(game("intruder", GAME_DATE.minusDays(1), 1)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(players(2)));

    assertThat(result.outcomes()).containsOnlyKeys(players(2));
    assertThat(result.failures().get("player001"))
        .hasMessage("backend scripted broke the contract: returned games for player 'intruder', which the query did not ask for");
  }

  @Test
  void load_gameOutsideTheWindowIsAContractViolation() {
    ScriptedBackend backend = new ScriptedBackend((q, c) ->
        QueryResult.of(Map.of("a", List.of(game("a", GAME_DATE, 1)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("a")));

    assertThat(result.failures().get("a")).isInstanceOf(BackendException.class)
        .hasMessageContaining("game 1 of player 'a' is out of place");
  }

  @Test
  void load_gamesOldestFirstWithRanksInOrderIsAContractViolation() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> QueryResult.of(Map.of("a", List.of(
        withRest(game("a", GAME_DATE.minusDays(9), 1), null), withRest(game("a", GAME_DATE.minusDays(2), 2), null)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("a")));

    assertThat(result.failures().get("a")).hasMessage("backend scripted broke the contract: games of player 'a' are not"
        + " newest first: game 2 on " + GAME_DATE.minusDays(2) + " follows " + GAME_DATE.minusDays(9));
  }

  @Test
  void load_wrongRestDaysAreAContractViolation() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> QueryResult.of(Map.of("a", List.of(
        withRest(game("a", GAME_DATE.minusDays(2), 1), 3), withRest(game("a", GAME_DATE.minusDays(9), 2), null)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("a")));

    assertThat(result.failures().get("a")).hasMessage("backend scripted broke the contract: game 1 of player 'a' has"
        + " rest days 3 but the next game is 7 days before it");
  }

  @Test
  void load_restDaysOnTheEarliestGameOfAnIncompleteHistoryAreAContractViolation() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> QueryResult.of(Map.of("a", List.of(
        withRest(game("a", GAME_DATE.minusDays(2), 1), 2)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("a")));

    assertThat(result.failures().get("a")).hasMessage("backend scripted broke the contract: game 1 of player 'a' has"
        + " rest days 2 but is the player's earliest game in the window");
  }

  @Test
  void load_correctRestDaysPassTheCheck() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> QueryResult.of(Map.of("a", List.of(
        withRest(game("a", GAME_DATE.minusDays(2), 1), 7), withRest(game("a", GAME_DATE.minusDays(9), 2), null)))));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request(List.of("a")));

    assertThat(result.isComplete()).isTrue();
  }

  @Test
  void load_backendFailsSomePlayersOfAQuery_onlyThoseFail() {
    BackendException bad = BackendException.permanentError("unexpectedResult", "row 1: column points holds 'x'", null);
    ScriptedBackend backend = new ScriptedBackend((q, c) -> new QueryResult(
        Map.of("a", List.of(game("a", GAME_DATE.minusDays(2), 1))), 2, Optional.empty(), Map.of("b", bad)));
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE,
        RetryPolicy.of(3, Duration.ofMillis(1))))
        .load(request(List.of("a", "b", "c")));

    assertThat(result.games("a")).hasSize(1);
    assertThat(result.games("c")).isEmpty();
    assertThat(result.failures()).containsOnlyKeys("b");
    assertThat(result.failures().get("b")).isSameAs(bad);
    assertThat(backend.calls).hasSize(1);
  }

  @Test
  void queryResult_playerWithGamesAndAFailure_rejected() {
    BackendException bad = BackendException.permanentError("unexpectedResult", "bad", null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QueryResult(
        Map.of("a", List.of(game("a", GAME_DATE.minusDays(2), 1))), 1, Optional.empty(), Map.of("a", bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("player 'a' has both games and a failure");
  }

  private static HistoricalGame withRest(HistoricalGame game, Integer restDays) {
    return new HistoricalGame(game.playerLookup(), game.gameDate(), game.opponentTeamAbbr(), game.points(),
        game.minutesPlayed(), game.rank(), restDays == null ? OptionalInt.empty() : OptionalInt.of(restDays));
  }

  @Test
  void loadAsync_cancellingTheFutureCancelsRunningQueries() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> hang(c));
    HistoricalGamesLoader loader = loader(backend, settings(Strategy.perPlayer(2), Duration.ofSeconds(20), LONG_DEADLINE, RetryPolicy.none()));
    CompletableFuture<LoadResult> future = loader.loadAsync(request(players(2)));
    awaitCalls(backend, 2);

    future.cancel(true);

    awaitCancels(backend, 2);
    assertThat(future).isCancelled();
  }

  @Test
  void close_cancelsRunningLoadsAndClosesTheBackend() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> hang(c));
    HistoricalGamesLoader loader = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(20), LONG_DEADLINE, RetryPolicy.none()));
    CompletableFuture<LoadResult> future = loader.loadAsync(request(players(2)));
    awaitCalls(backend, 1);

    loader.close();

    LoadResult result = future.join();
    assertThat(result.failures()).hasSize(2)
        .allSatisfy((p, f) -> assertThat(f).isInstanceOf(LoadCancelledException.class).hasMessage("load cancelled: loader closed"));
    assertThat(backend.closed).isTrue();
    awaitCancels(backend, 1);
    assertThatThrownBy(() -> loader.load(request(players(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("loader is closed");
  }

  @Test
  void close_endsEveryThreadTheLoaderStarted() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> gamesFor(q));
    HistoricalGamesLoader loader = loader(backend, settings(Strategy.perPlayer(4), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()));
    loader.load(request(players(12)));

    loader.close();

    awaitCondition(() -> loaderThreads().isEmpty(), "threads: " + loaderThreads());
    assertThat(loaderThreads()).isEmpty();
  }

  @Test
  void builder_withoutBackendFails() {
    assertThatThrownBy(() -> HistoricalGamesLoader.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a backend is required: call backend(...) before build()");
  }

  @Test
  void load_requestDeadlineReplacesTheLoaderDeadline() {
    ScriptedBackend backend = new ScriptedBackend((q, c) -> gamesFor(q));
    LoadRequest request = LoadRequest.builder(GAME_DATE).players("a").deadline(Duration.ofSeconds(7)).build();
    LoadResult result = loader(backend, settings(Strategy.batch(), Duration.ofSeconds(5), LONG_DEADLINE, RetryPolicy.none()))
        .load(request);

    assertThat(result.report().deadline()).isEqualTo(Duration.ofSeconds(7));
  }

  private static List<String> loaderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("hgl-"))
        .collect(Collectors.toList());
  }

  /**
   * Waits until every call that reached the backend was cancelled; on a busy machine a query may
   * be cancelled before its call starts, so at most {@code launched} calls are seen.
   */
  private static void awaitEveryStartedCallCancelled(ScriptedBackend backend, int launched) {
    awaitCondition(() -> backend.cancelled.size() >= backend.calls.size(),
        "calls: " + backend.calls + ", cancels: " + backend.cancelled);
    assertThat(backend.calls.size()).isLessThanOrEqualTo(launched);
    assertThat(backend.cancelled).hasSameSizeAs(backend.calls);
  }

  private static void awaitCancels(ScriptedBackend backend, int count) {
    awaitCondition(() -> backend.cancelled.size() >= count, "cancels: " + backend.cancelled);
    assertThat(backend.cancelled).hasSize(count);
  }

  private static void awaitCalls(ScriptedBackend backend, int count) {
    awaitCondition(() -> backend.calls.size() >= count, "calls: " + backend.calls);
  }

  /** Waits for a condition that other threads make true; fails after 10 s. */
  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Object monitor = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met in 10 s; " + what);
      }
      synchronized (monitor) {
        try {
          monitor.wait(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
