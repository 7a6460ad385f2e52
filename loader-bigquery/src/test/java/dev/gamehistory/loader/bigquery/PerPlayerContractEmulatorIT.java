package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.settings.Strategy;

/** The contract suite on the emulator, one query per player, 8 at once. */
class PerPlayerContractEmulatorIT extends EmulatorContract {

  @Override
  Strategy strategy() {
    return Strategy.perPlayer(8);
  }
}
