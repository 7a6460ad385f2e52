package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How a generated {@link Scenario} reaches the engine in the manual-time property, and what comes
 * back to check: each result must meet the contract for the scenario's request on its own.
 */
interface Route {

  /** A batching window that gathers every call of a scenario, submitted at once, into one load. */
  Duration WINDOW = Duration.ofMillis(1);

  /** The route's name, for the tally. */
  String name();

  /**
   * Whether a run is the same every time: false when the test's own thread races the loader's work
   * (it starts a second load while the first may be running).
   */
  default boolean deterministic() {
    return true;
  }

  /**
   * The scenario as this route runs it (the client cannot pass a request's own deadline: its load
   * runs under the loader's, less the window).
   */
  default Scenario adapt(Scenario scenario) {
    return scenario;
  }

  /**
   * Runs {@code scenario}'s request through {@code engine} on {@code time}, driving the clock, and
   * returns the results to check; may check more on its own (throwing an {@link AssertionError}).
   * The engine is closed afterwards, by the caller.
   */
  List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) throws Exception;

  /**
   * The scenario each result of {@link #run} is checked against, in order; one scenario checks every
   * result. The scenario itself by default.
   */
  default List<Scenario> checkedAs(Scenario scenario) {
    return List.of(scenario);
  }

  /**
   * The scenario's players on three game dates (its own, a day and four days later) in one backfill,
   * driven to its end; each date's result is checked as that date's load. The backfill's deadline is
   * the scenario's times three, so that a scenario whose one load has a generous deadline has a
   * generous backfill too (three dates' pairs make at most three times its queries).
   */
  Route BACKFILL = new Route() {
    @Override
    public String name() {
      return "backfill";
    }

    @Override
    public Scenario adapt(Scenario scenario) {
      return scenario.withTimeouts(scenario.timeouts(), Optional.empty());
    }

    @Override
    public List<Scenario> checkedAs(Scenario scenario) {
      return DAYS.stream().map(days -> scenario.withGameDate(scenario.gameDate().plusDays(days))).toList();
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      BackfillRequest.Builder request = BackfillRequest.builder()
          .deadline(scenario.deadline().multipliedBy(DAYS.size()));
      for (Scenario date : checkedAs(scenario)) {
        request.add(date.request());
      }
      List<LoadResult> results = new ArrayList<>();
      try (Backfill backfill = engine.backfill(request.build())) {
        backfill.forEachRemaining(date -> results.add(date.result()));
      }
      return results;
    }
  };

  /** The backfill route's dates, in days after the scenario's. */
  List<Integer> DAYS = List.of(0, 1, 4);

  /** One load of the engine, driven to its end. */
  Route ENGINE = new Route() {
    @Override
    public String name() {
      return "engine";
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      return List.of(time.runUntilDone(engine.loadAsync(scenario.request())).join());
    }
  };

  /** One {@link PlayerHistoryClient} call per requested player (duplicates too), gathered into one load. */
  Route CLIENT = new Route() {
    @Override
    public String name() {
      return "client";
    }

    @Override
    public Scenario adapt(Scenario scenario) {
      return forClient(scenario);
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      try (PlayerHistoryClient client = PlayerHistoryClient.of(engine, new BatchingPolicy(WINDOW, 10_000), time)) {
        return List.of(throughClient(client, scenario, time));
      }
    }
  };

  /**
   * The scenario a client runs: no request deadline of its own (the loader's applies), and the loader's
   * deadline one window longer, so that the load it sends has the scenario's deadline.
   */
  static Scenario forClient(Scenario scenario) {
    return scenario.withTimeouts(scenario.timeouts().withDeadline(scenario.deadline().plus(WINDOW)), Optional.empty());
  }

  /** Calls {@code client} once per requested player, drives the clock until all are answered, and gathers the outcomes. */
  static LoadResult throughClient(PlayerHistoryClient client, Scenario scenario, ManualTime time) {
    Map<String, List<CompletableFuture<PlayerOutcome>>> calls = new LinkedHashMap<>();
    for (String player : scenario.players()) {
      calls.computeIfAbsent(player, p -> new ArrayList<>())
          .add(client.loadAsync(player, scenario.gameDate(), scenario.lookbackDays(), scenario.maxGames()));
    }
    time.runUntilDone(CompletableFuture.allOf(
        calls.values().stream().flatMap(List::stream).toArray(CompletableFuture[]::new)));
    List<PlayerOutcome> outcomes = new ArrayList<>();
    calls.forEach((player, futures) -> {
      PlayerOutcome first = futures.get(0).join();
      for (CompletableFuture<PlayerOutcome> other : futures) {
        if (other.join() != first) {
          throw new AssertionError("two calls for '" + player + "' got different outcomes: " + first + " and "
              + other.join());
        }
      }
      outcomes.add(first);
    });
    return LoadResult.of(outcomes, new LoadReport("client", "client", "in-memory", time.instant(), scenario.deadline(),
        Duration.ZERO, List.of(), List.of()));
  }
}
