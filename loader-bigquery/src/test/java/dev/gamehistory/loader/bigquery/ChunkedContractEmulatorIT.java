package dev.gamehistory.loader.bigquery;

import dev.gamehistory.loader.settings.Strategy;

/** The contract suite on the emulator, chunks of 50 players, 4 at once. */
class ChunkedContractEmulatorIT extends EmulatorContract {

  @Override
  Strategy strategy() {
    return Strategy.chunked(50, 4);
  }
}
