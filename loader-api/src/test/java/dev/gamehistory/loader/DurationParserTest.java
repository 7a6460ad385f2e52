package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.internal.settings.DurationParser;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "2m, PT2M",
      "1h, PT1H",
      "1.5s, PT1.5S",
      "0.25m, PT15S",
      "1.5h, PT1H30M",
      "0, PT0S",
      "0s, PT0S",
      "0ms, PT0S",
      "30S, PT30S",
      "500MS, PT0.5S",
      "' 30s ', PT30S",
      "0.000001ms, PT0.000000001S",
      "PT30S, PT30S",
      "pt30s, PT30S",
      "Pt1M30s, PT1M30S",
      "PT0.5S, PT0.5S",
      "P1D, PT24H",
      "-5s, PT-5S",
      "-PT5S, PT-5S"
  })
  void parse_acceptedForms(String text, String expected) {
    assertThat(DurationParser.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "soon", "30", "30 s", "30sec", "1.s", ".5s", "1,5s", "5d", "PT", "P", "PTXS",
      "s", "ms", "--5s", "+5s", "0.0000000001s", "1e3ms", "99999999999999999999h"})
  void parse_malformed(String text) {
    assertThatThrownBy(() -> DurationParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a duration");
  }

  @ParameterizedTest
  @CsvSource({
      "PT0S, 0s",
      "PT1H, 1h",
      "PT25H, 25h",
      "PT2M, 2m",
      "PT1H1M, 61m",
      "PT30S, 30s",
      "PT61S, 61s",
      "PT0.5S, 500ms",
      "PT1.5S, 1500ms",
      "PT0.0000015S, PT0.0000015S",
      "PT-5S, PT-5S"
  })
  void format_shortestExactForm(String duration, String expected) {
    assertThat(DurationParser.format(Duration.parse(duration))).isEqualTo(expected);
  }

  @Test
  void format_parsesBackToTheSameDuration() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      Duration duration = switch (i % 4) {
        case 0 -> Duration.ofMillis(random.nextInt(10_000_000));
        case 1 -> Duration.ofSeconds(random.nextInt(100_000));
        case 2 -> Duration.ofNanos(Math.abs(random.nextLong()));
        default -> Duration.ofMinutes(random.nextInt(10_000));
      };
      assertThat(DurationParser.parse(DurationParser.format(duration))).as("%s", duration).isEqualTo(duration);
    }
    Duration longest = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    assertThat(DurationParser.parse(DurationParser.format(longest))).isEqualTo(longest);
    Duration longestWholeSeconds = Duration.ofSeconds(Long.MAX_VALUE);
    assertThat(DurationParser.parse(DurationParser.format(longestWholeSeconds))).isEqualTo(longestWholeSeconds);
  }
}
