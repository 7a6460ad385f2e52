package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Faults as data: an ordered list of rules, each a {@link QuerySelector} and a {@link Fault}.
 *
 * <p>For a query, every matching rule is considered in order: the delays of all matching
 * {@linkplain Fault#isLatency() latency} rules add up, and the <em>first</em> matching
 * {@link Fault.Hang}, {@link Fault.TransientError}, {@link Fault.PermanentError} or {@link Fault.TooLarge} decides the
 * outcome (later ones are ignored). The delay comes first, then the outcome: a slow error.
 *
 * <p>Random choices ({@link QuerySelector.Share}, {@link Fault.LatencyDistribution}) are drawn from
 * the plan's seed, the rule's position and the query's number, so the same plan gives the same
 * faults to the same query numbers whatever the threads' timing. Immutable and thread-safe.
 */
public final class FaultPlan {

  private static final FaultPlan NONE = new FaultPlan(0L, List.of());

  private final long seed;
  private final List<Rule> rules;

  private FaultPlan(long seed, List<Rule> rules) {
    this.seed = seed;
    this.rules = List.copyOf(rules);
  }

  /** No faults: every query answers at once from the data. */
  public static FaultPlan none() {
    return NONE;
  }

  /** A plan applying {@code fault} to every query. */
  public static FaultPlan always(Fault fault) {
    return builder().on(QuerySelector.every(), fault).build();
  }

  /** A builder with seed 0 and no rules. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed of random choices. */
  public long seed() {
    return seed;
  }

  /** The rules, in order. */
  public List<Rule> rules() {
    return rules;
  }

  /**
   * What happens to the query with the given number (1-based).
   *
   * @throws IllegalArgumentException when {@code number} is less than 1
   */
  public Decision decide(int number, WindowQuery query) {
    return decide(number, DatesQuery.of(Map.of(query.gameDate(), query.players()), query.lookbackDays(), query.maxGames()));
  }

  /**
   * What happens to the query with the given number (1-based), a query of one or more dates; a
   * fault applies to the query as a whole.
   *
   * @throws IllegalArgumentException when {@code number} is less than 1
   */
  public Decision decide(int number, DatesQuery query) {
    if (number < 1) {
      throw new IllegalArgumentException("query numbers start at 1 but got " + number);
    }
    Duration latency = Duration.ZERO;
    @Nullable Fault outcome = null;
    List<Fault> applied = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      SplittableRandom random = new SplittableRandom(mix(seed, i, number));
      if (!rule.selector().matches(number, query, random.nextDouble())) {
        continue;
      }
      Fault fault = rule.fault();
      if (fault instanceof Fault.Latency fixed) {
        latency = latency.plus(fixed.fixed());
        applied.add(fault);
      } else if (fault instanceof Fault.LatencyDistribution range) {
        latency = latency.plus(range.at(random.nextDouble()));
        applied.add(fault);
      } else if (outcome == null) {
        outcome = fault;
        applied.add(fault);
      }
    }
    return new Decision(latency, Optional.ofNullable(outcome), applied);
  }

  @Override
  public String toString() {
    return "FaultPlan{seed=" + seed + ", rules=" + rules + "}";
  }

  private static long mix(long seed, int rule, int number) {
    long z = seed * 0x9E3779B97F4A7C15L + rule * 0xBF58476D1CE4E5B9L + number * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * One rule.
   *
   * @param selector which queries
   * @param fault what happens to them
   */
  public record Rule(QuerySelector selector, Fault fault) {
    /** Checks that no field is null. */
    public Rule {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(fault, "fault");
    }
  }

  /**
   * What a plan decided for one query.
   *
   * @param latency the total delay before the outcome
   * @param outcome the hang or error, absent when the query answers from the data
   * @param applied every fault that applied, in rule order
   */
  public record Decision(Duration latency, Optional<Fault> outcome, List<Fault> applied) {
    /** Copies the faults and checks that no field is null. */
    public Decision {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(outcome, "outcome");
      applied = List.copyOf(applied);
    }
  }

  /** Builds a {@link FaultPlan}. */
  public static final class Builder {
    private long seed;
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /** The seed of random choices; default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Adds a rule after the ones already added. */
    public Builder on(QuerySelector selector, Fault fault) {
      rules.add(new Rule(selector, fault));
      return this;
    }

    /** Adds a rule for every query. */
    public Builder always(Fault fault) {
      return on(QuerySelector.every(), fault);
    }

    /** The plan. */
    public FaultPlan build() {
      return new FaultPlan(seed, rules);
    }
  }
}
