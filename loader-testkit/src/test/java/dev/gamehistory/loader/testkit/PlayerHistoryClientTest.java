package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerLoadFailedException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batching client on the in-memory backend and {@link ManualTime}: gathering by window, size
 * and time, one outcome per caller, failures and deadlines, cancellation and close. Nothing sleeps.
 */
class PlayerHistoryClientTest {

  private static final Duration SAFETY = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Duration WINDOW = Duration.ofMillis(5);

  private static League league;
  private static LocalDate gameDate;
  private static List<String> players;

  private final ManualTime time = ManualTime.create();
  private final List<AutoCloseable> closeables = new ArrayList<>();

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
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  @Test
  void loadAsync_360ThreadsOnePlayerEach_atMostCeilOf360OverMaxPlayersLoads() throws Exception {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));
    ExecutorService threads = Executors.newFixedThreadPool(360);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CompletableFuture<PlayerOutcome>>> calls = new ArrayList<>();
    try {
      for (String player : players) {
        calls.add(threads.submit(() -> {
          start.await();
          return client.loadAsync(player, gameDate);
        }));
      }
      start.countDown();
      List<CompletableFuture<PlayerOutcome>> outcomes = new ArrayList<>();
      for (Future<CompletableFuture<PlayerOutcome>> call : calls) {
        outcomes.add(call.get());
      }
      time.advance(WINDOW);

      Map<String, List<HistoricalGame>> expected = reference(players);
      for (int i = 0; i < players.size(); i++) {
        assertThat(outcomes.get(i)).succeedsWithin(SAFETY);
        PlayerOutcome outcome = outcomes.get(i).join();
        assertThat(outcome.player()).isEqualTo(players.get(i));
        assertThat(((PlayerOutcome.Loaded) outcome).games()).isEqualTo(expected.get(players.get(i)));
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(client.loadsSent()).isEqualTo(4);
    assertThat(backend.queryCount()).isEqualTo(4);
    assertThat(backend.history()).allSatisfy(q -> assertThat(q.players()).hasSizeLessThanOrEqualTo(100));
    assertThat(backend.history().stream().mapToInt(q -> q.players().size()).sum()).isEqualTo(360);
  }

  @Test
  void loadAsync_loneCall_isSentWhenTheWindowEnds() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));

    CompletableFuture<PlayerOutcome> call = client.loadAsync(players.get(0), gameDate);
    time.advance(WINDOW.minusNanos(1));
    assertThat(backend.queryCount()).isZero();
    time.advance(Duration.ofNanos(1));

    assertThat(call).succeedsWithin(SAFETY);
    assertThat(call.join().isLoaded()).isTrue();
    assertThat(backend.history()).singleElement().satisfies(q -> assertThat(q.players()).containsExactly(players.get(0)));
  }

  @Test
  void loadAsync_maxPlayersReached_isSentWithoutWaiting() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 3));

    List<CompletableFuture<PlayerOutcome>> calls = new ArrayList<>();
    for (String player : players.subList(0, 3)) {
      calls.add(client.loadAsync(player, gameDate));
    }

    assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(SAFETY);
    assertThat(backend.history()).singleElement()
        .satisfies(q -> assertThat(q.players()).containsExactlyElementsOf(players.subList(0, 3)));
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void loadAsync_samePlayerTwice_isAskedOnceAndBothCallersGetIt() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));

    CompletableFuture<PlayerOutcome> first = client.loadAsync(players.get(0), gameDate);
    CompletableFuture<PlayerOutcome> second = client.loadAsync(players.get(0), gameDate);
    time.advance(WINDOW);

    assertThat(first).succeedsWithin(SAFETY);
    assertThat(second).succeedsWithin(SAFETY);
    assertThat(second.join()).isEqualTo(first.join());
    assertThat(backend.history()).singleElement().satisfies(q -> assertThat(q.players()).hasSize(1));
  }

  @Test
  void loadAsync_otherWindows_goInSeparateLoads() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));

    List<CompletableFuture<PlayerOutcome>> calls = List.of(
        client.loadAsync(players.get(0), gameDate),
        client.loadAsync(players.get(1), gameDate),
        client.loadAsync(players.get(2), gameDate.minusDays(1)),
        client.loadAsync(players.get(3), gameDate, 30, 10));
    time.advance(WINDOW);

    assertThat(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))).succeedsWithin(SAFETY);
    assertThat(backend.history()).hasSize(3);
    assertThat(backend.history()).anySatisfy(q -> {
      assertThat(q.players()).containsExactly(players.get(3));
      assertThat(q.query().maxGames()).isEqualTo(10);
      assertThat(q.query().windowStart()).isEqualTo(gameDate.minusDays(30));
    });
  }

  @Test
  void loadAsync_onePlayerFails_onlyItsCallerGetsTheFailure() {
    String failing = players.get(1);
    InMemoryGamesQuery backend = backend(FaultPlan.builder()
        .on(QuerySelector.containingPlayer(failing), Fault.permanentError("boom")).build());
    PlayerHistoryClient client = PlayerHistoryClient.of(
        loader(backend, Strategy.perPlayer(2)), new BatchingPolicy(WINDOW, 100), time);
    closeables.add(client);

    CompletableFuture<PlayerOutcome> ok = client.loadAsync(players.get(0), gameDate);
    CompletableFuture<PlayerOutcome> bad = client.loadAsync(failing, gameDate);
    time.advance(WINDOW);

    assertThat(ok).succeedsWithin(SAFETY);
    assertThat(bad).succeedsWithin(SAFETY);
    assertThat(ok.join().isLoaded()).isTrue();
    assertThat(((PlayerOutcome.Failed) bad.join()).kind()).isEqualTo(FailureKind.BACKEND);
  }

  @Test
  void games_failedPlayer_throwsWithTheTypedCause() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.permanentError("boom")));
    PlayerHistoryClient client = client(backend, new BatchingPolicy(Duration.ZERO, 100));

    assertThatThrownBy(() -> client.games(players.get(0), gameDate))
        .isInstanceOf(PlayerLoadFailedException.class)
        .satisfies(e -> assertThat(((PlayerLoadFailedException) e).getCause().kind()).isEqualTo(FailureKind.BACKEND));
  }

  @Test
  void loadAsync_queryHangs_callFailsAtItsDeadlineCountedFromTheCall() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()));
    PlayerHistoryClient client = PlayerHistoryClient.of(
        loader(backend, Strategy.batch(), TimeoutPolicy.fixed(Duration.ofSeconds(60), DEADLINE)),
        new BatchingPolicy(Duration.ofSeconds(1), 100), time);
    closeables.add(0, client);

    CompletableFuture<PlayerOutcome> call = client.loadAsync(players.get(0), gameDate);
    time.advance(Duration.ofSeconds(1));
    backend.awaitQueries(1, SAFETY);
    time.advance(DEADLINE.minusSeconds(1).minusNanos(1));
    assertThat(call).isNotDone();
    time.advance(Duration.ofNanos(1));

    assertThat(call).succeedsWithin(SAFETY);
    assertThat(((PlayerOutcome.Failed) call.join()).kind()).isEqualTo(FailureKind.DEADLINE);
  }

  @Test
  void loadAsync_everyCallOfALoadCancelled_cancelsTheLoad() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()));
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));
    CompletableFuture<PlayerOutcome> first = client.loadAsync(players.get(0), gameDate);
    CompletableFuture<PlayerOutcome> second = client.loadAsync(players.get(1), gameDate);
    time.advance(WINDOW);
    backend.awaitQueries(1, SAFETY);

    first.cancel(true);
    assertThat(backend.cancelledCount()).isZero();
    second.cancel(true);

    assertThat(backend.awaitIdle(SAFETY)).singleElement().satisfies(q -> assertThat(q.cancelled()).isTrue());
  }

  @Test
  void loadAsync_callCancelledWhileGathering_isLeftOut() {
    InMemoryGamesQuery backend = backend(FaultPlan.none());
    PlayerHistoryClient client = client(backend, new BatchingPolicy(WINDOW, 100));
    CompletableFuture<PlayerOutcome> kept = client.loadAsync(players.get(0), gameDate);
    client.loadAsync(players.get(1), gameDate).cancel(true);

    time.advance(WINDOW);

    assertThat(kept).succeedsWithin(SAFETY);
    assertThat(backend.history()).singleElement().satisfies(q -> assertThat(q.players()).containsExactly(players.get(0)));
  }

  @Test
  void close_failsTheCallsGatheringAndCancelsTheLoadsRunning() {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()));
    HistoricalGamesLoader loader = loader(backend, Strategy.batch());
    PlayerHistoryClient client = PlayerHistoryClient.of(loader, new BatchingPolicy(WINDOW, 100), time);
    CompletableFuture<PlayerOutcome> running = client.loadAsync(players.get(0), gameDate);
    time.advance(WINDOW);
    backend.awaitQueries(1, SAFETY);
    CompletableFuture<PlayerOutcome> gathering = client.loadAsync(players.get(1), gameDate);

    client.close();

    assertThat(running).succeedsWithin(SAFETY);
    assertThat(gathering).succeedsWithin(SAFETY);
    assertThat(((PlayerOutcome.Failed) running.join()).kind()).isEqualTo(FailureKind.CANCELLED);
    assertThat(((PlayerOutcome.Failed) gathering.join()).cause()).hasMessage("load cancelled: client closed");
    assertThat(backend.awaitIdle(SAFETY)).singleElement().satisfies(q -> assertThat(q.cancelled()).isTrue());
    assertThatThrownBy(() -> client.loadAsync(players.get(2), gameDate))
        .isInstanceOf(IllegalStateException.class).hasMessage("client is closed");
    assertThat(loader.loadAsync(LoadRequest.of(gameDate, List.of(players.get(0))))).as("the loader stays open")
        .isNotDone();
  }

  /** Twenty rounds on the system clock: close() returns only once the client's own threads have ended. */
  @Test
  void close_afterCallsOnTheSystemClock_returnsOnlyWhenTheClientsThreadsHaveEnded() throws Exception {
    // On the system clock throughout: the client keeps a timer thread of its own.
    HistoricalGamesLoader loader = InMemoryLoaders.create(LoaderSettings.builder().strategy(Strategy.batch()).build(),
        InMemoryGamesQuery.builder().league(league).build());
    closeables.add(loader);
    loader.load(LoadRequest.of(gameDate, List.of(players.get(0)))); // the engine's own timer thread exists before
    for (int round = 0; round < 20; round++) {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      PlayerHistoryClient client = PlayerHistoryClient.of(loader, new BatchingPolicy(Duration.ofMillis(1), 100));
      List<CompletableFuture<PlayerOutcome>> calls = new ArrayList<>();
      for (String player : players.subList(0, 3)) {
        calls.add(client.loadAsync(player, gameDate));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(SAFETY.toMillis(), TimeUnit.MILLISECONDS);

      client.close();

      List<String> alive = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> !before.contains(thread) && thread.isAlive())
          .map(Thread::getName)
          .filter(name -> name.startsWith("hgl-batch-") || name.startsWith("hgl-timer-"))
          .toList();
      assertThat(alive).as("round %d", round).isEmpty();
    }
  }

  @Test
  void loadAsync_badInput_isRejectedNamingTheField() {
    PlayerHistoryClient client = client(backend(FaultPlan.none()), BatchingPolicy.defaults());

    assertThatThrownBy(() -> client.loadAsync(" ", gameDate))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("players[0] must not be blank but was ' '");
    assertThatThrownBy(() -> client.loadAsync(players.get(0), gameDate, 0, 30))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("lookbackDays must be between 1 and 3650 but was 0");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void of_windowNotShorterThanTheDeadline_isRejected() {
    HistoricalGamesLoader loader = loader(backend(FaultPlan.none()), Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(10), Duration.ofSeconds(10)));

    assertThatThrownBy(() -> PlayerHistoryClient.of(loader, new BatchingPolicy(Duration.ofSeconds(10), 1), time))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batching.max-delay (10s) must be shorter than the loader's deadline (10s)");
  }

  @Test
  void of_loader_takesTheSettingsBatching() {
    LoaderSettings settings = LoaderSettings.builder().batching(new BatchingPolicy(Duration.ofMillis(2), 7)).build();
    try (HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend(FaultPlan.none()));
        PlayerHistoryClient client = PlayerHistoryClient.of(loader)) {
      assertThat(client.policy()).isEqualTo(new BatchingPolicy(Duration.ofMillis(2), 7));
      assertThat(client.games(players.get(0), gameDate)).isEqualTo(reference(players.subList(0, 1)).get(players.get(0)));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private InMemoryGamesQuery backend(FaultPlan faults) {
    return InMemoryGamesQuery.builder().league(league).faults(faults).timeSource(time).build();
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, Strategy strategy) {
    return loader(backend, strategy, TimeoutPolicy.fixed(Duration.ofSeconds(10), DEADLINE));
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, Strategy strategy, TimeoutPolicy timeouts) {
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(strategy)
        .timeouts(timeouts)
        .retry(RetryPolicy.none())
        .build();
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time);
    closeables.add(loader);
    return loader;
  }

  private PlayerHistoryClient client(InMemoryGamesQuery backend, BatchingPolicy policy) {
    PlayerHistoryClient client = PlayerHistoryClient.of(loader(backend, Strategy.batch()), policy, time);
    closeables.add(0, client);
    return client;
  }

  private static Map<String, List<HistoricalGame>> reference(List<String> players) {
    try (HistoricalGamesLoader plain = InMemoryLoaders.create(LoaderSettings.defaults(),
        InMemoryGamesQuery.builder().league(league).build())) {
      LoadResult result = plain.load(LoadRequest.of(gameDate, players));
      assertThat(result.isComplete()).isTrue();
      return result.loaded();
    }
  }
}
