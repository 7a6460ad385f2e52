package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Concurrent loads on one loader in real time, for {@link DeadlineRacePropertyTest}: 8..32 loads with
 * their own deadlines of 300..800 ms over a backend where some queries hang, some are slow and some
 * fail; some loads cancelled by their caller at a random moment, and the loader perhaps closed while
 * they run, with one more load started as it closes.
 *
 * @param strategy the loader's strategy
 * @param timeouts the loader's timeout policy (each load has its own deadline)
 * @param retry the loader's retry policy
 * @param rules the fault rules, in order; at least one hang
 * @param faultSeed the fault plan's seed
 * @param loads the loads, started one after another at once
 * @param closeAtMillis when the loader is closed, after the first load started; absent: at the end
 * @param loadWhileClosing whether one more load is started as the loader closes
 */
record RaceScenario(
    Strategy strategy,
    TimeoutPolicy timeouts,
    RetryPolicy retry,
    List<FaultPlan.Rule> rules,
    long faultSeed,
    List<Load> loads,
    OptionalInt closeAtMillis,
    boolean loadWhileClosing) {

  /**
   * One load.
   *
   * @param players as requested, duplicates included
   * @param gameDate the game date
   * @param lookbackDays the window length
   * @param maxGames games per player
   * @param deadlineMillis the load's own deadline
   * @param cancelAtMillis when its caller cancels it, after it started; absent: never
   */
  record Load(List<String> players, LocalDate gameDate, int lookbackDays, int maxGames, int deadlineMillis,
      OptionalInt cancelAtMillis) {
    Load {
      players = List.copyOf(players);
    }

    LoadRequest request() {
      return LoadRequest.builder(gameDate).players(players).lookbackDays(lookbackDays).maxGames(maxGames)
          .deadline(Duration.ofMillis(deadlineMillis)).build();
    }

    @Override
    public String toString() {
      return "Load{" + players.size() + " players " + players + ", gameDate=" + gameDate + ", lookbackDays="
          + lookbackDays + ", maxGames=" + maxGames + ", deadline=" + deadlineMillis + " ms"
          + (cancelAtMillis.isPresent() ? ", cancelled at " + cancelAtMillis.getAsInt() + " ms" : "") + "}";
    }
  }

  RaceScenario {
    rules = List.copyOf(rules);
    loads = List.copyOf(loads);
  }

  LoaderSettings settings() {
    return LoaderSettings.builder().strategy(strategy).timeouts(timeouts).retry(retry).build();
  }

  FaultPlan faults() {
    FaultPlan.Builder builder = FaultPlan.builder().seed(faultSeed);
    rules.forEach(rule -> builder.on(rule.selector(), rule.fault()));
    return builder.build();
  }

  /**
   * This race with every load in the first load's window (game date, lookback days, max games), so
   * that loads through a cache overlap and share queries.
   */
  RaceScenario sharedWindow() {
    Load first = loads.get(0);
    List<Load> shared = loads.stream().map(load -> new Load(load.players(), first.gameDate(), first.lookbackDays(),
        first.maxGames(), load.deadlineMillis(), load.cancelAtMillis())).toList();
    return new RaceScenario(strategy, timeouts, retry, rules, faultSeed, shared, closeAtMillis, loadWhileClosing);
  }

  /** The load as a {@link Scenario}, for {@link FaultAnalysis} and the model. */
  Scenario asScenario(Load load) {
    return new Scenario(load.players(), load.gameDate(), load.lookbackDays(), load.maxGames(), strategy, rules,
        faultSeed, retry, timeouts, Optional.of(Duration.ofMillis(load.deadlineMillis())));
  }

  /** A race drawn from {@code random}. */
  static RaceScenario race(SplittableRandom random) {
    Strategy strategy = random.nextInt(100) < 25 ? Scenarios.fallback(random) : Scenarios.stage(random);
    Duration query = Scenarios.millis(random, 20, 1500);
    TimeoutPolicy timeouts = random.nextBoolean() ? TimeoutPolicy.fixed(query, Duration.ofSeconds(30))
        : TimeoutPolicy.scaled(query, Duration.ofNanos(1_000 + random.nextInt(20_000_000)), Duration.ZERO,
            Duration.ofSeconds(30));
    Duration backoff = Scenarios.millis(random, 0, 200);
    RetryPolicy retry = new RetryPolicy(1 + random.nextInt(4), backoff, backoff.plus(Scenarios.millis(random, 0, 200)),
        random.nextDouble());
    List<FaultPlan.Rule> rules = new ArrayList<>();
    rules.add(new FaultPlan.Rule(random.nextBoolean() ? QuerySelector.share(0.1 + 0.5 * random.nextDouble())
        : QuerySelector.everyNth(1 + random.nextInt(4), 1 + random.nextInt(4)), Fault.hang()));
    if (random.nextBoolean()) {
      rules.add(new FaultPlan.Rule(QuerySelector.every(), Fault.latency(Duration.ZERO, Scenarios.millis(random, 1, 150))));
    }
    if (random.nextBoolean()) {
      rules.add(new FaultPlan.Rule(QuerySelector.share(0.3 * random.nextDouble()),
          random.nextBoolean() ? Fault.transientError() : Fault.permanentError()));
    }
    if (random.nextBoolean()) {
      rules.add(0, new FaultPlan.Rule(QuerySelector.share(0.2), Fault.latency(Scenarios.millis(random, 0, 400))));
    }
    int count = 8 + random.nextInt(25);
    List<Load> loads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      loads.add(new Load(Scenarios.players(random, 1 + random.nextInt(40)), Scenarios.gameDate(random),
          1 + random.nextInt(400), 1 + random.nextInt(60), 300 + random.nextInt(501),
          random.nextInt(100) < 25 ? OptionalInt.of(random.nextInt(900)) : OptionalInt.empty()));
    }
    boolean close = random.nextInt(100) < 30;
    return new RaceScenario(strategy, timeouts, retry, rules, random.nextLong(), loads,
        close ? OptionalInt.of(100 + random.nextInt(800)) : OptionalInt.empty(), close && random.nextBoolean());
  }

  /** Smaller races: fewer loads, no close, no cancel, fewer players, fewer faults. */
  static Stream<RaceScenario> shrink(RaceScenario race) {
    List<RaceScenario> candidates = new ArrayList<>();
    List<Load> loads = race.loads();
    if (loads.size() > 1) {
      candidates.add(race.withLoads(loads.subList(0, loads.size() / 2)));
      candidates.add(race.withLoads(loads.subList(loads.size() / 2, loads.size())));
      for (int i = 0; i < loads.size(); i++) {
        List<Load> fewer = new ArrayList<>(loads);
        fewer.remove(i);
        candidates.add(race.withLoads(fewer));
      }
    }
    if (race.closeAtMillis().isPresent()) {
      candidates.add(new RaceScenario(race.strategy(), race.timeouts(), race.retry(), race.rules(), race.faultSeed(),
          loads, OptionalInt.empty(), false));
    }
    for (int i = 0; i < loads.size(); i++) {
      Load load = loads.get(i);
      List<Load> changed = new ArrayList<>(loads);
      if (load.cancelAtMillis().isPresent()) {
        changed.set(i, new Load(load.players(), load.gameDate(), load.lookbackDays(), load.maxGames(),
            load.deadlineMillis(), OptionalInt.empty()));
        candidates.add(race.withLoads(changed));
      } else if (load.players().size() > 1) {
        changed.set(i, new Load(load.players().subList(0, load.players().size() / 2), load.gameDate(),
            load.lookbackDays(), load.maxGames(), load.deadlineMillis(), OptionalInt.empty()));
        candidates.add(race.withLoads(changed));
      }
    }
    for (int i = 0; i < race.rules().size(); i++) {
      List<FaultPlan.Rule> fewer = new ArrayList<>(race.rules());
      fewer.remove(i);
      candidates.add(new RaceScenario(race.strategy(), race.timeouts(), race.retry(), fewer, race.faultSeed(), loads,
          race.closeAtMillis(), race.loadWhileClosing()));
    }
    return candidates.stream();
  }

  private RaceScenario withLoads(List<Load> value) {
    return new RaceScenario(strategy, timeouts, retry, rules, faultSeed, value, closeAtMillis, loadWhileClosing);
  }

  @Override
  public String toString() {
    return "RaceScenario{strategy=" + strategy.describe() + ", timeouts=" + timeouts + ", retry=" + retry
        + ", faultSeed=" + faultSeed + ", rules=" + rules
        + ", close=" + (closeAtMillis.isPresent() ? "at " + closeAtMillis.getAsInt() + " ms" : "at the end")
        + (loadWhileClosing ? " with one more load started as it closes" : "")
        + ", loads(" + loads.size() + ")=" + loads + "}";
  }
}
