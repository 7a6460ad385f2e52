package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.TimeSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics contract every loader implementation passes (see the README): window edges, max
 * games, order and tie-break, rank, rest days, players without games, absent values, one outcome per
 * requested player in request order, the deadline guarantee, and backfills of many game dates whose
 * every date equals its own load.
 *
 * <p>Expectations are computed by hand (or, for the large test, by a plain reference computation
 * in this class), never by the in-memory backend. To run the suite against an implementation,
 * extend this class and implement {@link #createLoader}: it must store the given rows where the
 * backend reads them and return a loader over them with the given settings. Override
 * {@link #createHangingLoader} to run the deadline test, and {@link #settings()} to choose the
 * strategy. Loaders are closed after each test.
 *
 * <p>One file: one contract, one suite that an implementation extends once.
 */
public abstract class LoaderContractTest {

  /** The game date most tests load for. */
  protected static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 1);
  /** The lookback most tests use: the window is 2024-02-20 (inclusive) to 2024-03-01 (exclusive). */
  protected static final int LOOKBACK_DAYS = 10;

  private final List<HistoricalGamesLoader> loaders = new ArrayList<>();

  /**
   * A loader with {@code settings} over a backend holding exactly {@code rows}.
   *
   * @param rows the table's rows; the backend must hold these and no others
   * @param settings the loader's settings, from {@link #settings()} and the test
   */
  protected abstract HistoricalGamesLoader createLoader(List<GameRow> rows, LoaderSettings settings);

  /**
   * A loader over a backend whose queries never return until cancelled, running on {@code time};
   * {@code null} (the default) when the implementation cannot offer one, which skips the deadline
   * test. Its queries must wait on their context ({@code QueryContext.awaitCancellation}) or answer
   * at once that the work still runs, not block in real I/O: {@link ManualTime} moves only when the
   * loader is idle, and a thread blocked in I/O is busy.
   */
  protected @Nullable HistoricalGamesLoader createHangingLoader(
      List<GameRow> rows, LoaderSettings settings, TimeSource time) {
    return null;
  }

  /** The settings of every test's loader; override to choose the strategy. Default: {@link LoaderSettings#defaults()}. */
  protected LoaderSettings settings() {
    return LoaderSettings.defaults();
  }

  /** Closes the loaders the test created. */
  @AfterEach
  public final void closeLoaders() {
    loaders.forEach(HistoricalGamesLoader::close);
    loaders.clear();
  }

  // ---- window edges -------------------------------------------------------------------------

  /** A game on the window's first day is in the history. */
  @Test
  public void load_gameOnWindowStart_isIncluded() {
    LoadResult result = load(List.of(row("alpha", "2024-02-20", "BOS", 10, "20.0")), request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(game("alpha", "2024-02-20", "BOS", 10, "20.0", 1, null)));
  }

  /** A game on the game date itself is not. */
  @Test
  public void load_gameOnGameDate_isExcluded() {
    LoadResult result = load(
        List.of(row("alpha", "2024-03-01", "BOS", 30, "35.0"), row("alpha", "2024-02-28", "MIA", 12, "24.5")),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(game("alpha", "2024-02-28", "MIA", 12, "24.5", 1, null)));
  }

  /** A game the day before the window is neither shown nor counted for rest days. */
  @Test
  public void load_gameTheDayBeforeWindowStart_isExcludedAndGivesNoRestDays() {
    LoadResult result = load(
        List.of(row("alpha", "2024-02-19", "BOS", 30, "35.0"), row("alpha", "2024-02-21", "MIA", 12, "24.5")),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(game("alpha", "2024-02-21", "MIA", 12, "24.5", 1, null)));
  }

  /** A one-day window holds only the day before the game date. */
  @Test
  public void load_lookbackOfOneDay_holdsOnlyTheDayBefore() {
    LoadResult result = load(
        List.of(row("alpha", "2024-02-29", "BOS", 8, "18.0"), row("alpha", "2024-02-28", "MIA", 12, "24.5")),
        LoadRequest.builder(GAME_DATE).players("alpha").lookbackDays(1).build());

    assertThat(result).isComplete().hasGames("alpha", List.of(game("alpha", "2024-02-29", "BOS", 8, "18.0", 1, null)));
  }

  // ---- max games, order, rank, rest days ----------------------------------------------------

  /** Only the most recent max games are kept, newest first, ranked from 1. */
  @Test
  public void load_moreGamesThanMaxGames_keepsTheMostRecentNewestFirst() {
    List<GameRow> rows = new ArrayList<>();
    for (int day = 21; day <= 29; day++) {
      rows.add(row("alpha", "2024-02-" + day, "BOS", day, "30.0"));
    }

    LoadResult result = load(rows, LoadRequest.builder(GAME_DATE).players("alpha").lookbackDays(LOOKBACK_DAYS)
        .maxGames(3).build());

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-29", "BOS", 29, "30.0", 1, 1),
        game("alpha", "2024-02-28", "BOS", 28, "30.0", 2, 1),
        game("alpha", "2024-02-27", "BOS", 27, "30.0", 3, 1)));
  }

  /** Rest days count the days since the previous game; the oldest game in the window has none. */
  @Test
  public void load_restDays_countDaysSincePreviousGameInWindow() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-21", "DEN", 4, "12.0"),
            row("alpha", "2024-02-29", "BOS", 20, "31.0"),
            row("alpha", "2024-02-26", "MIA", 15, "28.0")),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-29", "BOS", 20, "31.0", 1, 3),
        game("alpha", "2024-02-26", "MIA", 15, "28.0", 2, 5),
        game("alpha", "2024-02-21", "DEN", 4, "12.0", 3, null)));
  }

  /** The last game shown counts its rest from a game beyond max games. */
  @Test
  public void load_restDaysOfLastGameShown_countThePreviousGameBeyondMaxGames() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-29", "BOS", 20, "31.0"),
            row("alpha", "2024-02-25", "MIA", 15, "28.0"),
            row("alpha", "2024-02-20", "DEN", 4, "12.0")),
        LoadRequest.builder(GAME_DATE).players("alpha").lookbackDays(LOOKBACK_DAYS).maxGames(2).build());

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-29", "BOS", 20, "31.0", 1, 4),
        game("alpha", "2024-02-25", "MIA", 15, "28.0", 2, 5)));
  }

  /** Games on one date follow the documented tie-break and have 0 rest days. */
  @Test
  public void load_sameDateGames_followTheTieBreakAndHaveZeroRestDays() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-25", "MIA", 9, "20.0"),
            row("alpha", "2024-02-28", "NYK", 20, "30.0"),
            row("alpha", "2024-02-28", "BOS", null, "40.0"),
            row("alpha", "2024-02-28", "BOS", 5, "10.0"),
            row("alpha", "2024-02-28", "BOS", 12, null),
            row("alpha", "2024-02-28", "BOS", 12, "31.5")),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-28", "BOS", 12, "31.5", 1, 0),
        game("alpha", "2024-02-28", "BOS", 12, null, 2, 0),
        game("alpha", "2024-02-28", "BOS", 5, "10.0", 3, 0),
        game("alpha", "2024-02-28", "BOS", null, "40.0", 4, 0),
        game("alpha", "2024-02-28", "NYK", 20, "30.0", 5, 3),
        game("alpha", "2024-02-25", "MIA", 9, "20.0", 6, null)));
  }

  /** Two identical rows are two games, as in the table. */
  @Test
  public void load_identicalRows_areSeparateGames() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-27", "BOS", 10, "20.0"),
            row("alpha", "2024-02-27", "BOS", 10, "20.0")),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-27", "BOS", 10, "20.0", 1, 0),
        game("alpha", "2024-02-27", "BOS", 10, "20.0", 2, null)));
  }

  // ---- values -------------------------------------------------------------------------------

  /** Absent values stay absent; zero stays zero. */
  @Test
  public void load_absentPointsAndMinutes_stayAbsentAndZeroStaysZero() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-27", "BOS", null, "25.0"),
            row("alpha", "2024-02-26", "MIA", 7, null),
            row("alpha", "2024-02-25", "DEN", 0, "0.0"),
            row("alpha", "2024-02-24", "LAL", null, null)),
        request("alpha"));

    assertThat(result).isComplete().hasGames("alpha", List.of(
        game("alpha", "2024-02-27", "BOS", null, "25.0", 1, 1),
        game("alpha", "2024-02-26", "MIA", 7, null, 2, 1),
        game("alpha", "2024-02-25", "DEN", 0, "0.0", 3, 1),
        game("alpha", "2024-02-24", "LAL", null, null, 4, null)));
  }

  /** Minutes played come with exactly one decimal. */
  @Test
  public void load_minutes_keepOneDecimal() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-27", "BOS", 30, "34.0"),
            row("alpha", "2024-02-26", "MIA", 31, "12.5")),
        request("alpha"));

    List<HistoricalGame> games = result.games("alpha");
    assertThat(games).extracting(g -> g.minutesPlayed().orElseThrow())
        .containsExactly(new BigDecimal("34.0"), new BigDecimal("12.5"));
    assertThat(games).extracting(g -> g.minutesPlayed().orElseThrow().scale()).containsExactly(1, 1);
  }

  // ---- players ------------------------------------------------------------------------------

  /** Players without a game in the window are loaded with an empty history. */
  @Test
  public void load_playersWithoutGamesInWindow_areLoadedEmpty() {
    LoadResult result = load(List.of(
            row("alpha", "2024-01-05", "BOS", 10, "20.0"),
            row("alpha", "2024-03-02", "BOS", 10, "20.0"),
            row("gamma", "2024-02-27", "MIA", 3, "9.0")),
        request("alpha", "beta", "gamma"));

    assertThat(result).isComplete()
        .hasOutcomesFor("alpha", "beta", "gamma")
        .hasEmptyHistory("alpha")
        .hasEmptyHistory("beta")
        .hasGames("gamma", List.of(game("gamma", "2024-02-27", "MIA", 3, "9.0", 1, null)))
        .hasNoEmptyHistoryStandingInForFailure();
  }

  /** A player requested twice has one outcome. */
  @Test
  public void load_duplicatePlayersInRequest_collapseToOneOutcomeEach() {
    LoadResult result = load(
        List.of(row("alpha", "2024-02-27", "BOS", 10, "20.0"), row("beta", "2024-02-26", "MIA", 5, "15.0")),
        request("beta", "alpha", "beta", "alpha"));

    assertThat(result).isComplete().hasOutcomesFor("beta", "alpha").hasGameCount("alpha", 1).hasGameCount("beta", 1);
  }

  /** Outcomes follow the request's order. */
  @Test
  public void load_outcomes_followRequestOrder() {
    List<String> players = IntStream.range(0, 25).mapToObj(i -> "player" + (char) ('a' + i)).toList();
    List<GameRow> rows = new ArrayList<>();
    for (int i = 0; i < players.size(); i += 2) {
      rows.add(row(players.get(i), "2024-02-2" + (i % 9 + 1), "BOS", i, "20.0"));
    }
    List<String> shuffled = new ArrayList<>(players);
    Collections.shuffle(shuffled, new Random(7));

    LoadResult result = load(rows, request(shuffled.toArray(String[]::new)));

    assertThat(result).isComplete().hasOutcomesFor(shuffled.toArray(String[]::new));
    for (int i = 0; i < players.size(); i++) {
      assertThat(result).hasGameCount(players.get(i), i % 2 == 0 ? 1 : 0);
    }
  }

  /** Players that were not requested never appear, even with similar lookups. */
  @Test
  public void load_unrequestedPlayers_neverAppear() {
    LoadResult result = load(List.of(
            row("alpha", "2024-02-27", "BOS", 10, "20.0"),
            row("alphabet", "2024-02-27", "BOS", 11, "21.0"),
            row("alph", "2024-02-27", "BOS", 12, "22.0"),
            row("beta", "2024-02-26", "MIA", 5, "15.0")),
        request("alpha"));

    assertThat(result).isComplete()
        .hasOutcomesFor("alpha")
        .hasGames("alpha", List.of(game("alpha", "2024-02-27", "BOS", 10, "20.0", 1, null)));
  }

  /** 360 generated players' histories equal a plain reference computation. */
  @Test
  public void load_manyPlayers_matchAReferenceComputation() {
    League league = LeagueGenerator.generate(42, 1);
    LocalDate gameDate = league.pickGameDate(3);
    LoadRequest request = LoadRequest.builder(gameDate)
        .players(ContractReference.manyPlayers(league, gameDate))
        .lookbackDays(LoadRequest.DEFAULT_LOOKBACK_DAYS)
        .maxGames(LoadRequest.DEFAULT_MAX_GAMES)
        .build();
    List<GameRow> rows = ContractReference.rowsAround(league, request);
    Map<String, List<HistoricalGame>> expected = ContractReference.reference(rows, request);

    LoadResult result = load(rows, request);

    assertThat(result).isComplete().hasOutcomesFor(request.players().toArray(String[]::new));
    assertThat(expected.values().stream().filter(games -> !games.isEmpty()).count())
        .as("players with games in the window").isGreaterThan(300);
    assertThat(expected.values().stream().filter(List::isEmpty).count())
        .as("players without games in the window").isGreaterThan(0);
    for (String player : request.players()) {
      assertThat(result).hasGames(player, expected.get(player));
    }
  }

  // ---- many game dates ----------------------------------------------------------------------

  /**
   * A backfill's dates, whose windows overlap, each equal that date's own load: a game on one date
   * is in the next date's window only; rank and rest days count within each date's own window.
   */
  @Test
  public void backfill_overlappingWindows_eachDateEqualsItsOwnLoad() {
    List<GameRow> rows = List.of(
        row("alpha", "2024-02-19", "DEN", 1, "10.0"),
        row("alpha", "2024-02-20", "MIA", 2, "11.0"),
        row("alpha", "2024-02-24", "BOS", 3, "12.0"),
        row("alpha", "2024-03-01", "NYK", 4, "13.0"),
        row("alpha", "2024-03-02", "NYK", 5, "14.0"),
        row("beta", "2024-02-22", "BOS", 6, "15.0"),
        row("beta", "2024-03-03", "MIA", 7, null));
    List<LocalDate> dates = List.of(GAME_DATE, GAME_DATE.plusDays(1), GAME_DATE.plusDays(3), GAME_DATE.plusDays(6));
    List<LoadRequest> requests = dates.stream().map(date -> LoadRequest.builder(date).players("alpha", "beta", "nobody")
        .lookbackDays(LOOKBACK_DAYS).maxGames(3).build()).toList();
    HistoricalGamesLoader loader = createLoader(rows, settings());
    loaders.add(loader);

    List<DateResult> results = backfill(loader, BackfillRequest.of(requests));

    assertThat(results).extracting(DateResult::gameDate).containsExactlyElementsOf(dates);
    for (int i = 0; i < dates.size(); i++) {
      LoadResult byDate = results.get(i).result();
      Map<String, List<HistoricalGame>> expected = ContractReference.reference(rows, requests.get(i));
      assertThat(byDate).isComplete().hasOutcomesFor("alpha", "beta", "nobody");
      for (String player : List.of("alpha", "beta", "nobody")) {
        assertThat(byDate).hasGames(player, expected.get(player));
      }
    }
    // By hand, for the date the windows differ most: 2024-03-02 sees 2024-02-21 to 2024-03-01.
    assertThat(results.get(1).result()).hasGames("alpha", List.of(
        game("alpha", "2024-03-01", "NYK", 4, "13.0", 1, 6),
        game("alpha", "2024-02-24", "BOS", 3, "12.0", 2, null)));
  }

  /** Pairs ask each date for its own players: a player has an outcome only on the dates asked. */
  @Test
  public void backfill_pairs_giveOutcomesOnlyWhereAsked() {
    List<GameRow> rows = List.of(
        row("alpha", "2024-02-25", "DEN", 1, "10.0"),
        row("beta", "2024-02-26", "MIA", 2, "11.0"));
    HistoricalGamesLoader loader = createLoader(rows, settings());
    loaders.add(loader);
    BackfillRequest request = BackfillRequest.builder().lookbackDays(LOOKBACK_DAYS)
        .player(GAME_DATE.plusDays(1), "beta")
        .player(GAME_DATE, "alpha")
        .player(GAME_DATE.plusDays(1), "alpha")
        .build();

    List<DateResult> results = backfill(loader, request);

    assertThat(results).extracting(DateResult::gameDate).containsExactly(GAME_DATE, GAME_DATE.plusDays(1));
    assertThat(results.get(0).result()).isComplete().hasOutcomesFor("alpha");
    assertThat(results.get(1).result()).isComplete().hasOutcomesFor("beta", "alpha");
    assertThat(results.get(1).result()).hasGames("beta", List.of(game("beta", "2024-02-26", "MIA", 2, "11.0", 1, null)));
  }

  /** 8 game dates of generated players, each date's histories equal a plain reference computation. */
  @Test
  public void backfill_manyDates_matchAReferenceComputation() {
    League league = LeagueGenerator.generate(42, 1);
    List<LocalDate> dates = league.gameDates().subList(60, 68);
    List<LoadRequest> requests = dates.stream().map(date -> LoadRequest.builder(date)
        .players(league.slate(date).subList(0, 25)).build()).toList();
    Map<String, GameRow> byKey = new java.util.LinkedHashMap<>();
    List<GameRow> rows = new ArrayList<>();
    for (LoadRequest request : requests) {
      for (GameRow row : ContractReference.rowsAround(league, request)) {
        // Each (player, date, opponent, points, minutes) once: the league has one game a day a player.
        if (byKey.putIfAbsent(row.playerLookup() + "|" + row.gameDate(), row) == null) {
          rows.add(row);
        }
      }
    }
    HistoricalGamesLoader loader = createLoader(rows, settings());
    loaders.add(loader);

    List<DateResult> results = backfill(loader, BackfillRequest.of(requests));

    long games = 0;
    for (int i = 0; i < dates.size(); i++) {
      Map<String, List<HistoricalGame>> expected = ContractReference.reference(rows, requests.get(i));
      LoadResult byDate = results.get(i).result();
      assertThat(byDate).isComplete().hasOutcomesFor(requests.get(i).players().toArray(String[]::new));
      for (String player : requests.get(i).players()) {
        assertThat(byDate).hasGames(player, expected.get(player));
        games += expected.get(player).size();
      }
    }
    assertThat(games).as("games over every date").isGreaterThan(2_000);
  }

  /**
   * With queries that never return, every (date, player) pair fails with DEADLINE at the backfill's
   * deadline (within the grace a loader that does not honour a request's deadline is given).
   */
  @Test
  public void backfill_queriesNeverReturn_everyPairFailsAtTheDeadline() {
    ManualTime time = ManualTime.create();
    LoaderSettings settings = settings().toBuilder()
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(60), Duration.ofSeconds(60)))
        .retry(RetryPolicy.none())
        .build();
    HistoricalGamesLoader loader =
        createHangingLoader(List.of(row("alpha", "2024-02-27", "BOS", 10, "20.0")), settings, time);
    assumeTrue(loader != null, "this implementation offers no loader whose queries never return");
    loaders.add(loader);
    BackfillRequest.Builder request = BackfillRequest.builder().lookbackDays(LOOKBACK_DAYS).deadline(Duration.ofSeconds(7));
    for (int day = 0; day < 40; day++) {
      request.players(GAME_DATE.plusDays(day), List.of("alpha", "beta"));
    }

    List<DateResult> results = backfill(loader, request.build());

    assertThat(results).hasSize(40).allSatisfy(date -> {
      assertThat(date.result()).hasOutcomesFor("alpha", "beta").allFailedWith(FailureKind.DEADLINE);
      assertThat(date.result().loaded()).isEmpty();
    });
    assertThat(time.elapsed()).isBetween(Duration.ofSeconds(7),
        Duration.ofSeconds(7).plusMillis(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS));
  }

  // ---- deadline -----------------------------------------------------------------------------

  /** With queries that never return, every player fails with DEADLINE once the deadline passes. */
  @Test
  public void loadAsync_queriesNeverReturn_everyPlayerFailsAtTheDeadline() {
    ManualTime time = ManualTime.create();
    Duration deadline = Duration.ofSeconds(5);
    LoaderSettings settings = settings().toBuilder()
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(60), deadline))
        .retry(RetryPolicy.none())
        .build();
    List<String> players = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta");
    HistoricalGamesLoader loader =
        createHangingLoader(List.of(row("alpha", "2024-02-27", "BOS", 10, "20.0")), settings, time);
    assumeTrue(loader != null, "this implementation offers no loader whose queries never return");
    loaders.add(loader);

    CompletableFuture<LoadResult> future = loader.loadAsync(request(players.toArray(String[]::new)));
    time.advance(deadline);

    assertThat(future).succeedsWithin(Duration.ofSeconds(30));
    LoadResult result = future.join();
    assertThat(result).hasOutcomesFor(players.toArray(String[]::new)).allFailedWith(FailureKind.DEADLINE);
    assertThat(result.loaded()).isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Loads {@code request} with a loader over {@code rows}; the loader is closed after the test. */
  protected final LoadResult load(List<GameRow> rows, LoadRequest request) {
    HistoricalGamesLoader loader = createLoader(List.copyOf(rows), settings());
    loaders.add(loader);
    LoadResult result = loader.load(request);
    assertThat(result.outcomes().keySet()).as("players with an outcome").containsExactlyElementsOf(request.players());
    for (Map.Entry<String, List<HistoricalGame>> entry : result.loaded().entrySet()) {
      assertThat(entry.getValue()).as("games of " + entry.getKey())
          .allSatisfy(game -> assertThat(game.playerLookup()).isEqualTo(entry.getKey()));
    }
    return result;
  }

  /** Reads every date of {@code request}'s backfill on {@code loader}, closing it. */
  protected static List<DateResult> backfill(HistoricalGamesLoader loader, BackfillRequest request) {
    List<DateResult> results = new ArrayList<>();
    try (Backfill backfill = loader.backfill(request)) {
      backfill.forEachRemaining(results::add);
    }
    assertThat(results).extracting(DateResult::gameDate)
        .containsExactlyElementsOf(request.dates().stream().map(LoadRequest::gameDate).toList());
    for (int i = 0; i < results.size(); i++) {
      assertThat(results.get(i).result().outcomes().keySet()).as("players with an outcome on " + results.get(i).gameDate())
          .containsExactlyElementsOf(request.dates().get(i).players());
    }
    return results;
  }

  /** A request on {@link #GAME_DATE} with a {@link #LOOKBACK_DAYS} window and 30 games. */
  protected static LoadRequest request(String... players) {
    return LoadRequest.builder(GAME_DATE).players(players).lookbackDays(LOOKBACK_DAYS).maxGames(30).build();
  }

  /** A row without team and game id. */
  protected static GameRow row(String player, String date, String opponent, @Nullable Integer points,
      @Nullable String minutes) {
    return GameRow.of(player, date, opponent, points, minutes);
  }

  /** An expected game; {@code null} for an absent value. */
  protected static HistoricalGame game(String player, String date, String opponent, @Nullable Integer points,
      @Nullable String minutes, int rank, @Nullable Integer restDays) {
    return new HistoricalGame(player, LocalDate.parse(date), opponent,
        points == null ? OptionalInt.empty() : OptionalInt.of(points),
        Optional.ofNullable(minutes).map(BigDecimal::new),
        rank,
        restDays == null ? OptionalInt.empty() : OptionalInt.of(restDays));
  }
}
