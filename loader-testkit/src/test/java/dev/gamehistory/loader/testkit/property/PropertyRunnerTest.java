package dev.gamehistory.loader.testkit.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The property harness: seeds that replay, shrinking, and the report of a failure. */
class PropertyRunnerTest {

  private static final Function<SplittableRandom, Integer> NUMBERS = random -> random.nextInt(1000);

  private static Stream<Integer> smaller(int n) {
    return Stream.of(n / 2, n - 1).filter(m -> m >= 0 && m < n);
  }

  @Test
  void run_propertyHolds_checksEveryTry() {
    List<Integer> seen = new ArrayList<>();

    int checked = PropertyRunner.of("holds", 25, NUMBERS, PropertyRunnerTest::smaller, seen::add).run(1L, null, 25, true);

    assertThat(checked).isEqualTo(25);
    assertThat(seen).hasSize(25);
  }

  @Test
  void run_sameRunSeed_drawsTheSameSamples() {
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();

    PropertyRunner.of("first", 40, NUMBERS, PropertyRunnerTest::smaller, first::add).run(-7L, null, 40, true);
    PropertyRunner.of("second", 40, NUMBERS, PropertyRunnerTest::smaller, second::add).run(-7L, null, 40, true);

    assertThat(first).isEqualTo(second).doesNotHaveDuplicates();
  }

  @Test
  void run_failingProperty_reportsBothSeedsAndShrinksToTheSmallestFailure() {
    PropertyRunner<Integer> property = PropertyRunner.of("below_fifty", 200, NUMBERS, PropertyRunnerTest::smaller,
        n -> assertThat(n).isLessThan(50));

    assertThatThrownBy(() -> property.run(42L, null, 200, true))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("below_fifty failed on try ")
        .hasMessageContaining("run seed    42 (replay the run:         -Dhgl.property.seed=42)")
        .hasMessageContaining("(replay only the sample: -Dhgl.property.sample=")
        .hasMessageContaining("to: 50\n");
  }

  @Test
  void run_sampleSeedOfAFailure_replaysThatSampleAlone() {
    PropertyRunner<Integer> property = PropertyRunner.of("below_fifty", 200, NUMBERS, PropertyRunnerTest::smaller,
        n -> assertThat(n).isLessThan(50));
    String report = "";
    try {
      property.run(42L, null, 200, false);
    } catch (AssertionError failure) {
      report = failure.getMessage();
    }
    String seedText = report.substring(report.indexOf("sample seed ") + "sample seed ".length());
    long sampleSeed = Long.parseLong(seedText.substring(0, seedText.indexOf(' ')));
    int sample = Integer.parseInt(report.substring(report.indexOf("sample:  ") + "sample:  ".length(),
        report.indexOf("\n  failure:")));
    List<Integer> replayed = new ArrayList<>();

    assertThatThrownBy(() -> PropertyRunner.of("replay", 1, NUMBERS, PropertyRunnerTest::smaller, n -> {
      replayed.add(n);
      assertThat(n).isLessThan(50);
    }).run(0L, sampleSeed, 1, false)).isInstanceOf(AssertionError.class);
    assertThat(replayed).containsExactly(sample);
    assertThat(NUMBERS.apply(new SplittableRandom(sampleSeed))).isEqualTo(sample);
  }
}
