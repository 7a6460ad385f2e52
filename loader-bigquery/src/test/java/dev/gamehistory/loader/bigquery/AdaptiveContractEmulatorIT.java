package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.settings.Strategy;

/** The contract suite on the emulator, adaptive from chunks of 100 players, 4 at once. */
class AdaptiveContractEmulatorIT extends EmulatorContract {

  @Override
  Strategy strategy() {
    return Strategy.adaptive(100, 4);
  }
}
