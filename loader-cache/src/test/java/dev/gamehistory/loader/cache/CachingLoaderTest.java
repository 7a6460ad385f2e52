package dev.gamehistory.loader.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport.CacheUse;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.testkit.InMemoryLoaders;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The caching loader on the in-memory backend and {@link ManualTime}: hits, partial hits, expiry,
 * bounds, invalidation, shared running queries (success, failure, either deadline first, the owner
 * cancelled, close while waiting) and what listeners hear. Nothing sleeps.
 */
class CachingLoaderTest {

  private static final Duration SAFETY = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static League league;
  private static LocalDate gameDate;
  private static List<String> players;

  private final ManualTime time = ManualTime.create();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(42, 1);
    gameDate = league.pickGameDate(1);
    players = league.slate(gameDate).subList(0, 8);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  @Test
  void build_cacheEnabledInSettings_givesACachingLoader() {
    HistoricalGamesLoader loader = loader(FaultPlan.none(), settings(CachePolicy.of(100, Duration.ofMinutes(1))));

    assertThat(loader).isInstanceOf(CachingLoader.class);
    assertThat(((CachingLoader) loader).cachePolicy()).isEqualTo(CachePolicy.of(100, Duration.ofMinutes(1)));
    assertThat(loader.settings().cache().enabled()).isTrue();
  }

