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
 * <p>{@link ManualTime} runs the loader's work one task at a time in a fixed order and moves the
 * clock only when the loader is idle ({@link ManualTime#runUntilDone}), so a sample runs the same way
 * every time: every tenth sample is run twice and must give the same result, manual time and
 * queries. The same scenarios also run through a {@link dev.gamehistory.loader.PlayerHistoryClient}
 * (one call per requested player, gathered into one load), as a backfill of three game dates whose
 * every date is checked as its own load, and, in {@code loader-cache}, through a caching loader.
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
  private static final int CLIENT_TRIES = 300;
  private static final int BACKFILL_TRIES = 300;
  private static final Duration SAFETY = Duration.ofSeconds(10);
  static final ContractModel MODEL = new ContractModel(Scenarios.ROWS);

  private final Tally tally = new Tally();

  @Test
  void load_anyStrategyAndFaults_meetsTheContract() {
    run("load_anyStrategyAndFaults_meetsTheContract", TRIES, Route.ENGINE, tally);
  }

  @Test
  void backfill_anyStrategyAndFaults_eachDateMeetsTheContract() {
    run("backfill_anyStrategyAndFaults_eachDateMeetsTheContract", BACKFILL_TRIES, Route.BACKFILL, tally);
  }

  @Test
  void playerHistoryClient_anyStrategyAndFaults_meetsTheContract() {
    run("playerHistoryClient_anyStrategyAndFaults_meetsTheContract", CLIENT_TRIES, Route.CLIENT, tally);
  }

  /** Runs the property of {@code route} for {@code tries} samples and prints what it covered. */
  static void run(String name, int tries, Route route, Tally tally) {
    long started = System.nanoTime();
    int ran = PropertyRunner.of(name, tries, Scenarios::scenario, Scenarios::shrink,
        scenario -> check(scenario, route, tally)).run();
    System.out.printf("%s: %d tries in %.1f s; %s%n", name, ran, (System.nanoTime() - started) / 1e9, tally);
  }

  /** Loads the scenario through {@code route} on manual time and checks the results and the loader's clean-up. */
  static void check(Scenario generated, Route route, Tally tally) throws Exception {
    Scenario scenario = route.adapt(generated);
    Run first = Run.of(scenario, route);
    if (route.deterministic() && (scenario.hashCode() & 0x7fffffff) % 10 == 0) {
      Run again = Run.of(scenario, route);
      if (!again.sameAs(first)) {
        throw new AssertionError("the same scenario ran differently on manual time: " + first.difference(again));
      }
    }
    FaultAnalysis analysis = new FaultAnalysis(scenario);
    List<Scenario> checked = route.checkedAs(scenario);
    if (checked.size() == 1) {
      // A route of loads of one request (a cold then a warm load through a cache, say): each result as that request's.
      checked = java.util.Collections.nCopies(first.results.size(), scenario);
    }
    if (checked.size() != first.results.size()) {
      throw new AssertionError(first.results.size() + " results for " + checked.size() + " dates");
    }
    for (int i = 0; i < checked.size(); i++) {
      checkOutcomes(checked.get(i), analysis, first.results.get(i));
    }
    int parallelism = FaultAnalysis.largestParallelism(scenario.strategy());
    if (first.maxInFlight > parallelism) {
      throw new AssertionError(first.maxInFlight + " backend calls were in flight at once, more than the"
          + " parallelism " + parallelism + " of " + scenario.strategy().describe());
    }
    tally.add(route, scenario, analysis, first);
  }

  /** One run of a scenario: its results, the queries it made and the manual time it took. */
  record Run(List<LoadResult> results, List<String> queries, Duration elapsed, int maxInFlight, int cancelled) {

    static Run of(Scenario scenario, Route route) throws Exception {
      ManualTime time = ManualTime.create();
      InMemoryGamesQuery memory = InMemoryGamesQuery.builder().rows(Scenarios.ROWS).faults(scenario.faults())
          .timeSource(time).build();
      Set<Thread> baseline = LoaderThreads.live();
      HistoricalGamesLoader engine = HistoricalGamesLoader.builder().settings(scenario.settings()).backend(memory)
          .timeSource(time).build();
      List<LoadResult> results;
      try {
        results = route.run(engine, scenario, time);
      } finally {
        engine.close();
      }
      List<String> alive = LoaderThreads.awaitEnded(baseline, SAFETY);
      if (!alive.isEmpty()) {
        throw new AssertionError("threads of the closed loader still alive: " + alive);
      }
      if (time.pendingTasks() != 0) {
        throw new AssertionError(time.pendingTasks() + " task(s) left on the manual clock after close()");
      }
      List<String> queries = memory.history().stream()
          .map(call -> call.dates().slates() + "#" + call.attempt() + "@" + call.startedAt() + ":" + call.outcome()).toList();
      return new Run(results, queries, time.elapsed(), memory.maxInFlight(), memory.cancelledCount());
    }

    /** The same outcomes, queries and manual time. */
    boolean sameAs(Run other) {
      return queries.equals(other.queries) && elapsed.equals(other.elapsed) && outcomes().equals(other.outcomes());
    }

    /** Each result's outcomes, a failure by its kind and message (exceptions have no equality of their own). */
    List<List<String>> outcomes() {
      return results.stream().map(result -> result.outcomes().values().stream().map(outcome ->
          outcome instanceof PlayerOutcome.Failed failed
              ? failed.player() + " FAILED " + failed.kind() + ": " + failed.cause().getMessage()
              : outcome.toString()).toList()).toList();
    }

    /** The first difference from {@code other}, briefly. */
    String difference(Run other) {
      for (int i = 0; i < Math.min(queries.size(), other.queries.size()); i++) {
        if (!queries.get(i).equals(other.queries.get(i))) {
          return "query " + (i + 1) + " of " + queries.size() + "/" + other.queries.size() + ": " + brief(queries.get(i))
              + " then " + brief(other.queries.get(i));
        }
      }
      List<List<String>> mine = outcomes();
      List<List<String>> theirs = other.outcomes();
      for (int r = 0; r < Math.min(mine.size(), theirs.size()); r++) {
        for (int i = 0; i < Math.min(mine.get(r).size(), theirs.get(r).size()); i++) {
          if (!mine.get(r).get(i).equals(theirs.get(r).get(i))) {
            return "outcome " + (i + 1) + ": " + brief(mine.get(r).get(i)) + " then " + brief(theirs.get(r).get(i));
          }
        }
      }
      return "queries " + queries.size() + "/" + other.queries.size() + ", elapsed " + elapsed + "/" + other.elapsed;
    }

    private static String brief(String query) {
      return query.length() > 160 ? query.substring(0, 60) + " ... " + query.substring(query.length() - 90) : query;
    }

    @Override
    public String toString() {
      return "elapsed " + elapsed + ", " + queries.size() + " queries " + queries + ", outcomes "
          + results.stream().map(r -> r.outcomes().values().stream().map(o -> o.player() + "=" + (o.isLoaded()
              ? "LOADED" : ((PlayerOutcome.Failed) o).kind())).toList()).toList();
    }
  }

  static void checkOutcomes(Scenario scenario, FaultAnalysis analysis, LoadResult result) {
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

  /** What the runs covered, printed at their end. */
  static final class Tally {
    private int loads;
    private int generous;
    private int allLoaded;
    private int everyQueryFails;
    private long players;
    private long calls;
    private long cancels;
    private Duration manualTime = Duration.ZERO;
    private final Map<String, Integer> routes = new TreeMap<>();
    private final Map<String, Integer> strategies = new TreeMap<>();
    private final Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);

    synchronized void add(Route route, Scenario scenario, FaultAnalysis analysis, Run run) {
      loads++;
      generous += analysis.isGenerous() ? 1 : 0;
      everyQueryFails += analysis.everyQueryFails() ? 1 : 0;
      routes.merge(route.name(), 1, Integer::sum);
      calls += run.queries().size();
      cancels += run.cancelled();
      manualTime = manualTime.plus(run.elapsed());
      strategies.merge(scenario.strategy().name(), 1, Integer::sum);
      for (LoadResult result : run.results()) {
        allLoaded += result.isComplete() ? 1 : 0;
        players += result.outcomes().size();
        result.failures().values().forEach(failure -> failures.merge(failure.kind(), 1, Integer::sum));
      }
    }

    @Override
    public synchronized String toString() {
      return loads + " scenarios checked (shrinking included) by route " + routes + ": " + strategies + ", " + generous
          + " with a generous deadline, " + allLoaded + " complete results, " + everyQueryFails
          + " where every query fails; " + players + " players, " + calls + " backend calls (" + cancels
          + " cancelled), " + manualTime.toSeconds() + " s of manual time; failed players by kind " + failures;
    }
  }
}
