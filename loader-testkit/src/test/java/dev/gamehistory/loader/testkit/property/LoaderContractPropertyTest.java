package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The semantics contract under any strategy, request, faults, retries and time limits, on
 * {@link ManualTime}: 1,000 generated {@link Scenario}s per run (see {@link Scenarios} for the
 * ranges), each loaded by a fresh loader over a fresh in-memory backend holding the league plus
 * same-date games for the tie-break ({@link Scenarios#ROWS}), and checked against
 * {@link ContractModel}, an independent model of the contract, and {@link FaultAnalysis}, what the
 * injected faults can cause:
 *
 * <ul>
 *   <li>exactly one outcome per distinct requested player, in request order, nothing else;
 *   <li>every loaded history equal to the model's (window, order and tie-break, ranks, rest days);
 *   <li>every failure of a kind the player's faults can cause (no fault: every player loaded; a
 *       {@code BACKEND} failure only with an injected reason and its retryability; no
 *       {@code DEADLINE} under a generous deadline; never {@code CANCELLED}), and every player
 *       failed when every query fails;
 *   <li>never more backend calls in flight than the largest parallelism of the strategy's stages
 *       (the parallelism itself for a single stage);
 *   <li>after {@code close()}: no timer left on the manual clock and no thread the loader started.
 * </ul>
 *
 * <p>{@link ManualTimeDriver} moves the clock only when every engine thread waits for it, and lets
 * backend calls through one at a time in a fixed order, so a sample runs the same way each time (the
 * engine's backoff jitter is its own unseeded randomness; the checks allow for any of its values).
 *
 * <p><b>Replaying a failure.</b> The failure message gives the run's seed and the failing sample's
 * seed, the sample and the sample shrunk. Replay the whole run with
 * {@code mvn -B -ntp -o test -pl loader-testkit -Dtest=LoaderContractPropertyTest -Dhgl.property.seed=SEED},
 * or only the sample with {@code -Dhgl.property.sample=SAMPLE_SEED} (add
 * {@code -Dhgl.property.shrink=false} to skip shrinking, {@code -Dhgl.property.tries=N} for a longer
 * run). To keep a sample as a regression test, check
 * {@code Scenarios.scenario(new SplittableRandom(SAMPLE_SEED))}, as {@link PropertyRunner} documents.
 */
class LoaderContractPropertyTest {

  private static final int TRIES = 1000;
  private static final Duration SAFETY = Duration.ofSeconds(10);
  private static final ContractModel MODEL = new ContractModel(Scenarios.ROWS);

  private final Tally tally = new Tally();

  @Test
  void load_anyStrategyAndFaults_meetsTheContract() {
    long started = System.nanoTime();
    int tries = PropertyRunner.of("load_anyStrategyAndFaults_meetsTheContract", TRIES, Scenarios::scenario,
        Scenarios::shrink, this::check).run();
    System.out.printf("load_anyStrategyAndFaults_meetsTheContract: %d tries in %.1f s; %s%n", tries,
        (System.nanoTime() - started) / 1e9, tally);
  }

  /** Loads the scenario on manual time and checks the result and the loader's clean-up. */
  void check(Scenario scenario) {
    FaultAnalysis analysis = new FaultAnalysis(scenario);
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery memory = InMemoryGamesQuery.builder().rows(Scenarios.ROWS).faults(scenario.faults())
        .timeSource(time).build();
    Set<Thread> baseline = LoaderThreads.live();
    ManualTimeDriver driver = new ManualTimeDriver(time, baseline);
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().settings(scenario.settings())
        .backend(driver.backend(memory)).timeSource(driver.timeSource()).build();
    LoadResult result;
    try {
      LoaderThreads.retireIdleWorkersAtOnce(loader);
      result = driver.drive(loader.loadAsync(scenario.request()));
    } finally {
      driver.openAll();
      loader.close();
    }
    List<String> alive = LoaderThreads.awaitEnded(baseline, SAFETY);
    if (!alive.isEmpty()) {
      throw new AssertionError("threads of the closed loader still alive: " + alive);
    }
    if (time.pendingTasks() != 0) {
      throw new AssertionError(time.pendingTasks() + " task(s) left on the manual clock after close()");
    }
    checkOutcomes(scenario, analysis, result);
    int parallelism = FaultAnalysis.largestParallelism(scenario.strategy());
    if (driver.maxInFlight() > parallelism) {
      throw new AssertionError(driver.maxInFlight() + " backend calls were in flight at once, more than the"
          + " parallelism " + parallelism + " of " + scenario.strategy().describe());
    }
    tally.add(scenario, analysis, result, driver);
  }

  private static void checkOutcomes(Scenario scenario, FaultAnalysis analysis, LoadResult result) {
    ContractChecks.oneOutcomePerPlayer(scenario, result);
    for (PlayerOutcome outcome : result.outcomes().values()) {
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        if (analysis.everyQueryFails()) {
          throw new AssertionError("'" + outcome.player() + "' LOADED although a hang or error applies to every query");
        }
        ContractChecks.historyAsModel(MODEL, scenario, outcome.player(), loaded.games());
      } else {
        ContractChecks.causedByFaults(scenario, analysis, outcome.player(), (PlayerOutcome.Failed) outcome);
      }
    }
  }

  /** What the run covered, printed at its end. */
  static final class Tally {
    private int loads;
    private int generous;
    private int allLoaded;
    private int everyQueryFails;
    private long players;
    private long calls;
    private long steps;
    private long cancels;
    private final Map<String, Integer> strategies = new TreeMap<>();
    private final Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);

    synchronized void add(Scenario scenario, FaultAnalysis analysis, LoadResult result, ManualTimeDriver driver) {
      loads++;
      generous += analysis.isGenerous() ? 1 : 0;
      allLoaded += result.isComplete() ? 1 : 0;
      everyQueryFails += analysis.everyQueryFails() ? 1 : 0;
      players += result.outcomes().size();
      calls += driver.calls();
      steps += driver.steps();
      cancels += driver.cancels();
      strategies.merge(scenario.strategy().name(), 1, Integer::sum);
      result.failures().values().forEach(failure -> failures.merge(failure.kind(), 1, Integer::sum));
    }

    @Override
    public synchronized String toString() {
      return loads + " loads checked (shrinking included): " + strategies + ", " + generous + " with a generous deadline, "
          + allLoaded + " complete, " + everyQueryFails + " where every query fails; " + players + " players, "
          + calls + " backend calls (" + cancels + " cancelled), " + steps + " clock steps; failed players by kind "
          + failures;
    }
  }
}