  @Test
  void fromSettings_cacheEnabled_givesACachingLoaderOverTheNamedBackend() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("cache.enabled", "true", "cache.maximum-players", "50"));
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.fromSettings(settings)) {
      assertThat(loader).isInstanceOf(CachingLoader.class);
      assertThat(((CachingLoader) loader).cachePolicy().maximumPlayers()).isEqualTo(50);
    }
  }

  @Test
  void load_repeatedRequest_answersFromTheCacheWithoutAQuery() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);

    LoadResult first = loader.load(request(players));
    LoadResult second = loader.load(request(players));

    assertThat(backend.queryCount()).isEqualTo(1);
    assertThat(second.loaded()).isEqualTo(first.loaded()).isEqualTo(reference(players));
    assertThat(first.report().cache()).contains(new CacheUse(0, 0, players.size()));
    assertThat(second.report().cache()).contains(new CacheUse(players.size(), 0, 0));
    assertThat(second.report().queryCount()).isZero();
    assertThat(second.report().summary()).contains(players.size() + " cached, 0 shared");
    assertThat(loader.cachedHistories()).isEqualTo(players.size());
  }

  @Test
  void load_partlyCached_queriesOnlyTheMissingPlayersAndKeepsRequestOrder() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(request(players.subList(0, 4)));

    List<String> asked = List.of(players.get(6), players.get(2), players.get(5), players.get(0));
    LoadResult result = loader.load(request(asked));

    assertThat(backend.history()).hasSize(2);
    assertThat(backend.history().get(1).players()).containsExactly(players.get(6), players.get(5));
    assertThat(result.outcomes().keySet()).containsExactlyElementsOf(asked);
    assertThat(result.loaded()).isEqualTo(reference(asked));
    assertThat(result.report().cache()).contains(new CacheUse(2, 0, 2));
    assertThat(result.report().attempts()).extracting(QueryAttempt::players)
        .containsExactly(List.of(players.get(6), players.get(5)));
  }

  @Test
  void load_otherWindowOrMaxGames_isADifferentEntry() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(request(players));

    loader.load(LoadRequest.builder(gameDate).players(players).lookbackDays(30).build());
    loader.load(LoadRequest.builder(gameDate).players(players).maxGames(5).build());
    loader.load(LoadRequest.builder(gameDate.minusDays(1)).players(players).build());

    assertThat(backend.queryCount()).isEqualTo(4);
  }

  @Test
  void load_afterExpireAfterWrite_queriesAgain() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = (CachingLoader) loader(backend, settings(CachePolicy.of(100, Duration.ofMinutes(1))));
    loader.load(request(players));

    time.advance(Duration.ofSeconds(59));
    LoadResult stillCached = loader.load(request(players));
    time.advance(Duration.ofSeconds(1));
    LoadResult expired = loader.load(request(players));

    assertThat(stillCached.report().cache()).contains(new CacheUse(players.size(), 0, 0));
    assertThat(expired.report().cache()).contains(new CacheUse(0, 0, players.size()));
    assertThat(backend.queryCount()).isEqualTo(2);
  }

  @Test
  void load_morePlayersThanTheBound_keepsAtMostTheBound() {
    List<String> many = league.players().subList(0, 60);
    CachingLoader loader = (CachingLoader) loader(backend(FaultPlan.none()),
        settings(CachePolicy.of(10, Duration.ofMinutes(1))));

    LoadResult result = loader.load(request(many));

    assertThat(result.isComplete()).isTrue();
    assertThat(loader.cachedHistories()).isBetween(1L, 10L);
  }

  @Test
  void load_failedPlayer_isNeverCachedAndIsQueriedAgain() {
    String failing = players.get(3);
    InMemoryGamesQuery backend = backend(FaultPlan.builder()
        .on(QuerySelector.containingPlayer(failing), Fault.permanentError("boom")).build());
    CachingLoader loader = (CachingLoader) loader(backend, settings(Strategy.perPlayer(2), cachePolicy()));

    LoadResult first = loader.load(request(players));
    LoadResult second = loader.load(request(players));

    assertThat(first.failedPlayers()).containsExactly(failing);
    assertThat(second.failures().get(failing).kind()).isEqualTo(FailureKind.BACKEND);
    assertThat(second.loaded()).hasSize(players.size() - 1);
    assertThat(backend.history()).extracting(RecordedQuery::players).last().isEqualTo(List.of(failing));
    assertThat(second.report().cache()).contains(new CacheUse(players.size() - 1, 0, 1));
    assertThat(loader.cachedHistories()).isEqualTo(players.size() - 1);
  }

  @Test
  void invalidate_player_forgetsThatPlayerInEveryWindow() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(request(players));
    loader.load(LoadRequest.builder(gameDate).players(players).lookbackDays(30).build());

    loader.invalidate(players.get(1));
    LoadResult result = loader.load(request(players));

    assertThat(loader.cachedHistories()).isEqualTo(2L * players.size() - 1);
    assertThat(backend.history()).extracting(RecordedQuery::players).last().isEqualTo(List.of(players.get(1)));
    assertThat(result.report().cache()).contains(new CacheUse(players.size() - 1, 0, 1));
  }

  @Test
  void invalidate_request_forgetsOnlyItsPlayersInItsWindow() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(request(players));
    LoadRequest other = LoadRequest.builder(gameDate).players(players).lookbackDays(30).build();
    loader.load(other);

    loader.invalidate(request(players.subList(0, 3)));

    assertThat(loader.cachedHistories()).isEqualTo(2L * players.size() - 3);
    assertThat(loader.load(other).report().cache()).contains(new CacheUse(players.size(), 0, 0));
    assertThat(loader.load(request(players)).report().cache()).contains(new CacheUse(players.size() - 3, 0, 3));
  }

  @Test
  void invalidateAll_forgetsEverything() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(request(players));

    loader.invalidateAll();

    assertThat(loader.cachedHistories()).isZero();
    assertThat(loader.load(request(players)).report().cache()).contains(new CacheUse(0, 0, players.size()));
  }

  @Test
  void loadAsync_overlappingLoads_waitForTheRunningQueryInsteadOfStartingAnother() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(1))));
    CachingLoader loader = cachingLoader(backend);

    CompletableFuture<LoadResult> first = loader.loadAsync(request(players.subList(0, 5)));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> second = loader.loadAsync(request(players.subList(2, 7)));
    awaitQueryWaiting(backend, 2, 7);
    time.advance(Duration.ofSeconds(1));

    assertThat(first).succeedsWithin(SAFETY);
    assertThat(second).succeedsWithin(SAFETY);
    assertThat(backend.history()).extracting(RecordedQuery::players)
        .containsExactly(players.subList(0, 5), players.subList(5, 7));
    assertThat(second.join().loaded()).isEqualTo(reference(players.subList(2, 7)));
    assertThat(second.join().report().cache()).contains(new CacheUse(0, 3, 2));
    assertThat(second.join().report().queryCount()).isEqualTo(1);
  }

  @Test
  void loadAsync_sharedQueryFails_everyWaiterGetsThePlayersOwnFailure() {
    InMemoryGamesQuery backend = backend(FaultPlan.builder()
        .always(Fault.latency(Duration.ofSeconds(1)))
        .on(QuerySelector.nth(1), Fault.permanentError("table_gone"))
        .build());
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(two));
    time.advance(Duration.ofSeconds(1));

    assertThat(owner).succeedsWithin(SAFETY);
    assertThat(waiter).succeedsWithin(SAFETY);
    for (String player : two) {
      assertThat(waiter.join().failures().get(player)).isSameAs(owner.join().failures().get(player));
      assertThat(waiter.join().failures().get(player).kind()).isEqualTo(FailureKind.BACKEND);
    }
    assertThat(waiter.join().report().cache()).contains(new CacheUse(0, 2, 0));
    assertThat(backend.queryCount()).isEqualTo(1);
    assertThat(loader.cachedHistories()).isZero();
  }

  @Test
  void loadAsync_waiterDeadlineComesFirst_waiterFailsWithDeadlineAndTheQueryGoesOn() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(5))));
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> waiter =
        loader.loadAsync(LoadRequest.builder(gameDate).players(two).deadline(Duration.ofSeconds(2)).build());
    time.advance(Duration.ofSeconds(2));

    assertThat(waiter).succeedsWithin(SAFETY);
    assertThat(waiter.join().failures().values()).extracting(f -> f.kind()).containsOnly(FailureKind.DEADLINE);
    assertThat(waiter.join().report().cache()).contains(new CacheUse(0, 2, 0));
    assertThat(owner).isNotDone();
    time.advance(Duration.ofSeconds(3));
    assertThat(owner).succeedsWithin(SAFETY);
    assertThat(owner.join().loaded()).isEqualTo(reference(two));
    assertThat(backend.cancelledCount()).isZero();
    assertThat(loader.cachedHistories()).isEqualTo(2);
  }

  @Test
  void loadAsync_ownerDeadlineComesFirst_waiterQueriesAgainWithItsOwnTime() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(5))));
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner =
        loader.loadAsync(LoadRequest.builder(gameDate).players(two).deadline(Duration.ofSeconds(2)).build());
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(two));
    time.advance(Duration.ofSeconds(2));

    assertThat(owner).succeedsWithin(SAFETY);
    assertThat(owner.join().failures().values()).extracting(f -> f.kind()).containsOnly(FailureKind.DEADLINE);
    // The waiter's deadline timer and its own query's deadline, timeout and latency.
    awaitQueryWaiting(backend, 2, 4);
    assertThat(waiter).isNotDone();
    time.advance(Duration.ofSeconds(5));
    assertThat(waiter).succeedsWithin(SAFETY);
    assertThat(waiter.join().loaded()).isEqualTo(reference(two));
    assertThat(waiter.join().report().cache()).contains(new CacheUse(0, 0, 2));
  }

  @Test
  void loadAsync_ownerCancelled_queryGoesOnForTheWaiter() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(5))));
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(two));
    owner.cancel(true);
    time.advance(Duration.ofSeconds(5));

    assertThat(waiter).succeedsWithin(SAFETY);
    assertThat(waiter.join().loaded()).isEqualTo(reference(two));
    assertThat(waiter.join().report().cache()).contains(new CacheUse(0, 2, 0));
    assertThat(backend.history()).singleElement().satisfies(call -> assertThat(call.cancelled()).isFalse());
  }

  @Test
  void loadAsync_everyWaiterCancelled_queryIsCancelledAndTheKeyIsQueriedAgainNextTime() {
    InMemoryGamesQuery backend = backend(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build());
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(two));
    backend.awaitQueries(1, SAFETY);
    owner.cancel(true);
    waiter.cancel(true);
    backend.awaitIdle(SAFETY);
    LoadResult again = loader.load(request(two));

    assertThat(backend.history()).hasSize(2);
    assertThat(backend.history().get(0).cancelled()).isTrue();
    assertThat(again.loaded()).isEqualTo(reference(two));
    assertThat(again.report().cache()).contains(new CacheUse(0, 0, 2));
  }

  @Test
  void close_whileLoadsWait_everyWaiterFailsAsCancelledAndTheQueryIsCancelled() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()));
    HistoricalGamesLoader loader = loader(backend, settings(cachePolicy()));
    List<String> two = players.subList(0, 2);
    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    backend.awaitQueries(1, SAFETY);
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(players.subList(0, 3)));
    backend.awaitQueries(2, SAFETY);

    loader.close();

    assertThat(owner).succeedsWithin(SAFETY);
    assertThat(waiter).succeedsWithin(SAFETY);
    assertThat(owner.join().failures().values()).extracting(f -> f.kind()).containsOnly(FailureKind.CANCELLED);
    assertThat(waiter.join().failures()).hasSize(3);
    assertThat(waiter.join().failures().values()).extracting(f -> f.kind()).containsOnly(FailureKind.CANCELLED);
    assertThat(backend.cancelledCount()).isEqualTo(2);
    assertThatThrownBy(() -> loader.loadAsync(request(two)))
        .isInstanceOf(IllegalStateException.class).hasMessage("loader is closed");
  }

  @Test
  void loadAsync_waiterAnsweredByATimer_completesOnADeliveryThreadNotTheTimers() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(5))));
    CachingLoader loader = cachingLoader(backend);
    List<String> two = players.subList(0, 2);
    loader.loadAsync(request(two));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<String> thread = loader
        .loadAsync(LoadRequest.builder(gameDate).players(two).deadline(Duration.ofSeconds(1)).build())
        .thenApply(result -> Thread.currentThread().getName());

    time.advance(Duration.ofSeconds(1));

    assertThat(thread).succeedsWithin(SAFETY).asString().startsWith("hgl-cache-");
  }

  @Test
  void loadAsync_wrappedLoaderOmitsAPlayer_ownerAndWaiterGetABackendFailureForIt() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(1))));
    HistoricalGamesLoader plain = InMemoryLoaders.create(settings(CachePolicy.disabled()), backend, time);
    String omitted = players.get(1);
    CachingLoader loader = HistoricalGamesLoader.caching(new Omitting(plain, omitted), cachePolicy(), time);
    closeables.add(loader);
    List<String> two = players.subList(0, 2);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(two));
    awaitQueryWaiting(backend, 1, 3);
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(two));
    time.advance(Duration.ofSeconds(1));

    for (CompletableFuture<LoadResult> load : List.of(owner, waiter)) {
      assertThat(load).succeedsWithin(SAFETY);
      assertThat(load.join().failures()).containsOnlyKeys(omitted);
      assertThat(load.join().failures().get(omitted))
          .hasMessage("the wrapped loader gave no outcome for player '" + omitted + "'");
    }
    assertThat(loader.cachedHistories()).isEqualTo(1);
  }

  @Test
  void invalidateAll_whileAQueryRuns_itsResultIsNotStored() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofSeconds(1))));
    CachingLoader loader = cachingLoader(backend);
    CompletableFuture<LoadResult> running = loader.loadAsync(request(players));
    awaitQueryWaiting(backend, 1, 3);

    loader.invalidateAll();
    time.advance(Duration.ofSeconds(1));

    assertThat(running).succeedsWithin(SAFETY);
    assertThat(running.join().isComplete()).isTrue();
    assertThat(loader.cachedHistories()).isZero();
  }

  @Test
  void close_onTheSystemClock_leavesNoThreadOfTheLoader() throws Exception {
    Set<Thread> before = hglThreads();
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
        .settings(settings(cachePolicy()))
        .backend(InMemoryGamesQuery.builder().league(league)
            .faults(FaultPlan.always(Fault.latency(Duration.ofMillis(20)))).build())
        .build();
    CompletableFuture<LoadResult> owner = loader.loadAsync(request(players));
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(players));
    assertThat(owner).succeedsWithin(SAFETY);
    assertThat(waiter).succeedsWithin(SAFETY);
    // Shared with the first load's query, or (on a slow machine, once that ended) from the cache.
    CacheUse use = waiter.join().report().cache().orElseThrow();
    assertThat(use.queried()).isZero();
    assertThat(use.hits() + use.shared()).isEqualTo(players.size());

    loader.close();

    Set<Thread> left = hglThreads();
    left.removeAll(before);
    for (Thread thread : left) {
      thread.join(SAFETY.toMillis());
    }
    assertThat(left).allSatisfy(thread -> assertThat(thread.isAlive()).as(thread.getName()).isFalse());
  }

  @Test
  void playerHistoryClient_overACachingLoader_aCallFromACachedCallsContinuationIsAnswered() {
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
        .settings(settings(cachePolicy())).backend(InMemoryGamesQuery.builder().league(league).build()).build();
    closeables.add(loader);
    PlayerHistoryClient client = PlayerHistoryClient.of(loader, new BatchingPolicy(Duration.ofMillis(1), 100));
    closeables.add(0, client);
    loader.load(request(players.subList(0, 1)));

    // The first call is answered from the cache at once; its continuation blocks on a second call,
    // which needs the client's timer to run: it must not be the thread running the continuation.
    CompletableFuture<List<HistoricalGame>> second = client.loadAsync(players.get(0), gameDate)
        .thenApply(first -> client.games(players.get(1), gameDate));

    assertThat(second).succeedsWithin(SAFETY);
    assertThat(second.join()).isEqualTo(reference(players.subList(1, 2)).get(players.get(1)));
  }

  private static Set<Thread> hglThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("hgl-") && thread.isAlive()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  /** A loader that leaves one player out of every result, breaking the contract on purpose. */
  private static final class Omitting extends Decorated {
    private final String omitted;

    Omitting(HistoricalGamesLoader loader, String omitted) {
      super(loader);
      this.omitted = omitted;
    }

    @Override
    public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
      return inner.loadAsync(request).thenApply(result -> LoadResult.of(result.outcomes().values().stream()
          .filter(o -> !o.player().equals(omitted)).toList(), result.report()));
    }
  }

  @Test
  void listeners_hearEachCallersLoadOnceWithTheCacheUseAndEveryQuery() {
    List<LoadResult> loads = new CopyOnWriteArrayList<>();
    List<QueryAttempt> queries = new CopyOnWriteArrayList<>();
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
        .settings(settings(cachePolicy()))
        .backend(backend(FaultPlan.none()))
        .timeSource(time)
        .listener(new LoadListener() {
          @Override
          public void onQueryEnd(LoadRequest request, QueryAttempt attempt) {
            queries.add(attempt);
          }

          @Override
          public void onLoadEnd(LoadRequest request, LoadResult result) {
            loads.add(result);
          }
        })
        .build();
    closeables.add(loader);

    loader.load(request(players));
    loader.load(request(players.subList(0, 3)));

    assertThat(loads).extracting(r -> r.report().cache())
        .containsExactly(Optional.of(new CacheUse(0, 0, players.size())), Optional.of(new CacheUse(3, 0, 0)));
    assertThat(queries).hasSize(1);
  }

  @Test
  void caching_anyLoader_cachesInFrontOfIt() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    HistoricalGamesLoader plain = InMemoryLoaders.create(settings(CachePolicy.disabled()), backend, time);
    CachingLoader loader = HistoricalGamesLoader.caching(plain, cachePolicy(), time);
    closeables.add(loader);

    loader.load(request(players));
    LoadResult again = loader.load(request(players));

    assertThat(plain).isNotInstanceOf(CachingLoader.class);
    assertThat(again.report().cache()).contains(new CacheUse(players.size(), 0, 0));
    assertThat(backend.queryCount()).isEqualTo(1);
    loader.close();
    assertThat(backend.isClosed()).isTrue();
  }

  @Test
  void caching_disabledPolicy_isRejected() {
    HistoricalGamesLoader plain = InMemoryLoaders.create(settings(CachePolicy.disabled()), backend(FaultPlan.none()));
    closeables.add(plain);

    assertThatThrownBy(() -> HistoricalGamesLoader.caching(plain, CachePolicy.disabled()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the cache policy must be enabled");
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Waits until the backend has started {@code queries} queries and {@code timers} timers are
   * pending on the manual clock: then the last query's latency wait is registered, and advancing
   * the clock reaches it.
   */
  @Test
  void backfill_throughTheCache_runsOnTheWrappedLoaderAndLeavesTheCacheAlone() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    CachingLoader loader = cachingLoader(backend);
    loader.load(LoadRequest.of(gameDate, players));
    List<LocalDate> dates = league.gameDates().subList(10, 14);
    BackfillRequest.Builder request = BackfillRequest.builder();
    dates.forEach(date -> request.players(date, players));

    List<DateResult> results = new ArrayList<>();
    try (Backfill backfill = loader.backfill(request.build())) {
      backfill.forEachRemaining(results::add);
    }

    assertThat(results).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    assertThat(results).allSatisfy(date -> assertThat(date.result().report().cache()).isEmpty());
    // One multi-date query after the game-day load's; nothing new cached.
    assertThat(backend.history()).hasSize(2);
    assertThat(backend.history().get(1).gameDates()).containsExactlyElementsOf(dates);
    assertThat(loader.cachedHistories()).isEqualTo(players.size());
    loader.close();
    assertThatThrownBy(() -> loader.backfill(request.build())).isInstanceOf(IllegalStateException.class);
  }

  private void awaitQueryWaiting(InMemoryGamesQuery backend, int queries, int timers) {
    backend.awaitQueries(queries, SAFETY);
    try {
      assertThat(time.awaitPendingTasks(timers, SAFETY)).as("%d timers pending: %s", timers, time).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static CachePolicy cachePolicy() {
    return CachePolicy.of(1000, Duration.ofMinutes(10));
  }

  private static LoaderSettings settings(CachePolicy cache) {
    return settings(Strategy.batch(), cache);
  }

  private static LoaderSettings settings(Strategy strategy, CachePolicy cache) {
    return LoaderSettings.builder()
        .strategy(strategy)
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE))
        .retry(RetryPolicy.none())
        .cache(cache)
        .build();
  }

  private InMemoryGamesQuery backend(FaultPlan faults) {
    return InMemoryGamesQuery.builder().league(league).faults(faults).timeSource(time).build();
  }

  private CachingLoader cachingLoader(InMemoryGamesQuery backend) {
    return (CachingLoader) loader(backend, settings(cachePolicy()));
  }

  private HistoricalGamesLoader loader(FaultPlan faults, LoaderSettings settings) {
    return loader(backend(faults), settings);
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, LoaderSettings settings) {
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time);
    closeables.add(loader);
    return loader;
  }

  private static LoadRequest request(List<String> players) {
    return LoadRequest.builder(gameDate).players(players).build();
  }

  /** The players' histories from a loader without a cache. */
  private static Map<String, List<HistoricalGame>> reference(List<String> players) {
    try (HistoricalGamesLoader plain = InMemoryLoaders.create(LoaderSettings.defaults(),
        InMemoryGamesQuery.builder().league(league).build())) {
      LoadResult result = plain.load(request(players));
      assertThat(result.outcomes().values()).allMatch(PlayerOutcome::isLoaded);
      return result.loaded();
    }
  }
}
