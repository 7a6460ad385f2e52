package dev.gamehistory.loader.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CostEstimateTest {

  private static final long MIB = 1024L * 1024;

  @Test
  void minimumBytesBilled_roundsUpToAMibAndAtLeastTen() {
    assertThat(new CostEstimate.QueryCost(1, 0).minimumBytesBilled()).isZero();
    assertThat(new CostEstimate.QueryCost(1, 1).minimumBytesBilled()).isEqualTo(10 * MIB);
    assertThat(new CostEstimate.QueryCost(1, 10 * MIB).minimumBytesBilled()).isEqualTo(10 * MIB);
    assertThat(new CostEstimate.QueryCost(1, 10 * MIB + 1).minimumBytesBilled()).isEqualTo(11 * MIB);
  }

  @Test
  void totals_manySmallQueries_costFarMoreThanTheirBytes() {
    CostEstimate perPlayer = new CostEstimate("per-player(parallelism=8)",
        java.util.Collections.nCopies(360, new CostEstimate.QueryCost(1, 200_000)));
    CostEstimate batch = new CostEstimate("batch", List.of(new CostEstimate.QueryCost(360, 72_000_000)));

    assertThat(perPlayer.totalBytesProcessed()).isEqualTo(batch.totalBytesProcessed());
    assertThat(perPlayer.minimumBytesBilled()).isEqualTo(360 * 10 * MIB);
    assertThat(batch.minimumBytesBilled()).isEqualTo(69 * MIB);
  }

  @Test
  void queryCost_badValues_rejected() {
    assertThatThrownBy(() -> new CostEstimate.QueryCost(0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("players must be positive but was 0");
    assertThatThrownBy(() -> new CostEstimate.QueryCost(1, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bytesProcessed must not be negative but was -1");
  }
}
