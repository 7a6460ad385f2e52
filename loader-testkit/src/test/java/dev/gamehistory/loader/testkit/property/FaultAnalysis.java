package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the injected faults of a {@link Scenario} can do to each player on manual time, from the
 * contract and the fault plan's documented rules (the first matching hang or error decides a query's
 * outcome, matching latencies add up), never from the engine's code:
 *
 * <ul>
 *   <li>{@code BACKEND} only with the reason (and retryability) of an error rule that can select a
 *       query holding the player;
 *   <li>{@code TIMEOUT} only when a hang, or latencies adding up to at least the base per-query
 *       timeout, can select such a query (no per-query timeout is shorter than the base);
 *   <li>{@code DEADLINE} only when some hang or latency can make manual time pass at all (backoffs
 *       never end past the deadline), and never under a generous deadline: no hang and a deadline
 *       beyond {@link #longestLoad}, the longest the load could take;
 *   <li>never {@code CANCELLED}: nothing cancels the load;
 *   <li>every player {@code FAILED} when a hang or error applies to every query.
 * </ul>
 *
 * A selector "can select a query holding the player" unless it never selects anything (a share of 0,
 * a containing-player selector for an unrequested player) or it asks for another player that no
 * stage of the strategy can put in one query with this one.
 */
final class FaultAnalysis {

  private final Scenario scenario;
  private final Set<String> requested;
  private final boolean multiPlayerQueries;

  FaultAnalysis(Scenario scenario) {
    this.scenario = scenario;
    this.requested = new HashSet<>(scenario.players());
    this.multiPlayerQueries = stages(scenario.strategy()).stream().anyMatch(FaultAnalysis::groupsPlayers);
  }

  /** The reasons the player may fail with as {@code BACKEND}, each with whether it is retryable. */
  Map<String, Boolean> backendReasons(String player) {
    Map<String, Boolean> reasons = new LinkedHashMap<>();
    for (FaultPlan.Rule rule : decidingRules()) {
      if (canSelect(rule.selector(), player)) {
        if (rule.fault() instanceof Fault.TransientError error) {
          reasons.put(error.reason(), true);
        } else if (rule.fault() instanceof Fault.PermanentError error) {
          reasons.put(error.reason(), false);
        }
      }
    }
    return reasons;
  }

  /** Whether a query holding the player can outlast its per-query timeout. */
  boolean mayTimeOut(String player) {
    Duration latency = Duration.ZERO;
    for (FaultPlan.Rule rule : scenario.rules()) {
      if (!canSelect(rule.selector(), player)) {
        continue;
      }
      if (rule.fault() instanceof Fault.Hang && decidingRules().contains(rule)) {
        return true;
      }
      latency = latency.plus(longest(rule.fault()));
    }
    return latency.compareTo(scenario.timeouts().queryTimeout()) >= 0;
  }

  /** Whether the load's deadline may pass before every player is decided. */
  boolean mayMissDeadline() {
    return timeMayPass() && !isGenerous();
  }

  /** No hang and a deadline beyond the longest the load could take. */
  boolean isGenerous() {
    boolean hangs = decidingRules().stream()
        .anyMatch(rule -> rule.fault() instanceof Fault.Hang && canSelectAny(rule.selector()));
    return !hangs && longestLoad(scenario).compareTo(scenario.deadline()) < 0;
  }

  /** Whether a hang or an error selects every query, so that no query can return games. */
  boolean everyQueryFails() {
    return scenario.rules().stream().anyMatch(rule -> !rule.fault().isLatency() && selectsEvery(rule.selector()));
  }

  /** Whether any fault can delay a query, so that manual time can move at all. */
  boolean timeMayPass() {
    for (FaultPlan.Rule rule : scenario.rules()) {
      if (!canSelectAny(rule.selector())) {
        continue;
      }
      if ((rule.fault() instanceof Fault.Hang && decidingRules().contains(rule)) || longest(rule.fault()).compareTo(Duration.ZERO) > 0) {
        return true;
      }
    }
    return false;
  }

  /** The most backend calls the strategy can make, at most one stage after another. */
  int mostQueries() {
    int players = scenario.distinctPlayers().size();
    int attempts = scenario.retry().maxAttempts();
    long total = 0;
    for (Strategy stage : stages(scenario.strategy())) {
      if (stage instanceof Strategy.Chunked chunked) {
        total += (long) ceilDiv(players, chunked.chunkSize()) * attempts;
      } else if (stage instanceof Strategy.PerPlayer) {
        total += (long) players * attempts;
      } else if (stage instanceof Strategy.Adaptive) {
        // Each query of several players is tried once, then split; single players are retried.
        total += (long) players * (attempts + 1);
      } else {
        total += attempts;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, total);
  }

  /**
   * An upper bound of the manual time a load without hangs takes: every backend call one after
   * another, each as long as all latency rules together, each followed by the longest backoff.
   */
  static Duration longestLoad(Scenario scenario) {
    FaultAnalysis analysis = new FaultAnalysis(scenario);
    Duration latency = Duration.ZERO;
    for (FaultPlan.Rule rule : scenario.rules()) {
      if (analysis.canSelectAny(rule.selector())) {
        latency = latency.plus(longest(rule.fault()));
      }
    }
    return latency.plus(scenario.retry().maxBackoff()).multipliedBy(analysis.mostQueries());
  }

  /** The largest parallelism of any stage: the most backend calls ever in flight at once. */
  static int largestParallelism(Strategy strategy) {
    return stages(strategy).stream().mapToInt(FaultAnalysis::parallelism).max().orElse(1);
  }

  static int parallelism(Strategy stage) {
    if (stage instanceof Strategy.Chunked chunked) {
      return chunked.parallelism();
    } else if (stage instanceof Strategy.PerPlayer perPlayer) {
      return perPlayer.parallelism();
    } else if (stage instanceof Strategy.Adaptive adaptive) {
      return adaptive.parallelism();
    }
    return 1;
  }

  static List<Strategy> stages(Strategy strategy) {
    return strategy instanceof Strategy.Fallback fallback ? fallback.stages() : List.of(strategy);
  }

  /** Rules whose hang or error can decide some query: those not behind an earlier rule that selects every query. */
  private List<FaultPlan.Rule> decidingRules() {
    List<FaultPlan.Rule> rules = scenario.rules();
    for (int i = 0; i < rules.size(); i++) {
      if (!rules.get(i).fault().isLatency() && selectsEvery(rules.get(i).selector())) {
        return rules.subList(0, i + 1);
      }
    }
    return rules;
  }

  private boolean canSelect(QuerySelector selector, String player) {
    if (selector instanceof QuerySelector.ContainingPlayer containing) {
      return containing.player().equals(player) || (multiPlayerQueries && requested.contains(containing.player()));
    }
    return canSelectAny(selector);
  }

  private boolean canSelectAny(QuerySelector selector) {
    if (selector instanceof QuerySelector.Share share) {
      return share.share() > 0.0;
    }
    if (selector instanceof QuerySelector.ContainingPlayer containing) {
      return requested.contains(containing.player());
    }
    return true;
  }

  private static boolean selectsEvery(QuerySelector selector) {
    return selector instanceof QuerySelector.Every
        || (selector instanceof QuerySelector.Share share && share.share() >= 1.0)
        || (selector instanceof QuerySelector.EveryNth nth && nth.k() == 1 && nth.offset() == 1);
  }

  private static boolean groupsPlayers(Strategy stage) {
    if (stage instanceof Strategy.Chunked chunked) {
      return chunked.chunkSize() > 1;
    } else if (stage instanceof Strategy.Adaptive adaptive) {
      return adaptive.initialChunkSize() != 1;
    }
    return !(stage instanceof Strategy.PerPlayer);
  }

  private static Duration longest(Fault fault) {
    if (fault instanceof Fault.Latency fixed) {
      return fixed.fixed();
    } else if (fault instanceof Fault.LatencyDistribution range) {
      return range.max();
    }
    return Duration.ZERO;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
