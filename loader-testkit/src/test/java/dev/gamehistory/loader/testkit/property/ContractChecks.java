package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerLoadFailedException;
import dev.gamehistory.loader.PlayerOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The checks of a load's result both properties make; each throws an {@link AssertionError} naming the player. */
final class ContractChecks {

  private ContractChecks() {}

  /**
   * Exactly one outcome per distinct requested player, in request order, for that player, and
   * {@code games(player)} agreeing with it: the list when loaded, {@link PlayerLoadFailedException}
   * when failed (a failure is never an empty history).
   */
  static void oneOutcomePerPlayer(Scenario scenario, LoadResult result) {
    List<String> requested = scenario.distinctPlayers();
    if (!new ArrayList<>(result.outcomes().keySet()).equals(requested)) {
      throw new AssertionError("outcomes for " + result.outcomes().keySet() + " but the request was for " + requested);
    }
    for (String player : requested) {
      PlayerOutcome outcome = result.outcomes().get(player);
      if (!outcome.player().equals(player)) {
        throw new AssertionError("the outcome under '" + player + "' is for '" + outcome.player() + "'");
      }
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        if (!result.games(player).equals(loaded.games())) {
          throw new AssertionError("games('" + player + "') differ from its outcome");
        }
        continue;
      }
      try {
        result.games(player);
        throw new AssertionError("games('" + player + "') returned for a failed player");
      } catch (PlayerLoadFailedException expected) {
        // As documented.
      }
    }
  }

  /** The loaded history equal to the model's, minutes compared by value. */
  static void historyAsModel(ContractModel model, Scenario scenario, String player, List<HistoricalGame> games) {
    List<HistoricalGame> expected = ContractModel.byValue(
        model.history(player, scenario.gameDate(), scenario.lookbackDays(), scenario.maxGames()));
    List<HistoricalGame> actual = ContractModel.byValue(games);
    if (actual.equals(expected)) {
      return;
    }
    int at = 0;
    while (at < Math.min(actual.size(), expected.size()) && actual.get(at).equals(expected.get(at))) {
      at++;
    }
    throw new AssertionError("history of '" + player + "' differs from the model at game " + (at + 1) + ": got "
        + (at < actual.size() ? actual.get(at) : "no game") + ", expected "
        + (at < expected.size() ? expected.get(at) : "no game") + " (" + actual.size() + " games, expected "
        + expected.size() + ")");
  }

  /** A {@code BACKEND} failure with a reason, and retryability, that one of the player's faults injects. */
  static void injectedBackendError(FaultAnalysis analysis, String player, PlayerOutcome.Failed failed) {
    BackendException error = (BackendException) failed.cause();
    Map<String, Boolean> reasons = analysis.backendReasons(player);
    Boolean retryable = reasons.get(error.reason());
    if (retryable == null || retryable != error.isRetryable()) {
      throw new AssertionError(describe(player, failed) + " with reason " + error.reason()
          + (error.isRetryable() ? " (retryable)" : "") + ", but its faults can only cause " + reasons
          + " (reason=retryable)");
    }
  }

  /** On manual time: a failure of a kind the player's faults can cause, and never {@code CANCELLED}. */
  static void causedByFaults(Scenario scenario, FaultAnalysis analysis, String player, PlayerOutcome.Failed failed) {
    FailureKind kind = failed.kind();
    if (kind == FailureKind.BACKEND) {
      injectedBackendError(analysis, player, failed);
    } else if (kind == FailureKind.TIMEOUT && !analysis.mayTimeOut(player)) {
      throw new AssertionError(describe(player, failed) + ", but no hang and no latency of at least the query timeout "
          + scenario.timeouts().queryTimeout() + " can reach its queries");
    } else if (kind == FailureKind.DEADLINE && !analysis.mayMissDeadline()) {
      throw new AssertionError(describe(player, failed) + ", but " + (analysis.timeMayPass()
          ? "the deadline " + scenario.deadline() + " is beyond the longest the load can take, "
              + FaultAnalysis.longestLoad(scenario)
          : "no fault can make time pass"));
    } else if (kind == FailureKind.CANCELLED) {
      throw new AssertionError(describe(player, failed) + ", but nothing cancels this load");
    }
  }

  static String describe(String player, PlayerOutcome.Failed failed) {
    return "'" + player + "' FAILED " + failed.kind() + " (" + failed.cause().getMessage() + ")";
  }
}
