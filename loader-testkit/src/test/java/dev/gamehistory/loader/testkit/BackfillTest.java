package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillReport;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.QueryStart;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backfills on the in-memory backend: each date exactly its game-day load, in date order, in few
 * queries, split by dates first, bounded by one deadline and one cancel, with at most two parts of
 * dates held. Timing tests run on {@link ManualTime}; nothing sleeps.
 */
class BackfillTest {

  private static League league;
  private static List<LocalDate> season;

  private final List<HistoricalGamesLoader> loaders = new ArrayList<>();

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(7, 1);
    season = league.gameDates();
  }

  @AfterEach
  void closeLoaders() {
    loaders.forEach(HistoricalGamesLoader::close);
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, LoaderSettings settings) {
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend);
    loaders.add(loader);
    return loader;
  }

  private HistoricalGamesLoader loader(InMemoryGamesQuery backend, LoaderSettings settings, ManualTime time) {
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, backend, time);
    loaders.add(loader);
    return loader;
  }

  private static List<LoadRequest> requests(List<LocalDate> dates) {
    return dates.stream().map(date -> LoadRequest.of(date, league.slate(date))).toList();
  }

  private static List<DateResult> readAll(Backfill backfill) {
    List<DateResult> results = new ArrayList<>();
    try (backfill) {
      backfill.forEachRemaining(results::add);
    }
    return results;
  }

  /** Each player's outcome as comparable values: the games, or the failure's kind. */
  private static Map<String, Object> outcomes(LoadResult result) {
    Map<String, Object> outcomes = new TreeMap<>();
    result.outcomes().forEach((player, outcome) -> outcomes.put(player,
        outcome instanceof PlayerOutcome.Failed failed ? failed.kind() : result.games(player)));
    return outcomes;
  }

  @Test
  void backfill_wholeSeason_eachDateEqualsItsGameDayLoad() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.defaults());
    assertThat(season).hasSizeGreaterThan(150);

    List<DateResult> results = readAll(loader.backfill(BackfillRequest.of(requests(season))));
    int backfillQueries = backend.queryCount();

    assertThat(results).extracting(DateResult::gameDate).containsExactlyElementsOf(season);
    long games = 0;
    for (DateResult date : results) {
      LoadResult gameDay = loader.load(LoadRequest.of(date.gameDate(), league.slate(date.gameDate())));
      assertThat(date.result().isComplete()).as("%s complete", date.gameDate()).isTrue();
      assertThat(outcomes(date.result())).as("%s", date.gameDate()).isEqualTo(outcomes(gameDay));
      assertThat(date.result().outcomes().keySet()).containsExactlyElementsOf(gameDay.outcomes().keySet());
      games += date.result().loaded().values().stream().mapToLong(List::size).sum();
    }
    assertThat(games).isGreaterThan(100_000);
    // 30 dates a query, each date's slate of about 250 players under 10,000 pairs a query.
    assertThat(backfillQueries).isEqualTo((season.size() + 29) / 30);
  }

  @Test
  void backfill_report_sumsEveryQueryOnce() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .backfill(new BackfillPolicy(10, 50_000, Duration.ofMinutes(5))).build());
    List<LocalDate> month = season.subList(20, 45);

    Backfill backfill = loader.backfill(BackfillRequest.of(requests(month)));
    List<DateResult> results = readAll(backfill);
    BackfillReport report = backfill.report();

    assertThat(report.dates()).isEqualTo(25);
    assertThat(report.queries()).isEqualTo(3).isEqualTo(backend.queryCount());
    assertThat(report.pairs()).isEqualTo(month.stream().mapToLong(date -> league.slate(date).size()).sum());
    assertThat(report.failedPairs()).isZero();
    long rows = backend.history().stream().mapToLong(RecordedQuery::rows).sum();
    assertThat(report.rows()).isEqualTo(rows).isPositive();
    assertThat(report.deadline()).isEqualTo(Duration.ofMinutes(5));
    // Each date's report has the attempts of the queries that served it, as a load's would.
    for (DateResult date : results) {
      assertThat(date.result().report().attempts()).hasSize(1);
      QueryAttempt attempt = date.result().report().attempts().get(0);
      assertThat(attempt.players()).containsExactlyInAnyOrderElementsOf(league.slate(date.gameDate()));
    }
    assertThat(backend.history()).extracting(query -> query.gameDates().size()).containsExactly(10, 10, 5);
  }

  @Test
  void backfill_pairsOrRequests_giveTheSameResults() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.defaults());
    List<LocalDate> dates = season.subList(60, 75);
    BackfillRequest.Builder pairs = BackfillRequest.builder();
    // Pairs in any order, with repeats: each (date, player) is asked once.
    List<LocalDate> reversed = new ArrayList<>(dates);
    Collections.reverse(reversed);
    for (LocalDate date : reversed) {
      for (String player : league.slate(date)) {
        pairs.player(date, player);
      }
      pairs.player(date, league.slate(date).get(0));
    }

    List<DateResult> fromPairs = readAll(loader.backfill(pairs.build()));
    List<DateResult> fromRequests = readAll(loader.backfill(BackfillRequest.of(requests(dates))));

    assertThat(fromPairs).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    for (int i = 0; i < dates.size(); i++) {
      assertThat(outcomes(fromPairs.get(i).result())).isEqualTo(outcomes(fromRequests.get(i).result()));
    }
  }

  @Test
  void backfill_queryTimesOut_isSplitByDatesFirstAndEveryPairEndsOnce() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build()).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder()
        .strategy(Strategy.adaptive(0, 1))
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(60)))
        .retry(RetryPolicy.none())
        .backfill(new BackfillPolicy(8, 50_000, Duration.ofMinutes(5))).build(), time);
    List<LocalDate> dates = season.subList(30, 38);

    List<DateResult> results = readAll(loader.backfill(BackfillRequest.of(requests(dates))));

    List<RecordedQuery> history = backend.history();
    assertThat(history.get(0).gameDates()).containsExactlyElementsOf(dates);
    assertThat(history.get(0).cancelled()).isTrue();
    // The timed-out query's halves hold half its dates each, every player of those dates.
    assertThat(history.get(1).gameDates()).containsExactlyElementsOf(dates.subList(0, 4));
    assertThat(history.get(2).gameDates()).containsExactlyElementsOf(dates.subList(4, 8));
    assertThat(history).hasSize(3);
    for (DateResult date : results) {
      assertThat(date.result().isComplete()).isTrue();
      assertThat(date.result().outcomes().keySet()).containsExactlyInAnyOrderElementsOf(league.slate(date.gameDate()));
      assertThat(date.result().report().attempts()).hasSize(2);
    }
  }

  @Test
  void backfill_oneDateTooManyPlayers_isSplitByPlayersAfterDates() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1, 2), Fault.tooLarge()).build())
        .build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder()
        .strategy(Strategy.adaptive(0, 1)).retry(RetryPolicy.none())
        .backfill(new BackfillPolicy(2, 50_000, Duration.ofMinutes(5))).build(), time);
    List<LocalDate> dates = season.subList(40, 42);

    List<DateResult> results = readAll(loader.backfill(BackfillRequest.of(requests(dates))));

    List<RecordedQuery> history = backend.history();
    assertThat(history.get(0).gameDates()).containsExactlyElementsOf(dates);
    // Split by dates first: each date alone, with its whole slate.
    assertThat(history.get(1).gameDates()).containsExactly(dates.get(0));
    assertThat(history.get(1).players()).hasSameSizeAs(league.slate(dates.get(0)));
    // That one-date query fails too: its players are split next; the other date is asked once, whole.
    List<RecordedQuery> rest = history.subList(2, history.size());
    assertThat(rest).filteredOn(query -> query.gameDates().equals(List.of(dates.get(1))))
        .singleElement().satisfies(query -> assertThat(query.players()).hasSameSizeAs(league.slate(dates.get(1))));
    List<RecordedQuery> halves = rest.stream().filter(query -> query.gameDates().equals(List.of(dates.get(0)))).toList();
    assertThat(halves).hasSize(2).allSatisfy(query ->
        assertThat(query.players().size()).isLessThan(league.slate(dates.get(0)).size()));
    assertThat(halves.stream().flatMap(query -> query.players().stream()))
        .containsExactlyInAnyOrderElementsOf(league.slate(dates.get(0)));
    assertThat(history).hasSize(5);
    for (DateResult date : results) {
      assertThat(date.result().isComplete()).as("%s", date.gameDate()).isTrue();
      assertThat(outcomes(date.result())).isEqualTo(outcomes(loader.load(LoadRequest.of(date.gameDate(),
          league.slate(date.gameDate())))));
    }
  }

  @Test
  void backfill_permanentFailure_failsEveryPairOfTheQueryNeverEmpty() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.permanentError("invalidQuery")).build()).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .backfill(new BackfillPolicy(3, 50_000, Duration.ofMinutes(5))).build());
    List<LocalDate> dates = season.subList(50, 56);

    List<DateResult> results = readAll(loader.backfill(BackfillRequest.of(requests(dates))));

    for (DateResult date : results.subList(0, 3)) {
      assertThat(date.result().loaded()).isEmpty();
      assertThat(date.result().failedPlayers()).containsExactlyInAnyOrderElementsOf(league.slate(date.gameDate()));
      assertThat(date.result().failures().values()).allSatisfy(failure ->
          assertThat(failure.kind()).isEqualTo(FailureKind.BACKEND));
    }
    for (DateResult date : results.subList(3, 6)) {
      assertThat(date.result().isComplete()).isTrue();
    }
  }

  @Test
  void backfill_deadline_endsEveryPairByItOnManualTime() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(3), Fault.hang()).build()).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(Duration.ofMinutes(10), Duration.ofMinutes(10))).retry(RetryPolicy.none())
        .backfill(new BackfillPolicy(2, 50_000, Duration.ofMinutes(5))).build(), time);
    List<LocalDate> dates = season.subList(10, 20);

    BackfillRequest.Builder request = BackfillRequest.builder().deadline(Duration.ofSeconds(45));
    requests(dates).forEach(request::add);
    Backfill backfill = loader.backfill(request.build());
    List<DateResult> results = readAll(backfill);

    assertThat(results).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    // Queries 1 and 2 (dates 1 to 4) answer; query 3 hangs.
    for (DateResult date : results.subList(0, 4)) {
      assertThat(date.result().isComplete()).isTrue();
    }
    for (DateResult date : results.subList(4, 10)) {
      assertThat(date.result().failedPlayers()).containsExactlyInAnyOrderElementsOf(league.slate(date.gameDate()));
      assertThat(date.result().failures().values()).allSatisfy(failure ->
          assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE));
    }
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(45));
    assertThat(backfill.report().failedPairs()).isEqualTo(results.subList(4, 10).stream()
        .mapToLong(date -> league.slate(date.gameDate()).size()).sum());
    // Dates after the hanging query were never queried: the deadline ended them without a query.
    assertThat(backend.history()).hasSize(3);
  }

  @Test
  void cancel_midway_failsTheRestAsCancelled() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(2), Fault.hang()).build()).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(Duration.ofMinutes(10), Duration.ofMinutes(10)))
        .backfill(new BackfillPolicy(2, 50_000, Duration.ofMinutes(30))).build(), time);
    List<LocalDate> dates = season.subList(0, 8);

    Backfill backfill = loader.backfill(BackfillRequest.of(requests(dates)));
    List<DateResult> results = new ArrayList<>();
    results.add(backfill.next());
    results.add(backfill.next());
    time.runUntilIdle();
    backfill.cancel();
    backfill.forEachRemaining(results::add);

    assertThat(results).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    assertThat(results.get(0).result().isComplete()).isTrue();
    for (DateResult date : results.subList(2, 8)) {
      assertThat(date.result().failures().values()).isNotEmpty().allSatisfy(failure ->
          assertThat(failure.kind()).isEqualTo(FailureKind.CANCELLED));
      assertThat(date.result().loaded()).isEmpty();
    }
    assertThat(backend.history()).hasSize(2);
    assertThat(backend.history().get(1).cancelled()).isTrue();
    assertThat(backfill.hasNext()).isFalse();
  }

  @Test
  void next_readerInterrupted_cancelsTheBackfill() throws Exception {
    // On the system clock: a reader on ManualTime drives time instead of waiting.
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league)
        .faults(FaultPlan.always(Fault.hang())).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.defaults());
    Backfill backfill = loader.backfill(BackfillRequest.of(requests(season.subList(0, 3))));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

    Thread reader = new Thread(() -> {
      try {
        backfill.next();
      } catch (Throwable e) {
        thrown.set(e);
        interrupted.complete(Thread.currentThread().isInterrupted());
      }
    });
    reader.start();
    backend.awaitQueries(1, Duration.ofSeconds(30));
    reader.interrupt();
    reader.join(30_000);

    assertThat(thrown.get()).isInstanceOf(LoadCancelledException.class);
    assertThat(interrupted.join()).isTrue();
    // The date the reader waited for is still handed out, failed as cancelled, as are the rest.
    List<DateResult> rest = readAll(backfill);
    assertThat(rest).hasSize(3);
    assertThat(rest).allSatisfy(date -> assertThat(date.result().failures().values()).allSatisfy(failure ->
        assertThat(failure.kind()).isEqualTo(FailureKind.CANCELLED)));
  }

  @Test
  void backfill_readerBehind_holdsAtMostTwoPartsOfDates() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time).build();
    // batch runs one query at a time: a part is one query's dates, 3 here.
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .backfill(new BackfillPolicy(3, 50_000, Duration.ofMinutes(30))).build(), time);
    List<LocalDate> dates = season.subList(0, 30);

    try (Backfill backfill = loader.backfill(BackfillRequest.of(requests(dates)))) {
      time.runUntilIdle();
      // Nothing read yet: the first part ran, and the second, which waits for nothing before the first.
      assertThat(queriedDates(backend)).containsExactlyElementsOf(dates.subList(0, 6));
      backfill.next();
      backfill.next();
      time.runUntilIdle();
      // The third part waits until the reader took every date of the first.
      assertThat(queriedDates(backend)).containsExactlyElementsOf(dates.subList(0, 6));
      backfill.next();
      time.runUntilIdle();
      assertThat(queriedDates(backend)).containsExactlyElementsOf(dates.subList(0, 9));
      for (int read = 4; read <= 30; read++) {
        backfill.next();
        time.runUntilIdle();
        assertThat(queriedDates(backend)).hasSize(Math.min(30, (read / 3 + 2) * 3));
      }
      assertThat(backfill.hasNext()).isFalse();
    }
    assertThat(backend.queryCount()).isEqualTo(10);
  }

  private static List<LocalDate> queriedDates(InMemoryGamesQuery backend) {
    return backend.history().stream().flatMap(query -> query.gameDates().stream()).toList();
  }

  @Test
  void backfill_overAnyLoader_loadsDateByDateWithTheSameResults() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader engine = loader(backend, LoaderSettings.defaults());
    HistoricalGamesLoader decorator = new ForwardingLoader(engine);
    List<LocalDate> dates = season.subList(100, 106);

    List<DateResult> sequential = readAll(decorator.backfill(BackfillRequest.of(requests(dates))));

    assertThat(backend.history()).extracting(query -> query.gameDates().size()).containsOnly(1);
    assertThat(sequential).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    List<DateResult> batched = readAll(engine.backfill(BackfillRequest.of(requests(dates))));
    for (int i = 0; i < dates.size(); i++) {
      assertThat(outcomes(sequential.get(i).result())).isEqualTo(outcomes(batched.get(i).result()));
    }
  }

  @Test
  void backfill_closedLoader_isRefused() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.defaults());
    loader.close();

    assertThatThrownBy(() -> loader.backfill(BackfillRequest.of(requests(season.subList(0, 2)))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void close_loaderDuringBackfill_failsTheRestWithoutEmptyHistories() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.hang()).build()).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch())
        .backfill(new BackfillPolicy(2, 50_000, Duration.ofMinutes(30))).build(), time);
    Backfill backfill = loader.backfill(BackfillRequest.of(requests(season.subList(0, 6))));
    backend.awaitQueries(1, Duration.ofSeconds(30));

    loader.close();
    List<DateResult> results = readAll(backfill);

    assertThat(results).hasSize(6);
    Set<FailureKind> kinds = new HashSet<>();
    for (DateResult date : results) {
      assertThat(date.result().loaded()).isEmpty();
      date.result().failures().values().forEach(failure -> kinds.add(failure.kind()));
    }
    assertThat(kinds).containsOnly(FailureKind.CANCELLED);
  }

  @Test
  void build_badRequests_areRefusedNamingTheValue() {
    LocalDate date = season.get(0);
    assertThatThrownBy(() -> BackfillRequest.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one game date");
    assertThatThrownBy(() -> BackfillRequest.of(List.of(LoadRequest.of(date, List.of("a")), LoadRequest.of(date,
        List.of("b"))))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(date.toString());
    assertThatThrownBy(() -> BackfillRequest.of(List.of(LoadRequest.builder(date).players("a")
        .deadline(Duration.ofSeconds(3)).build()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> BackfillRequest.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> BackfillRequest.builder().player(date, " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BackfillPolicy(0, 10, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("datesPerQuery").hasMessageContaining("0");
  }

  @Test
  void backfill_datesWithOtherWindows_areNotMixedInOneQuery() {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).build();
    HistoricalGamesLoader loader = loader(backend, LoaderSettings.builder().strategy(Strategy.batch()).build());
    List<LocalDate> dates = season.subList(70, 76);
    List<LoadRequest> requests = new ArrayList<>();
    for (int i = 0; i < dates.size(); i++) {
      requests.add(LoadRequest.builder(dates.get(i)).players(league.slate(dates.get(i)))
          .lookbackDays(i < 3 ? 90 : 30).maxGames(i < 3 ? 30 : 5).build());
    }

    List<DateResult> results = readAll(loader.backfill(BackfillRequest.of(requests)));

    assertThat(backend.history()).extracting(RecordedQuery::gameDates)
        .containsExactly(dates.subList(0, 3), dates.subList(3, 6));
    for (int i = 0; i < dates.size(); i++) {
      assertThat(outcomes(results.get(i).result())).isEqualTo(outcomes(loader.load(requests.get(i))));
    }
    assertThat(results.get(5).result().loaded().values()).allSatisfy(games -> assertThat(games).hasSizeLessThanOrEqualTo(5));
    assertThat(results.stream().map(DateResult::gameDate).collect(Collectors.toList())).isSorted();
  }

  @Test
  void backfill_splitsAndRetries_listenersHearEachQueryOnceAndEachDateStartAndEndOnce() {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).timeSource(time)
        .faults(FaultPlan.builder().on(QuerySelector.nth(1), Fault.tooLarge())
            .on(QuerySelector.nth(3), Fault.transientError()).build()).build();
    Map<String, AtomicInteger> heard = new TreeMap<>();
    LoadListener listener = new LoadListener() {
      @Override
      public void onLoadStart(LoadScope load) {
        count("start " + load.request().gameDate());
      }

      @Override
      public void onQueryStart(LoadScope load, QueryStart query) {
        count("query start");
      }

      @Override
      public void onQueryEnd(LoadScope load, QueryAttempt attempt) {
        count("query end");
      }

      @Override
      public void onLoadEnd(LoadScope load, LoadResult result) {
        count("end " + load.request().gameDate());
      }

      private synchronized void count(String what) {
        heard.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).timeSource(time).listener(listener)
        .settings(LoaderSettings.builder().strategy(Strategy.adaptive(0, 2))
            .retry(RetryPolicy.of(2, Duration.ofSeconds(1)))
            .backfill(new BackfillPolicy(4, 50_000, Duration.ofMinutes(5))).build())
        .build();
    loaders.add(loader);
    List<LocalDate> dates = season.subList(80, 88);

    Backfill backfill = loader.backfill(BackfillRequest.of(requests(dates)));
    List<DateResult> results = readAll(backfill);

    assertThat(results).allSatisfy(date -> assertThat(date.result().isComplete()).isTrue());
    int queries = backend.queryCount();
    assertThat(queries).isGreaterThan(3);
    assertThat(backfill.report().queries()).isEqualTo(queries);
    assertThat(heard.get("query start")).hasValue(queries);
    assertThat(heard.get("query end")).hasValue(queries);
    for (LocalDate date : dates) {
      assertThat(heard.get("start " + date)).as("starts of %s", date).hasValue(1);
      assertThat(heard.get("end " + date)).as("ends of %s", date).hasValue(1);
    }
  }

  @Test
  void backfill_backendIgnoresCancels_partsTogetherNeverPassTheParallelism() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Stubborn backend = new Stubborn(InMemoryGamesQuery.builder().league(league).build(), release);
    LoaderSettings settings = LoaderSettings.builder().strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(Duration.ofMillis(50), Duration.ofSeconds(60))).retry(RetryPolicy.none())
        .backfill(new BackfillPolicy(1, 10_000, Duration.ofMinutes(5))).build();
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().settings(settings).backend(backend).build();
    loaders.add(loader);
    Backfill backfill = loader.backfill(BackfillRequest.of(requests(season.subList(0, 4))));

    // The first date's query times out; its call, which ignores the cancel, still holds the one slot.
    DateResult first = backfill.next();
    assertThat(first.result().failures().values()).allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (backend.calls.get() < 2 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(backend.calls.get()).as("calls before the first returned").isEqualTo(1);
    release.countDown();
    List<DateResult> rest = readAll(backfill);

    assertThat(rest).hasSize(3);
    assertThat(backend.maxInFlight.get()).isEqualTo(1);
  }

  @Test
  void backfill_overAnyLoader_cancelWhileItsLoadAsyncRuns_failsTheDateCancelled() throws Exception {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(league).faults(FaultPlan.always(Fault.hang())).build();
    HistoricalGamesLoader engine = loader(backend, LoaderSettings.defaults());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    HistoricalGamesLoader slowToStart = new ForwardingLoader(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
        entered.countDown();
        awaitUninterruptibly(proceed);
        return super.loadAsync(request);
      }
    };
    Backfill backfill = slowToStart.backfill(BackfillRequest.of(requests(season.subList(5, 7))));
    CompletableFuture<List<DateResult>> read = CompletableFuture.supplyAsync(() -> readAll(backfill));

    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    backfill.cancel();
    proceed.countDown();

    List<DateResult> results = read.get(30, TimeUnit.SECONDS);
    assertThat(results).hasSize(2).allSatisfy(date -> assertThat(date.result().failures().values())
        .isNotEmpty().allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.CANCELLED)));
  }

  @Test
  void builder_refusedCall_addsNothingAndDeadlinePastTheMaximumIsRefused() {
    LocalDate date = season.get(0);
    BackfillRequest.Builder builder = BackfillRequest.builder().player(season.get(1), "b");

    assertThatThrownBy(() -> builder.players(date, List.of("a", " "))).isInstanceOf(IllegalArgumentException.class);
    assertThat(builder.build().dates()).extracting(LoadRequest::gameDate).containsExactly(season.get(1));
    assertThatThrownBy(() -> builder.deadline(Duration.ofHours(25)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT25H").hasMessageContaining("PT24H");
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A backend whose calls wait for {@code release} whatever cancels them, counting the calls in flight. */
  private static final class Stubborn implements GamesQuery {
    private final InMemoryGamesQuery delegate;
    private final CountDownLatch release;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    Stubborn(InMemoryGamesQuery delegate, CountDownLatch release) {
      this.delegate = delegate;
      this.release = release;
    }

    @Override
    public String name() {
      return "stubborn";
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      enter();
      try {
        return delegate.fetch(query, context);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public DatesResult fetchDates(DatesQuery query, QueryContext context) {
      enter();
      try {
        return delegate.fetchDates(query, context);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    private void enter() {
      calls.incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      awaitUninterruptibly(release);
    }
  }

  /** A loader that forwards to another, as a user's decorator would: it gets the default backfill. */
  private static class ForwardingLoader implements HistoricalGamesLoader {
    private final HistoricalGamesLoader delegate;

    ForwardingLoader(HistoricalGamesLoader delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
      return delegate.loadAsync(request);
    }

    @Override
    public LoaderSettings settings() {
      return delegate.settings();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
