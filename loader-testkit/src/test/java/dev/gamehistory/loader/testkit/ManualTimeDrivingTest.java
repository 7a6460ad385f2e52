package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ManualTime} drives a load to its end by itself, knowing from the loader's work hook when
 * the loader is idle: deterministically (the same queries at the same manual times on every run),
 * from {@code load()} too, and it says what is wrong when a load waits for nothing.
 */
class ManualTimeDrivingTest {

  private static League league;
  private static LocalDate gameDate;
  private static List<String> slate;

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(42, 1);
    gameDate = league.pickGameDate(1);
    slate = league.slate(gameDate);
  }

  /** A scenario with every kind of trouble: hangs, transient errors, latencies and backoff jitter. */
  private static Observed run() {
    ManualTime time = ManualTime.create();
    List<String> players = new ArrayList<>(slate.subList(0, Math.min(210, slate.size())));
    FaultPlan faults = FaultPlan.builder().seed(7)
        .on(QuerySelector.everyNth(7, 3), Fault.hang())
        .on(QuerySelector.containingPlayer(players.get(5)), Fault.transientError(Fault.RATE_LIMIT_EXCEEDED))
        .on(QuerySelector.share(0.5), Fault.latency(Duration.ofMillis(200), Duration.ofMillis(2500)))
        .build();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).faults(faults).timeSource(time).build();
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.adaptive(40, 4))
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(2), Duration.ofSeconds(30)))
        .retry(new RetryPolicy(3, Duration.ofMillis(300), Duration.ofSeconds(2), 0.5))
        .build();
    try (HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time)) {
      LoadResult result = time.runUntilDone(loader.loadAsync(LoadRequest.builder(gameDate).players(players).build())).join();
      List<String> queries = backend.history().stream()
          .map(call -> call.query().players().size() + " players from " + call.query().players().get(0) + " #"
              + call.attempt() + " at " + call.startedAt() + " " + call.outcome())
          .toList();
      List<String> outcomes = result.outcomes().values().stream()
          .map(outcome -> outcome.player() + " " + (outcome instanceof PlayerOutcome.Failed failed ? failed.kind() : "LOADED"))
          .toList();
      return new Observed(time.elapsed(), queries, outcomes);
    }
  }

  private record Observed(Duration elapsed, List<String> queries, List<String> outcomes) {}

  @Test
  void runUntilDone_sameScenarioFiftyTimes_sameQueriesAtTheSameManualTimes() {
    Observed first = run();
    for (int i = 1; i < 50; i++) {
      Observed again = run();
      assertThat(again.queries()).as("run %d", i + 1).isEqualTo(first.queries());
      assertThat(again.elapsed()).as("run %d", i + 1).isEqualTo(first.elapsed());
      assertThat(again.outcomes()).as("run %d", i + 1).isEqualTo(first.outcomes());
    }
    assertThat(first.queries().size()).isGreaterThan(10);
    assertThat(first.outcomes()).anyMatch(outcome -> outcome.endsWith("LOADED"));
  }

  @Test
  void load_onManualTime_drivesTimeItselfToTheEnd() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build()).timeSource(time).build();
    LoaderSettings settings = LoaderSettings.builder().strategy(Strategy.adaptive())
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(30))).build();
    try (HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time)) {
      LoadResult result = loader.load(LoadRequest.builder(gameDate).players(slate.subList(0, 4)).build());

      assertThat(result.isComplete()).isTrue();
      assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(5));
      assertThat(backend.history().get(0).outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED);
    }
  }

  /** A first query that hangs, on manual time: two seconds pass on the clock, and every player loads. */
  private static HistoricalGamesLoader hangingFirstQuery(ManualTime time) {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build()).timeSource(time).build();
    return InMemoryLoaders.create(LoaderSettings.builder().strategy(Strategy.adaptive())
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(2), Duration.ofSeconds(30))).build(), backend, time);
  }

  @Test
  void load_ofADecoratorThatImplementsOnlyLoadAsync_drivesTheManualClockItself() {
    ManualTime time = ManualTime.create();
    HistoricalGamesLoader engine = hangingFirstQuery(time);
    try {
      HistoricalGamesLoader decorator = new HistoricalGamesLoader() {
        @Override
        public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
          return engine.loadAsync(request);
        }

        @Override
        public LoaderSettings settings() {
          return engine.settings();
        }

        @Override
        public void close() {
          engine.close();
        }
      };

      LoadResult result = decorator.load(LoadRequest.builder(gameDate).players(slate.subList(0, 4)).build());

      assertThat(result.isComplete()).isTrue();
      assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(2));
    } finally {
      engine.close();
    }
  }

  @Test
  void playerHistoryClient_ofALoaderOnManualTime_takesItsClockAndLoadDrivesIt() {
    ManualTime time = ManualTime.create();
    try (HistoricalGamesLoader engine = hangingFirstQuery(time);
        PlayerHistoryClient client = PlayerHistoryClient.of(engine)) {
      PlayerOutcome outcome = client.load(slate.get(0), gameDate);

      assertThat(outcome.isLoaded()).isTrue();
      assertThat(engine.timeSource()).contains(time);
      // The window, the hanging query's 2 s timeout, a backoff, and the retry that loads.
      assertThat(time.elapsed()).isGreaterThan(Duration.ofSeconds(2).plus(BatchingPolicy.DEFAULT_MAX_DELAY))
          .isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void runUntilDone_futureNothingCompletes_failsSayingItWaitsForNothing() {
    ManualTime time = ManualTime.create();

    assertThatThrownBy(() -> time.runUntilDone(new CompletableFuture<Void>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the load waits for nothing: no loader work runs, no timer is pending on the manual clock, and"
            + " its future is not done");
  }

  @Test
  void advanceUntilIdle_hangingLoad_runsItsTimersToTheDeadline() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league)
        .faults(FaultPlan.always(Fault.hang())).timeSource(time).build();
    LoaderSettings settings = LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none())
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(30), Duration.ofSeconds(30))).build();
    try (HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time)) {
      CompletableFuture<LoadResult> future = loader.loadAsync(LoadRequest.builder(gameDate).players(slate.subList(0, 3)).build());

      time.advanceUntilIdle();

      assertThat(future).isDone();
      assertThat(future.join().failures().values()).allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.DEADLINE));
      assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(30));
      assertThat(time.isIdle()).isTrue();
      assertThat(time.pendingTasks()).isZero();
    }
  }
}
