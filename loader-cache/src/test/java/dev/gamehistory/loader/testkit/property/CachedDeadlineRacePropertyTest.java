package dev.gamehistory.loader.testkit.property;

import org.junit.jupiter.api.Test;

/**
 * The testkit's real-time race property ({@link DeadlineRacePropertyTest}) through a caching loader
 * (loader-cache), every load in one window so that they share running queries: a waiter still ends
 * by its own deadline, whoever runs the query it waits for.
 */
class CachedDeadlineRacePropertyTest {

  @Test
  void loadAsync_throughACacheInOneWindow_everyLoadEndsByItsDeadlineWithOneOutcomePerPlayer() throws Exception {
    new DeadlineRacePropertyTest().run("loadAsync_throughACacheInOneWindow_everyLoadEndsByItsDeadlineWithOneOutcomePerPlayer",
        true);
  }
}
