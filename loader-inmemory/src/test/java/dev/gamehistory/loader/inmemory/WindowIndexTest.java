package dev.gamehistory.loader.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-memory order compares strings as BigQuery does: by Unicode code point. */
class WindowIndexTest {

  private static final String LAST_BMP = "\uFFFF";
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void compareCodePoints_supplementaryCharacterSortsAfterTheBasicPlane() {
    assertThat(LAST_BMP.compareTo(EMOJI)).as("UTF-16 order, which BigQuery does not use").isPositive();
    assertThat(WindowIndex.compareCodePoints(LAST_BMP, EMOJI)).isNegative();
    assertThat(WindowIndex.compareCodePoints(EMOJI, LAST_BMP)).isPositive();
  }

  @Test
  void compareCodePoints_prefixSortsFirstAndEqualStringsTie() {
    assertThat(WindowIndex.compareCodePoints("BOS", "BOSX")).isNegative();
    assertThat(WindowIndex.compareCodePoints("BOSX", "BOS")).isPositive();
    assertThat(WindowIndex.compareCodePoints("BOS", "BOS")).isZero();
    assertThat(WindowIndex.compareCodePoints("ATL", "BOS")).isNegative();
  }
}
