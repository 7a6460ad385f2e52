package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.LoadResult;

/**
 * Entry point of the library's AssertJ assertions. Static-import {@code assertThat} next to
 * AssertJ's own: {@code assertThat(result).isComplete().hasLoaded("lebronjames")}.
 */
public final class HglAssertions {

  private HglAssertions() {}

  /** Assertions on a load's result. */
  public static LoadResultAssert assertThat(LoadResult actual) {
    return new LoadResultAssert(actual);
  }
}
