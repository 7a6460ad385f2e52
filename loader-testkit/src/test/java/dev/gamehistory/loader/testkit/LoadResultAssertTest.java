package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.QueryTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LoadResultAssertTest {

  private static final HistoricalGame GAME = new HistoricalGame("alpha", LocalDate.of(2024, 2, 28), "BOS",
      OptionalInt.of(20), Optional.empty(), 1, OptionalInt.empty());
  private static final QueryTimeoutException TIMEOUT = QueryTimeoutException.of(Duration.ofMillis(200), 3);

  @Test
  void passingAssertions_chain() {
    LoadResult result = result(
        List.of(new PlayerOutcome.Loaded("alpha", List.of(GAME)), new PlayerOutcome.Loaded("beta", List.of())),
        List.of(attempt(1, List.of("alpha", "beta"), 1, QueryAttempt.Outcome.SUCCEEDED, null)));

    assertThat(result).isComplete()
        .hasOutcomesFor("alpha", "beta")
        .hasLoaded("alpha", "beta")
        .hasGames("alpha", List.of(GAME))
        .hasGameCount("alpha", 1)
        .hasEmptyHistory("beta")
        .hasNoEmptyHistoryStandingInForFailure()
        .hasRetries(0)
        .hasQueryCount(1);
  }

  @Test
  void isComplete_withAFailure_listsTheFailedPlayers() {
    LoadResult result = result(List.of(new PlayerOutcome.Failed("alpha", TIMEOUT)), List.of());

    assertThatThrownBy(() -> assertThat(result).isComplete())
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected every player to be loaded but 1 failed: alpha (TIMEOUT: query for 3 players did not "
            + "finish within its timeout of 200 ms; cancelled)");
  }

  @Test
  void hasFailed_checksTheKind() {
    LoadResult result = result(List.of(new PlayerOutcome.Failed("alpha", TIMEOUT),
        new PlayerOutcome.Loaded("beta", List.of())), List.of());

    assertThat(result).hasFailed("alpha", FailureKind.TIMEOUT);
    assertThatThrownBy(() -> assertThat(result).hasFailed("alpha", FailureKind.DEADLINE))
        .hasMessage("expected player 'alpha' to have failed with DEADLINE but it failed with TIMEOUT: "
            + TIMEOUT.getMessage());
    assertThatThrownBy(() -> assertThat(result).hasFailed("beta", FailureKind.TIMEOUT))
        .hasMessage("expected player 'beta' to have failed with TIMEOUT but it was loaded with 0 games");
    assertThatThrownBy(() -> assertThat(result).allFailedWith(FailureKind.TIMEOUT))
        .hasMessage("expected player 'beta' to have failed with TIMEOUT but it was loaded with 0 games");
  }

  @Test
  void hasLoaded_failedPlayer_showsTheCause() {
    LoadResult result = result(List.of(new PlayerOutcome.Failed("alpha", backendError())), List.of());

    assertThatThrownBy(() -> assertThat(result).hasLoaded("alpha"))
        .hasMessage("expected player 'alpha' to be loaded but it failed with BACKEND: boom");
  }

  @Test
  void unknownPlayer_failsListingTheKnownOnes() {
    LoadResult result = result(List.of(new PlayerOutcome.Loaded("alpha", List.of())), List.of());

    assertThatThrownBy(() -> assertThat(result).hasEmptyHistory("zeta"))
        .hasMessage("expected an outcome for player 'zeta' but the result only has [alpha]");
    assertThatThrownBy(() -> assertThat(result).hasOutcomesFor("alpha", "zeta"))
        .hasMessage("expected outcomes for [alpha, zeta] (in this order) but got them for [alpha]");
  }

  @Test
  void hasGames_differentGames_showsBoth() {
    LoadResult result = result(List.of(new PlayerOutcome.Loaded("alpha", List.of())), List.of());

    assertThatThrownBy(() -> assertThat(result).hasGames("alpha", List.of(GAME)))
        .hasMessage("expected player 'alpha' to have games%n  [%s]%nbut had%n  []".formatted(GAME));
  }

  @Test
  void hasNoEmptyHistoryStandingInForFailure_emptyHistoryWithoutASuccessfulQuery_fails() {
    LoadResult result = result(
        List.of(new PlayerOutcome.Loaded("alpha", List.of()), new PlayerOutcome.Loaded("beta", List.of())),
        List.of(attempt(1, List.of("alpha", "beta"), 1, QueryAttempt.Outcome.FAILED, backendError()),
            attempt(2, List.of("alpha"), 2, QueryAttempt.Outcome.SUCCEEDED, null)));

    assertThatThrownBy(() -> assertThat(result).hasNoEmptyHistoryStandingInForFailure())
        .hasMessage("expected every empty history to come from a successful query but no successful query asked for [beta]");
  }

  @Test
  void reportCounts_mismatch_showTheSummary() {
    LoadResult result = result(List.of(new PlayerOutcome.Loaded("alpha", List.of(GAME))),
        List.of(attempt(1, List.of("alpha"), 1, QueryAttempt.Outcome.FAILED, backendError()),
            attempt(2, List.of("alpha"), 2, QueryAttempt.Outcome.SUCCEEDED, null)));

    assertThat(result).hasRetries(1).hasQueryCount(2);
    assertThatThrownBy(() -> assertThat(result).hasRetries(0))
        .hasMessage("expected 0 retries but the report shows 1: batch: 2 queries, 0 rows, 1 retry, 0 splits, "
            + "0 fallbacks, 5 ms");
    assertThatThrownBy(() -> assertThat(result).hasQueryCount(1))
        .hasMessage("expected 1 query but the report shows 2: batch: 2 queries, 0 rows, 1 retry, 0 splits, "
            + "0 fallbacks, 5 ms");
  }

  private static BackendException backendError() {
    return BackendException.transientError("backendError", "boom", null);
  }

  private static QueryAttempt attempt(int id, List<String> players, int attempt, QueryAttempt.Outcome outcome,
      LoaderException failure) {
    return new QueryAttempt(id, "batch", players, attempt, Duration.ZERO, Duration.ofMillis(1), outcome, 0, false,
        Optional.ofNullable(failure), Optional.empty());
  }

  private static LoadResult result(List<PlayerOutcome> outcomes, List<QueryAttempt> attempts) {
    LoadReport report = new LoadReport("batch", "batch", "in-memory", Instant.EPOCH, Duration.ofSeconds(30),
        Duration.ofMillis(5), attempts, List.of());
    return LoadResult.of(outcomes, report);
  }
}
