package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.settings.Strategy;

/** The contract suite on the emulator, batch. */
class BatchContractEmulatorIT extends EmulatorContract {

  @Override
  Strategy strategy() {
    return Strategy.batch();
  }
}
