package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/** The contract suite against the in-memory backend, once per strategy. */
class InMemoryContractTest {

  /** The suite over an in-memory backend with the given strategy. */
  abstract static class InMemory extends LoaderContractTest {
    abstract Strategy strategy();

    @Override
    protected HistoricalGamesLoader createLoader(List<GameRow> rows, LoaderSettings settings) {
      return InMemoryLoaders.create(settings, InMemoryGamesQuery.of(rows));
    }

    @Override
    protected HistoricalGamesLoader createHangingLoader(List<GameRow> rows, LoaderSettings settings, TimeSource time) {
      InMemoryGamesQuery backend = InMemoryGamesQuery.builder().rows(rows).faults(FaultPlan.always(Fault.hang())).build();
      return InMemoryLoaders.create(settings, backend, time);
    }

    @Override
    protected LoaderSettings settings() {
      return LoaderSettings.builder().strategy(strategy()).build();
    }
  }

  @Nested
  @DisplayName("batch")
  class Batch extends InMemory {
    @Override
    Strategy strategy() {
      return Strategy.batch();
    }
  }

  @Nested
  @DisplayName("chunked(size=7, parallelism=3)")
  class Chunked extends InMemory {
    @Override
    Strategy strategy() {
      return Strategy.chunked(7, 3);
    }
  }

  @Nested
  @DisplayName("per-player(parallelism=8)")
  class PerPlayer extends InMemory {
    @Override
    Strategy strategy() {
      return Strategy.perPlayer(8);
    }
  }

  @Nested
  @DisplayName("adaptive(initial-chunk=all, parallelism=4)")
  class Adaptive extends InMemory {
    @Override
    Strategy strategy() {
      return Strategy.adaptive();
    }
  }
}
