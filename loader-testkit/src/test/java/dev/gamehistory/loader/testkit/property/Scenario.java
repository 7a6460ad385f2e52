package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One generated load: the players as requested (unknown players and duplicates included), the window,
 * the strategy, the fault rules with their seed, and the retry and timeout policies. Immutable; its
 * {@link #toString()} is complete enough to rebuild it by hand.
 *
 * @param players the players in request order, duplicates included
 * @param gameDate the request's game date
 * @param lookbackDays the request's window length
 * @param maxGames the request's games per player
 * @param strategy the loader's strategy
 * @param rules the fault rules, in order
 * @param faultSeed the fault plan's seed
 * @param retry the loader's retry policy
 * @param timeouts the loader's timeout policy
 * @param requestDeadline the request's own deadline, when it has one
 */
record Scenario(
    List<String> players,
    LocalDate gameDate,
    int lookbackDays,
    int maxGames,
    Strategy strategy,
    List<FaultPlan.Rule> rules,
    long faultSeed,
    RetryPolicy retry,
    TimeoutPolicy timeouts,
    Optional<Duration> requestDeadline) {

  /** Copies the lists. */
  Scenario {
    players = List.copyOf(players);
    rules = List.copyOf(rules);
  }

  /** The request the load runs. */
  LoadRequest request() {
    return LoadRequest.builder(gameDate).players(players).lookbackDays(lookbackDays).maxGames(maxGames)
        .deadline(requestDeadline.orElse(null)).build();
  }

  /** The loader's settings. */
  LoaderSettings settings() {
    return LoaderSettings.builder().strategy(strategy).timeouts(timeouts).retry(retry).build();
  }

  /** The faults the backend injects. */
  FaultPlan faults() {
    FaultPlan.Builder builder = FaultPlan.builder().seed(faultSeed);
    rules.forEach(rule -> builder.on(rule.selector(), rule.fault()));
    return builder.build();
  }

  /** The distinct players in first-seen order: what the result must hold outcomes for. */
  List<String> distinctPlayers() {
    return List.copyOf(new LinkedHashSet<>(players));
  }

  /** The load's deadline: the request's own, else the policy's. */
  Duration deadline() {
    return requestDeadline.orElse(timeouts.deadline());
  }

  Scenario withPlayers(List<String> value) {
    return new Scenario(value, gameDate, lookbackDays, maxGames, strategy, rules, faultSeed, retry, timeouts,
        requestDeadline);
  }

  Scenario withGameDate(LocalDate value) {
    return new Scenario(players, value, lookbackDays, maxGames, strategy, rules, faultSeed, retry, timeouts,
        requestDeadline);
  }

  Scenario withWindow(int lookback, int games) {
    return new Scenario(players, gameDate, lookback, games, strategy, rules, faultSeed, retry, timeouts,
        requestDeadline);
  }

  Scenario withStrategy(Strategy value) {
    return new Scenario(players, gameDate, lookbackDays, maxGames, value, rules, faultSeed, retry, timeouts,
        requestDeadline);
  }

  Scenario withRules(List<FaultPlan.Rule> value) {
    return new Scenario(players, gameDate, lookbackDays, maxGames, strategy, value, faultSeed, retry, timeouts,
        requestDeadline);
  }

  Scenario withRetry(RetryPolicy value) {
    return new Scenario(players, gameDate, lookbackDays, maxGames, strategy, rules, faultSeed, value, timeouts,
        requestDeadline);
  }

  Scenario withTimeouts(TimeoutPolicy value, Optional<Duration> deadline) {
    return new Scenario(players, gameDate, lookbackDays, maxGames, strategy, rules, faultSeed, retry, value,
        deadline);
  }

  @Override
  public String toString() {
    return "Scenario{strategy=" + strategy.describe()
        + ", gameDate=" + gameDate + ", lookbackDays=" + lookbackDays + ", maxGames=" + maxGames
        + ", timeouts=" + timeouts + ", requestDeadline=" + requestDeadline.map(Duration::toString).orElse("none")
        + ", retry=" + retry
        + ", faultSeed=" + faultSeed + ", rules=" + rules
        + ", players(" + players.size() + ")=" + players.stream().collect(Collectors.joining(",", "[", "]")) + "}";
  }
}
