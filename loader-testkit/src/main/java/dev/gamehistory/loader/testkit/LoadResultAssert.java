package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link LoadResult}; start with {@link HglAssertions#assertThat(LoadResult)}. */
public final class LoadResultAssert extends AbstractAssert<LoadResultAssert, LoadResult> {

  /** Assertions on {@code actual}. */
  public LoadResultAssert(LoadResult actual) {
    super(actual, LoadResultAssert.class);
  }

  /** Every requested player was loaded. */
  public LoadResultAssert isComplete() {
    isNotNull();
    if (!actual.isComplete()) {
      failWithMessage("expected every player to be loaded but %d failed: %s", actual.failures().size(),
          describe(actual.failures()));
    }
    return this;
  }

  /** The result has exactly these players' outcomes, in this order. */
  public LoadResultAssert hasOutcomesFor(String... players) {
    isNotNull();
    List<String> actualPlayers = List.copyOf(actual.outcomes().keySet());
    if (!actualPlayers.equals(List.of(players))) {
      failWithMessage("expected outcomes for %s (in this order) but got them for %s", List.of(players), actualPlayers);
    }
    return this;
  }

  /** Each of these players was loaded (with games or without). */
  public LoadResultAssert hasLoaded(String... players) {
    isNotNull();
    for (String player : players) {
      PlayerOutcome outcome = outcomeOf(player);
      if (outcome instanceof PlayerOutcome.Failed failed) {
        failWithMessage("expected player '%s' to be loaded but it failed with %s: %s", player, failed.kind(),
            failed.cause().getMessage());
      }
    }
    return this;
  }

  /** The player was loaded with exactly these games. */
  public LoadResultAssert hasGames(String player, List<HistoricalGame> games) {
    hasLoaded(player);
    List<HistoricalGame> actualGames = ((PlayerOutcome.Loaded) outcomeOf(player)).games();
    if (!actualGames.equals(games)) {
      failWithMessage("expected player '%s' to have games%n  %s%nbut had%n  %s", player, games, actualGames);
    }
    return this;
  }

  /** The player was loaded with {@code count} games. */
  public LoadResultAssert hasGameCount(String player, int count) {
    hasLoaded(player);
    int actualCount = ((PlayerOutcome.Loaded) outcomeOf(player)).games().size();
    if (actualCount != count) {
      failWithMessage("expected player '%s' to have %s but had %d", player, plural(count, "game", "games"), actualCount);
    }
    return this;
  }

  /** The player was loaded and truly has no game in the window. */
  public LoadResultAssert hasEmptyHistory(String player) {
    return hasGameCount(player, 0);
  }

  /** The player failed, with a cause of the given kind. */
  public LoadResultAssert hasFailed(String player, FailureKind kind) {
    isNotNull();
    PlayerOutcome outcome = outcomeOf(player);
    if (!(outcome instanceof PlayerOutcome.Failed failed)) {
      failWithMessage("expected player '%s' to have failed with %s but it was loaded with %s", player, kind,
          plural(((PlayerOutcome.Loaded) outcome).games().size(), "game", "games"));
      return this;
    }
    if (failed.kind() != kind) {
      failWithMessage("expected player '%s' to have failed with %s but it failed with %s: %s", player, kind,
          failed.kind(), failed.cause().getMessage());
    }
    return this;
  }

  /** There is at least one player, and every player failed with the given kind. */
  public LoadResultAssert allFailedWith(FailureKind kind) {
    isNotNull();
    if (actual.outcomes().isEmpty()) {
      failWithMessage("expected every player to have failed with %s but the result has no player", kind);
    }
    for (String player : actual.outcomes().keySet()) {
      hasFailed(player, kind);
    }
    return this;
  }

  /**
   * No player is shown an empty history in place of a failure: every player loaded without games
   * was asked for by a query that succeeded, according to the report.
   */
  public LoadResultAssert hasNoEmptyHistoryStandingInForFailure() {
    isNotNull();
    Set<String> answered = new HashSet<>();
    for (QueryAttempt attempt : actual.report().attempts()) {
      if (attempt.outcome() == QueryAttempt.Outcome.SUCCEEDED) {
        answered.addAll(attempt.players());
      }
    }
    List<String> unfounded = actual.loaded().entrySet().stream()
        .filter(entry -> entry.getValue().isEmpty() && !answered.contains(entry.getKey()))
        .map(Map.Entry::getKey)
        .toList();
    if (!unfounded.isEmpty()) {
      failWithMessage("expected every empty history to come from a successful query but no successful query asked for %s",
          unfounded);
    }
    return this;
  }

  /** The report counts exactly {@code retries} retries. */
  public LoadResultAssert hasRetries(int retries) {
    isNotNull();
    if (actual.report().retries() != retries) {
      failWithMessage("expected %s but the report shows %d: %s", plural(retries, "retry", "retries"), actual.report().retries(),
          actual.report().summary());
    }
    return this;
  }

  /** The report counts exactly {@code queries} query attempts. */
  public LoadResultAssert hasQueryCount(int queries) {
    isNotNull();
    if (actual.report().queryCount() != queries) {
      failWithMessage("expected %s but the report shows %d: %s", plural(queries, "query", "queries"), actual.report().queryCount(),
          actual.report().summary());
    }
    return this;
  }

  private PlayerOutcome outcomeOf(String player) {
    Objects.requireNonNull(player, "player");
    PlayerOutcome outcome = actual.outcomes().get(player);
    if (outcome == null) {
      failWithMessage("expected an outcome for player '%s' but the result only has %s", player,
          actual.outcomes().keySet());
    }
    return Objects.requireNonNull(outcome);
  }

  /** {@code 1 game}, {@code 2 games}. */
  private static String plural(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static String describe(Map<String, LoaderException> failures) {
    return failures.entrySet().stream()
        .limit(10)
        .map(e -> e.getKey() + " (" + e.getValue().kind() + ": " + e.getValue().getMessage() + ")")
        .collect(Collectors.joining(", ")) + (failures.size() > 10 ? ", ..." : "");
  }
}
