package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure parts of the protocol's timing. */
class QueryRunnerTest {

  @Test
  void firstWaitMillis_boundedByTheSettingTheSliceAndAQuarterOfTheTimeLeft() {
    Duration firstWait = Duration.ofMillis(900);
    Duration slice = Duration.ofSeconds(5);

    assertThat(QueryRunner.firstWaitMillis(Duration.ofSeconds(20), firstWait, slice)).isEqualTo(900);
    assertThat(QueryRunner.firstWaitMillis(Duration.ofSeconds(1), firstWait, slice)).isEqualTo(250);
    assertThat(QueryRunner.firstWaitMillis(Duration.ofMillis(3600), firstWait, slice)).isEqualTo(900);
    assertThat(QueryRunner.firstWaitMillis(Duration.ofSeconds(20), firstWait, Duration.ofMillis(250))).isEqualTo(250);
    assertThat(QueryRunner.firstWaitMillis(Duration.ofSeconds(20), Duration.ofSeconds(8), slice)).isEqualTo(5_000);
    assertThat(QueryRunner.firstWaitMillis(Duration.ofNanos(1), firstWait, slice)).isEqualTo(1);
    assertThat(QueryRunner.firstWaitMillis(Duration.ZERO, firstWait, slice)).isEqualTo(1);
  }

  @Test
  void ceilMillis_fractions_roundUp() {
    assertThat(QueryRunner.ceilMillis(Duration.ofNanos(2_956_000))).isEqualTo(3);
    assertThat(QueryRunner.ceilMillis(Duration.ofMillis(5))).isEqualTo(5);
    assertThat(QueryRunner.ceilMillis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }
}
