package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
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
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine at its edges, one test per defect it once had: a split's backoff past the deadline,
 * queues driven by recursion, sub-millisecond and fractional-millisecond timeouts, the caller
 * completing the future, close() from a completion callback, timers left queued. On
 * {@link ManualTime} unless said otherwise; nothing sleeps.
 */
class EngineEdgeTest {

  private static final Duration SAFETY = Duration.ofSeconds(30);

  private static League league;
  private static LocalDate gameDate;
  private static List<String> players;

  private final List<HistoricalGamesLoader> loaders = new ArrayList<>();

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(42, 1);
    gameDate = league.pickGameDate(1);
    players = List.copyOf(league.slate(gameDate));
  }

  @AfterEach
  void closeLoaders() {
    loaders.forEach(HistoricalGamesLoader::close);
  }

  private InMemoryGamesQuery backend(FaultPlan faults, ManualTime time) {
    return InMemoryGamesQuery.builder().league(league).faults(faults).timeSource(time).build();
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, ManualTime time, Strategy strategy,
      TimeoutPolicy timeouts, RetryPolicy retry) {
    LoaderSettings settings = LoaderSettings.builder().strategy(strategy).timeouts(timeouts).retry(retry).build();
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time);
    loaders.add(loader);
    return loader;
  }

  /** Waits until the deadline, the attempt's timeout and the backend's latency wait are all on the clock. */
  private static void awaitTimers(ManualTime time, int count) {
    try {
      assertThat(time.awaitPendingTasks(count, SAFETY)).as("%d timers pending", count).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static LoadRequest request(List<String> requested) {
    return LoadRequest.builder(gameDate).players(requested).build();
  }

  @Test
  void load_adaptiveSplitBackoffEndsPastTheDeadline_failsWithTheErrorAtOnce() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.builder()
        .on(QuerySelector.nth(1), Fault.latency(Duration.ofMillis(1900)))
        .on(QuerySelector.nth(1), Fault.transientError("rateLimitExceeded")).build(), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.adaptive(),
        TimeoutPolicy.fixed(Duration.ofSeconds(2), Duration.ofSeconds(2)),
        new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(5), 0.0));

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.subList(0, 2)));
    awaitTimers(time, 3);
    time.advance(Duration.ofMillis(1900));

    assertThat(future).succeedsWithin(SAFETY);
    LoadResult result = future.join();
    assertThat(result).allFailedWith(FailureKind.BACKEND);
    assertThat(result.report().count(ReportEvent.Kind.SPLIT)).isZero();
    assertThat(result.report().count(ReportEvent.Kind.DEADLINE)).isZero();
    assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(1900));
  }

  @Test
  void load_adaptiveSplitBackoffPastTheDeadline_fallbackStageStillRuns() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.builder()
        .on(QuerySelector.nth(1), Fault.latency(Duration.ofMillis(1900)))
        .on(QuerySelector.nth(1), Fault.transientError("rateLimitExceeded")).build(), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.fallback(Strategy.adaptive(), Strategy.batch()),
        TimeoutPolicy.fixed(Duration.ofSeconds(2), Duration.ofSeconds(2)),
        new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(5), 0.0));

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.subList(0, 2)));
    awaitTimers(time, 3);
    time.advance(Duration.ofMillis(1900));

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).isComplete();
    assertThat(future.join().report().count(ReportEvent.Kind.FALLBACK)).isEqualTo(1);
  }

  @Test
  void load_threeThousandQueriesAnsweredAtOnce_noRecursionNoStall() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.none(), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.perPlayer(1),
        TimeoutPolicy.fixed(Duration.ofNanos(500_000), Duration.ofSeconds(10)), RetryPolicy.none());
    List<String> many = IntStream.range(0, 3000).mapToObj(i -> "player_" + i).toList();

    CompletableFuture<LoadResult> future = loader.loadAsync(request(many));

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).isComplete().hasOutcomesFor(many.toArray(String[]::new));
    assertThat(future.join().report().queryCount()).isEqualTo(3000);
  }

  @Test
  void load_subMillisecondQueryTimeout_queriesRunAndLoad() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.none(), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofNanos(500_000), Duration.ofSeconds(10)), RetryPolicy.none());

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.subList(0, 5)));

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).isComplete();
    assertThat(backend.awaitIdle(SAFETY)).hasSize(1);
  }

  @Test
  void load_fractionalMillisecondTimeout_neverFiresEarly() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofMillis(2))), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofNanos(2_956_000), Duration.ofSeconds(10)), RetryPolicy.none());

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.subList(0, 5)));
    awaitTimers(time, 3);
    time.advance(Duration.ofMillis(2));

    assertThat(future).succeedsWithin(SAFETY);
    assertThat(future.join()).isComplete();
  }

  @Test
  void loadAsync_callerCompletesTheFuture_loadEndsAndItsQueriesAreCancelled() {
    ManualTime time = ManualTime.create();

    callerEndsTheFuture(time, 4, future -> future.completeExceptionally(new IllegalStateException("not needed any more")));

    assertThat(time.elapsed()).isZero();
  }

  @Test
  void loadAsync_callerTimesTheFutureOut_loadEndsAndItsQueriesAreCancelled() {
    // orTimeout runs on the JDK's own delayer, in real time: 1 ms, then the load must end.
    callerEndsTheFuture(ManualTime.create(), 2, future -> future.orTimeout(1, TimeUnit.MILLISECONDS));
  }

  /** Starts a load whose {@code parallelism} queries hang, lets the caller end its future, and checks every query was cancelled. */
  private void callerEndsTheFuture(ManualTime time, int parallelism,
      java.util.function.Consumer<CompletableFuture<LoadResult>> end) {
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.hang()), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.perPlayer(parallelism),
        TimeoutPolicy.fixed(Duration.ofSeconds(20), Duration.ofSeconds(30)), RetryPolicy.none());

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.subList(0, 2 * parallelism)));
    backend.awaitQueries(parallelism, SAFETY);
    end.accept(future);

    List<RecordedQuery> calls = backend.awaitIdle(SAFETY);
    assertThat(calls).hasSize(parallelism).allSatisfy(call -> assertThat(call.cancelled()).isTrue());
  }

  @Test
  void close_fromACompletionCallback_doesNotWaitForItselfNorInterruptIt() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.latency(Duration.ofMillis(1))), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.batch(),
        TimeoutPolicy.fixed(Duration.ofSeconds(20), Duration.ofSeconds(30)), RetryPolicy.none());
    AtomicBoolean interrupted = new AtomicBoolean(true);
    List<String> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();

    CompletableFuture<Void> closed = loader.loadAsync(request(players.subList(0, 3))).thenRun(() -> {
      ranOn.add(Thread.currentThread().getName());
      loader.close();
      interrupted.set(Thread.currentThread().isInterrupted());
    });
    awaitTimers(time, 3);
    time.advance(Duration.ofMillis(1));

    assertThat(closed).succeedsWithin(SAFETY);
    assertThat(ranOn).singleElement().asString().startsWith("hgl-worker-");
    assertThat(interrupted).isFalse();
  }

  @Test
  void load_manyFailedQueries_noTimerLeftQueued() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = backend(FaultPlan.always(Fault.permanentError("invalidQuery")), time);
    HistoricalGamesLoader loader = loader(backend, time, Strategy.perPlayer(4),
        TimeoutPolicy.fixed(Duration.ofSeconds(20), Duration.ofSeconds(30)), RetryPolicy.none());
    List<String> many = IntStream.range(0, 1000).mapToObj(i -> "player_" + i).toList();

    LoadResult result = loader.load(request(many));

    assertThat(result).allFailedWith(FailureKind.BACKEND);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void loadAsync_resultDeliveredByTheThreadThatRanTheLastQuery() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery inMemory = backend(FaultPlan.none(), time);
    List<String> fetchedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    GamesQuery recording = new GamesQuery() {
      @Override
      public String name() {
        return inMemory.name();
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        fetchedOn.add(Thread.currentThread().getName());
        try {
          // Answers only once the test has registered its stage, so the stage runs where the load completes.
          release.await(SAFETY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return inMemory.fetch(query, context);
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(recording).timeSource(time)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none()).build()).build();
    loaders.add(loader);

    CompletableFuture<String> deliveredOn = loader.loadAsync(request(players.subList(0, 3)))
        .thenApply(result -> Thread.currentThread().getName());
    release.countDown();

    assertThat(deliveredOn).succeedsWithin(SAFETY);
    assertThat(fetchedOn).containsExactly(deliveredOn.join());
  }
}
