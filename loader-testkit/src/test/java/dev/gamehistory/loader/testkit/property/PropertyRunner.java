package dev.gamehistory.loader.testkit.property;

import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a property: draws samples from a seeded generator, checks each, and on the first failure
 * shrinks the sample greedily and fails with the seeds that reproduce it.
 *
 * <p>Try {@code i} of a run with seed {@code s} draws its sample from {@code new
 * SplittableRandom(sampleSeed(s, i))}, so a sample depends only on its own seed. A failure reads:
 *
 * <pre>
 * load_anyStrategyAndFaults_meetsTheContract failed on try 17 of 1000
 *   run seed    -3954... (replay the run:        -Dhgl.property.seed=-3954...)
 *   sample seed 81234... (replay only the sample: -Dhgl.property.sample=81234...)
 *   sample:  Scenario{...}
 *   failure: ...
 *   shrunk in 12 steps (40 checks) to: Scenario{...}
 *   failure: ...
 * </pre>
 *
 * <p>System properties (Maven passes {@code -D} options of its command line to the tests):
 *
 * <ul>
 *   <li>{@code hgl.property.seed}: the run's seed (default: random, printed at the start);
 *   <li>{@code hgl.property.sample}: check only the sample of this seed, then shrink it;
 *   <li>{@code hgl.property.tries}: the number of tries instead of the property's own;
 *   <li>{@code hgl.property.shrink}: {@code false} to report the first failing sample unshrunk.
 * </ul>
 *
 * A failing sample can also be pinned as a regression test: call the property's check on
 * {@code generator.apply(new SplittableRandom(sampleSeed))}.
 *
 * @param <T> the sample type
 */
final class PropertyRunner<T> {

  static final String SEED = "hgl.property.seed";
  static final String SAMPLE = "hgl.property.sample";
  static final String TRIES = "hgl.property.tries";
  static final String SHRINK = "hgl.property.shrink";

  /** The most checks and the most real time shrinking may spend. */
  private static final int SHRINK_CHECKS = 400;
  private static final Duration SHRINK_TIME = Duration.ofSeconds(90);

  /** A check of one sample: returns normally when the property holds, throws when it does not. */
  @FunctionalInterface
  interface Check<T> {
    void check(T sample) throws Exception;
  }

  private final String name;
  private final int tries;
  private final Function<SplittableRandom, T> generator;
  private final Function<T, Stream<T>> shrinker;
  private final Check<T> check;

  private PropertyRunner(String name, int tries, Function<SplittableRandom, T> generator,
      Function<T, Stream<T>> shrinker, Check<T> check) {
    this.name = name;
    this.tries = tries;
    this.generator = generator;
    this.shrinker = shrinker;
    this.check = check;
  }

  /** A property of {@code tries} tries (overridable with {@code hgl.property.tries}). */
  static <T> PropertyRunner<T> of(String name, int tries, Function<SplittableRandom, T> generator,
      Function<T, Stream<T>> shrinker, Check<T> check) {
    return new PropertyRunner<>(name, tries, generator, shrinker, check);
  }

  /** The seed of try {@code i} of the run with seed {@code runSeed}. */
  static long sampleSeed(long runSeed, int i) {
    long z = runSeed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Runs every try, with the seeds, tries and shrinking the system properties give.
   *
   * @return how many samples were checked
   * @throws AssertionError on the first failure, with the seeds, the sample and the shrunk sample
   */
  int run() {
    String seed = System.getProperty(SEED);
    String sample = System.getProperty(SAMPLE);
    String count = System.getProperty(TRIES);
    return run(seed == null || seed.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed.trim()),
        sample == null || sample.isBlank() ? null : Long.valueOf(sample.trim()),
        count == null || count.isBlank() ? tries : Integer.parseInt(count.trim()),
        !"false".equalsIgnoreCase(System.getProperty(SHRINK)));
  }

  /**
   * Runs {@code count} tries of the run with seed {@code runSeed}, or only the sample of seed
   * {@code sampleSeed} when it is given.
   *
   * @return how many samples were checked
   * @throws AssertionError on the first failure, with the seeds, the sample and (when {@code shrink}) the shrunk sample
   */
  int run(long runSeed, Long sampleSeed, int count, boolean shrink) {
    if (sampleSeed != null) {
      System.out.printf("%s: checking only the sample of seed %d%n", name, sampleSeed);
      checkOne(0, 1, null, sampleSeed, shrink);
      return 1;
    }
    System.out.printf("%s: %d tries, seed %d (replay the run with -D%s=%d)%n", name, count, runSeed, SEED, runSeed);
    for (int i = 0; i < count; i++) {
      checkOne(i, count, runSeed, sampleSeed(runSeed, i), shrink);
    }
    return count;
  }

  private void checkOne(int i, int count, Long runSeed, long seed, boolean shrink) {
    T sample = generator.apply(new SplittableRandom(seed));
    Throwable failure = failureOf(sample);
    if (failure == null) {
      return;
    }
    StringBuilder report = new StringBuilder(name).append(" failed on try ").append(i + 1).append(" of ").append(count);
    if (runSeed != null) {
      report.append("\n  run seed    ").append(runSeed).append(" (replay the run:         -D").append(SEED).append('=')
          .append(runSeed).append(')');
    }
    report.append("\n  sample seed ").append(seed).append(" (replay only the sample: -D").append(SAMPLE).append('=')
        .append(seed).append(')');
    report.append("\n  sample:  ").append(sample).append("\n  failure: ").append(failure);
    Throwable cause = failure;
    if (shrink) {
      Shrunk<T> shrunk = shrink(sample, failure);
      report.append("\n  shrunk in ").append(shrunk.steps).append(" step(s) (").append(shrunk.checks)
          .append(" checks) to: ").append(shrunk.sample).append("\n  failure: ").append(shrunk.failure);
      cause = shrunk.failure;
    }
    throw new AssertionError(report.toString(), cause);
  }

  private Throwable failureOf(T sample) {
    try {
      check.check(sample);
      return null;
    } catch (Exception | AssertionError e) {
      return e;
    }
  }

  /** Takes the first simpler sample that still fails, again and again, within the budget. */
  private Shrunk<T> shrink(T sample, Throwable failure) {
    long deadline = System.nanoTime() + SHRINK_TIME.toNanos();
    Shrunk<T> best = new Shrunk<>(sample, failure, 0, 0);
    boolean progress = true;
    while (progress && best.checks < SHRINK_CHECKS && System.nanoTime() < deadline) {
      progress = false;
      Iterator<T> candidates = shrinker.apply(best.sample).iterator();
      while (candidates.hasNext() && best.checks < SHRINK_CHECKS && System.nanoTime() < deadline) {
        T candidate = Objects.requireNonNull(candidates.next(), "shrink candidate");
        Throwable candidateFailure = failureOf(candidate);
        best = new Shrunk<>(best.sample, best.failure, best.steps, best.checks + 1);
        if (candidateFailure != null) {
          best = new Shrunk<>(candidate, candidateFailure, best.steps + 1, best.checks);
          progress = true;
          break;
        }
      }
    }
    return best;
  }

  private record Shrunk<T>(T sample, Throwable failure, int steps, int checks) {}
}
