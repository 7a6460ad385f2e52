package dev.gamehistory.loader.testkit.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The property suite's own oracle against the contract's text, on rows written by hand. */
class PropertyModelTest {

  private static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 10);

  @Test
  void history_gamesOnOneDate_followTheDocumentedTieBreak() {
    ContractModel model = new ContractModel(List.of(
        GameRow.of("p", "2024-03-09", "BOS", null, "30.0"),
        GameRow.of("p", "2024-03-09", "BOS", 10, null),
        GameRow.of("p", "2024-03-09", "BOS", 10, "31.0"),
        GameRow.of("p", "2024-03-09", "\uD835\uDC00BC", 1, "1.0"),
        GameRow.of("p", "2024-03-09", "\uFF21BC", 1, "1.0"),
        GameRow.of("p", "2024-03-09", "ATL", 2, "2.0")));

    List<HistoricalGame> games = model.history("p", GAME_DATE, 10, 10);

    // opponent ASC by code point (U+FF21 before U+1D400, unlike UTF-16), points DESC NULLS LAST, minutes DESC NULLS LAST
    assertThat(games).extracting(HistoricalGame::opponentTeamAbbr)
        .containsExactly("ATL", "BOS", "BOS", "BOS", "\uFF21BC", "\uD835\uDC00BC");
    assertThat(games.subList(1, 4)).extracting(game -> game.points().isPresent() ? game.points().getAsInt() : -1)
        .containsExactly(10, 10, -1);
    assertThat(games.get(1).minutesPlayed()).hasValueSatisfying(m -> assertThat(m).isEqualByComparingTo("31.0"));
    assertThat(games.get(2).minutesPlayed()).isEmpty();
    assertThat(games).extracting(HistoricalGame::rank).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(games).extracting(HistoricalGame::restDays)
        .containsExactly(OptionalInt.of(0), OptionalInt.of(0), OptionalInt.of(0), OptionalInt.of(0), OptionalInt.of(0),
            OptionalInt.empty());
  }

  @Test
  void history_restDays_reachBeyondMaxGamesButNotBeyondTheWindow() {
    ContractModel model = new ContractModel(List.of(
        GameRow.of("p", "2024-03-09", "BOS", 1, "1.0"),
        GameRow.of("p", "2024-03-06", "BOS", 1, "1.0"),
        GameRow.of("p", "2024-03-01", "BOS", 1, "1.0"),
        GameRow.of("p", "2024-02-01", "BOS", 1, "1.0")));

    assertThat(model.history("p", GAME_DATE, 10, 2)).extracting(HistoricalGame::restDays)
        .containsExactly(OptionalInt.of(3), OptionalInt.of(5));
    assertThat(model.history("p", GAME_DATE, 10, 5)).extracting(HistoricalGame::restDays)
        .containsExactly(OptionalInt.of(3), OptionalInt.of(5), OptionalInt.empty());
  }

  @Test
  void history_window_includesItsFirstDayAndExcludesTheGameDate() {
    ContractModel model = new ContractModel(List.of(
        GameRow.of("p", "2024-03-10", "BOS", 1, "1.0"),
        GameRow.of("p", "2024-03-01", "ATL", 1, "1.0"),
        GameRow.of("p", "2024-02-29", "BOS", 1, "1.0")));

    assertThat(model.history("p", GAME_DATE, 9, 30)).extracting(HistoricalGame::gameDate)
        .containsExactly(LocalDate.of(2024, 3, 1));
    assertThat(model.history("unknown", GAME_DATE, 9, 30)).isEmpty();
  }

  @Test
  void backendReasons_containingAnotherPlayer_onlyWhenAStageCanQueryThemTogether() {
    List<FaultPlan.Rule> rules = List.of(new FaultPlan.Rule(QuerySelector.containingPlayer("b"), Fault.permanentError()));

    assertThat(new FaultAnalysis(scenario(Strategy.perPlayer(4), rules)).backendReasons("a")).isEmpty();
    assertThat(new FaultAnalysis(scenario(Strategy.perPlayer(4), rules)).backendReasons("b")).containsEntry("invalidQuery", false);
    assertThat(new FaultAnalysis(scenario(Strategy.fallback(Strategy.perPlayer(2), Strategy.batch()), rules))
        .backendReasons("a")).containsEntry("invalidQuery", false);
  }

  @Test
  void analysis_errorOnEveryQuery_hidesLaterRulesAndFailsEveryone() {
    List<FaultPlan.Rule> rules = List.of(
        new FaultPlan.Rule(QuerySelector.everyNth(1, 1), Fault.transientError()),
        new FaultPlan.Rule(QuerySelector.nth(2), Fault.hang()),
        new FaultPlan.Rule(QuerySelector.every(), Fault.latency(Duration.ofMillis(5))));
    FaultAnalysis analysis = new FaultAnalysis(scenario(Strategy.batch(), rules));

    assertThat(analysis.everyQueryFails()).isTrue();
    assertThat(analysis.backendReasons("a")).containsOnlyKeys("backendError");
    assertThat(analysis.mayTimeOut("a")).isFalse();
    assertThat(analysis.timeMayPass()).isTrue();
  }

  @Test
  void isGenerous_hangOrDeadlineWithinTheLongestLoad_isNot() {
    List<FaultPlan.Rule> slow = List.of(new FaultPlan.Rule(QuerySelector.every(), Fault.latency(Duration.ofMillis(10))));
    Scenario batch = scenario(Strategy.batch(), slow);

    assertThat(FaultAnalysis.longestLoad(batch)).isEqualTo(Duration.ofMillis(10 * 3));
    assertThat(new FaultAnalysis(batch).isGenerous()).isTrue();
    assertThat(new FaultAnalysis(batch.withTimeouts(TimeoutPolicy.fixed(Duration.ofSeconds(1), Duration.ofMillis(30)),
        Optional.empty())).isGenerous()).isFalse();
    assertThat(new FaultAnalysis(batch.withRules(List.of(new FaultPlan.Rule(QuerySelector.nth(9), Fault.hang()))))
        .isGenerous()).isFalse();
  }

  private static Scenario scenario(Strategy strategy, List<FaultPlan.Rule> rules) {
    return new Scenario(List.of("a", "b"), GAME_DATE, 30, 10, strategy, rules, 1L,
        new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0.0), TimeoutPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(30)),
        Optional.empty());
  }
}
