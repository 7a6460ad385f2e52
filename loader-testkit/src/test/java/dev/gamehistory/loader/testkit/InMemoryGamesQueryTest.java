package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryGamesQueryTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 1);
  private static final List<GameRow> ROWS = List.of(
      GameRow.of("alpha", "2024-02-28", "BOS", 20, "31.0"),
      GameRow.of("alpha", "2024-02-26", "MIA", 12, "25.5"),
      GameRow.of("beta", "2024-02-27", "DEN", 7, null));

  private final ManualTime time = ManualTime.create();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void fetch_returnsEachPlayersWindowRankedWithRestDays() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.of(ROWS);

    QueryResult result = backend.fetch(query("alpha", "beta", "gamma"), context());

    assertThat(result.games()).containsOnlyKeys("alpha", "beta");
    assertThat(result.games().get("alpha")).containsExactly(
        new HistoricalGame("alpha", LocalDate.of(2024, 2, 28), "BOS", OptionalInt.of(20),
            Optional.of(new BigDecimal("31.0")), 1, OptionalInt.of(2)),
        new HistoricalGame("alpha", LocalDate.of(2024, 2, 26), "MIA", OptionalInt.of(12),
            Optional.of(new BigDecimal("25.5")), 2, OptionalInt.empty()));
    assertThat(result.rows()).isEqualTo(3);
    assertThat(result.statistics()).isEmpty();
    assertThat(backend.name()).isEqualTo("in-memory");
  }

  @Test
  void fetch_recordsEachCallOnTheGivenClock() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS).timeSource(time).build();
    time.advance(Duration.ofSeconds(3));

    backend.fetch(query("alpha"), TestQueryContext.create(time, "q-7", 2, Duration.ofSeconds(10)));

    assertThat(backend.history()).singleElement().satisfies(call -> {
      assertThat(call.number()).isEqualTo(1);
      assertThat(call.queryId()).isEqualTo("q-7");
      assertThat(call.attempt()).isEqualTo(2);
      assertThat(call.players()).containsExactly("alpha");
      assertThat(call.startedAt()).isEqualTo(ManualTime.DEFAULT_START.plusSeconds(3));
      assertThat(call.duration()).contains(Duration.ZERO);
      assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.SUCCEEDED);
      assertThat(call.isDone()).isTrue();
      assertThat(call.cancelled()).isFalse();
      assertThat(call.faults()).isEmpty();
      assertThat(call.rows()).isEqualTo(2);
    });
  }

  @Test
  void fetch_latency_waitsOnTheContextsClock() throws Exception {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS).timeSource(time)
        .faults(FaultPlan.always(Fault.latency(Duration.ofSeconds(2)))).build();

    CompletableFuture<QueryResult> call = fetchAsync(backend, context());
    backend.awaitQueries(1, WAIT);
    assertThat(time.awaitPendingTasks(1, WAIT)).isTrue();
    time.advance(Duration.ofMillis(1999));
    assertThat(call).isNotDone();
    assertThat(backend.inFlight()).isEqualTo(1);
    assertThat(backend.history()).singleElement()
        .satisfies(running -> assertThat(running.outcome()).isEqualTo(RecordedQuery.Outcome.RUNNING));
    time.advance(Duration.ofMillis(1));

    assertThat(call).succeedsWithin(WAIT);
    assertThat(backend.awaitIdle(WAIT)).singleElement().satisfies(done -> {
      assertThat(done.outcome()).isEqualTo(RecordedQuery.Outcome.SUCCEEDED);
      assertThat(done.duration()).contains(Duration.ofSeconds(2));
      assertThat(done.faults()).containsExactly(Fault.latency(Duration.ofSeconds(2)));
    });
  }

  @Test
  void fetch_cancelledWhileDelayed_throwsLoadCancelled() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.latency(Duration.ofHours(1)))).build();
    TestQueryContext context = context();

    CompletableFuture<QueryResult> call = fetchAsync(backend, context);
    backend.awaitQueries(1, WAIT);
    context.cancel();

    assertThat(call).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOf(LoadCancelledException.class)
        .withMessage("load cancelled: query cancelled");
    assertThat(backend.awaitIdle(WAIT)).singleElement().satisfies(done -> {
      assertThat(done.outcome()).isEqualTo(RecordedQuery.Outcome.CANCELLED);
      assertThat(done.cancelled()).isTrue();
    });
    assertThat(backend.cancelledCount()).isEqualTo(1);
  }

  @Test
  void fetch_hang_outlastsAnyTimeUntilCancelled() throws Exception {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.hang())).build();
    TestQueryContext context = context();

    CompletableFuture<QueryResult> call = fetchAsync(backend, context);
    backend.awaitQueries(1, WAIT);
    assertThat(time.awaitPendingTasks(1, WAIT)).isTrue();
    time.advance(Duration.ofDays(30));
    assertThat(call).isNotDone();
    context.cancel();

    assertThat(call).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOf(LoadCancelledException.class)
        .withMessage("load cancelled: query cancelled");
    assertThat(backend.awaitIdle(WAIT)).singleElement().satisfies(done -> {
      assertThat(done.outcome()).isEqualTo(RecordedQuery.Outcome.HUNG_CANCELLED);
      assertThat(done.cancelled()).isTrue();
      assertThat(done.faults()).containsExactly(Fault.hang());
    });
  }

  @Test
  void fetch_transientError_throwsRetryableBackendException() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.transientError(Fault.RATE_LIMIT_EXCEEDED))).build();

    assertThatThrownBy(() -> backend.fetch(query("alpha"), context()))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("rateLimitExceeded");
          assertThat(e.isRetryable()).isTrue();
        })
        .hasMessage("in-memory query #1 (test-1) failed with injected error: rateLimitExceeded");
    assertThat(backend.history()).singleElement()
        .satisfies(call -> assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.FAILED));
  }

  @Test
  void fetch_permanentError_throwsPermanentBackendException() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.permanentError())).build();

    assertThatThrownBy(() -> backend.fetch(query("alpha"), context()))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("invalidQuery");
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessage("in-memory query #1 (test-1) failed with injected error: invalidQuery");
  }

  @Test
  void fetch_contextAlreadyCancelled_answersNothing() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.of(ROWS);
    TestQueryContext context = context();
    context.cancel();

    assertThatThrownBy(() -> backend.fetch(query("alpha"), context))
        .isInstanceOf(LoadCancelledException.class)
        .hasMessage("load cancelled: query cancelled");
    assertThat(backend.history()).singleElement().satisfies(call -> {
      assertThat(call.outcome()).isEqualTo(RecordedQuery.Outcome.CANCELLED);
      assertThat(call.cancelled()).isTrue();
    });
  }

  @Test
  void fetch_interruptedWhileWaiting_throwsLoadCancelledAndKeepsTheInterrupt() throws Exception {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.latency(Duration.ofHours(1)))).build();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        backend.fetch(query("alpha"), context());
      } catch (RuntimeException e) {
        thrown.set(e);
        interrupted.set(Thread.currentThread().isInterrupted());
      }
    });
    caller.start();
    backend.awaitQueries(1, WAIT);

    caller.interrupt();
    caller.join(WAIT.toMillis());

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(LoadCancelledException.class).hasMessage("load cancelled: query interrupted");
    assertThat(interrupted.get()).isTrue();
  }

  @Test
  void inFlight_countsConcurrentCallsAndMaxInFlightRemembersThePeak() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.latency(Duration.ofSeconds(1)))).build();
    TestQueryContext first = context();
    TestQueryContext second = context();

    CompletableFuture<QueryResult> a = fetchAsync(backend, first);
    CompletableFuture<QueryResult> b = fetchAsync(backend, second);
    backend.awaitQueries(2, WAIT);
    assertThat(backend.inFlight()).isEqualTo(2);
    first.cancel();
    second.cancel();

    assertThat(a).failsWithin(WAIT);
    assertThat(b).failsWithin(WAIT);
    assertThat(backend.awaitIdle(WAIT)).hasSize(2);
    assertThat(backend.inFlight()).isZero();
    assertThat(backend.maxInFlight()).isEqualTo(2);
    assertThat(backend.cancelledCount()).isEqualTo(2);
  }

  @Test
  void clear_forgetsTheHistoryButNotTheNumbering() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.builder().on(QuerySelector.nth(3), Fault.permanentError()).build()).build();
    backend.fetch(query("alpha"), context());
    backend.fetch(query("alpha"), context());

    backend.clear();

    assertThat(backend.history()).isEmpty();
    assertThatThrownBy(() -> backend.fetch(query("alpha"), context())).isInstanceOf(BackendException.class);
    assertThat(backend.history()).singleElement().satisfies(call -> assertThat(call.number()).isEqualTo(3));
    assertThat(backend.queryCount()).isEqualTo(3);
  }

  @Test
  void awaitQueries_tooFewCalls_failsNamingTheCount() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.of(ROWS);
    backend.fetch(query("alpha"), context());

    assertThatThrownBy(() -> backend.awaitQueries(2, Duration.ofMillis(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("expected at least 2 queries to start within 5 ms but 1 did");
  }

  @Test
  void awaitIdle_callStillRunning_failsNamingTheCount() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS)
        .faults(FaultPlan.always(Fault.hang())).build();
    TestQueryContext context = context();
    fetchAsync(backend, context);
    backend.awaitQueries(1, WAIT);

    assertThatThrownBy(() -> backend.awaitIdle(Duration.ofMillis(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("expected every query to end within 5 ms but 1 still running");
    context.cancel();
    backend.awaitIdle(WAIT);
  }

  @Test
  void close_makesLaterCallsFailPermanently() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.of(ROWS);

    backend.close();

    assertThat(backend.isClosed()).isTrue();
    assertThatThrownBy(() -> backend.fetch(query("alpha"), context()))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("backendClosed");
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessage("the in-memory backend is closed");
  }

  @Test
  void builder_addsRowsFromEverySource() {
    League league = LeagueGenerator.generate(1, 1);

    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(ROWS).league(league)
        .rows(GameRow.of("omega", "2024-03-01", "BOS", 1, "1.0")).build();

    assertThat(backend.rows()).hasSize(ROWS.size() + league.rows().size() + 1);
    assertThat(backend.rows().subList(0, ROWS.size())).isEqualTo(ROWS);
  }

  @Test
  void fetch_manyPlayersOfALeague_answersEveryPlayerWithGames() {
    League league = LeagueGenerator.generate(42, 1);
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    LocalDate gameDate = league.pickGameDate(1);
    List<String> players = league.players().subList(0, 360);

    QueryResult result = backend.fetch(new WindowQuery(players, gameDate, 90, 30), context());

    assertThat(result.games().keySet()).isSubsetOf(players).hasSizeGreaterThan(250);
    assertThat(result.games().values()).allSatisfy(games -> assertThat(games).hasSizeBetween(1, 30));
  }

  private CompletableFuture<QueryResult> fetchAsync(InMemoryGamesQuery backend, TestQueryContext context) {
    return CompletableFuture.supplyAsync(() -> backend.fetch(query("alpha"), context), threads);
  }

  private TestQueryContext context() {
    return TestQueryContext.create(time, Duration.ofSeconds(10));
  }

  private static WindowQuery query(String... players) {
    return new WindowQuery(List.of(players), GAME_DATE, 10, 30);
  }

  @Test
  void playersByDate_rows_givesEachPlayedDatesPlayersSortedAndRecordsNoCall() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.of(List.of(
        GameRow.of("beta", "2024-02-20", "BOS", 1, "10.0"),
        GameRow.of("alpha", "2024-02-20", "MIA", 2, "11.0"),
        GameRow.of("alpha", "2024-02-20", "NYK", 3, "12.0"),
        GameRow.of("gamma", "2024-02-22", "BOS", 4, "13.0"),
        GameRow.of("delta", "2024-02-25", "BOS", 5, "14.0")));

    assertThat(backend.playersByDate(LocalDate.parse("2024-02-20"), LocalDate.parse("2024-02-24")))
        .containsExactly(
            Map.entry(LocalDate.parse("2024-02-20"), List.of("alpha", "beta")),
            Map.entry(LocalDate.parse("2024-02-22"), List.of("gamma")));
    assertThat(backend.queryCount()).isZero();
    assertThatThrownBy(() -> backend.playersByDate(
        LocalDate.parse("2024-02-24"), LocalDate.parse("2024-02-20")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2024-02-20");
  }
}
