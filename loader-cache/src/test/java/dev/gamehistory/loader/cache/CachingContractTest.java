package dev.gamehistory.loader.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.testkit.InMemoryLoaders;
import dev.gamehistory.loader.testkit.LoaderContractTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The contract suite through the caching loader: cold (every player queried through the cache)
 * and warm (every load answered a second time, wholly from the cache, and that answer checked).
 */
class CachingContractTest {

  private static final CachePolicy POLICY = CachePolicy.of(100_000, Duration.ofMinutes(10));

  /** The suite over a caching loader with the given strategy. */
  abstract static class Cached extends LoaderContractTest {
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
      return LoaderSettings.builder().strategy(strategy()).cache(POLICY).build();
    }
  }

  @Nested
  @DisplayName("cold, batch")
  class ColdBatch extends Cached {
    @Override
    Strategy strategy() {
      return Strategy.batch();
    }
  }

  @Nested
  @DisplayName("cold, adaptive")
  class ColdAdaptive extends Cached {
    @Override
    Strategy strategy() {
      return Strategy.adaptive();
    }
  }

  @Nested
  @DisplayName("warm, per-player")
  class Warm extends Cached {
    @Override
    Strategy strategy() {
      return Strategy.perPlayer(4);
    }

    @Override
    protected HistoricalGamesLoader createLoader(List<GameRow> rows, LoaderSettings settings) {
      return new SecondAnswer((CachingLoader) super.createLoader(rows, settings));
    }
  }

  /**
   * Loads each request twice and answers with the second load, which must come wholly from the
   * cache when the first loaded every player; its report keeps the first load's attempts, which the
   * suite checks empty histories against.
   */
  private static final class SecondAnswer extends Decorated {
    private final CachingLoader loader;

    SecondAnswer(CachingLoader loader) {
      super(loader);
      this.loader = loader;
    }

    @Override
    public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
      return loader.loadAsync(request).thenCompose(first -> loader.loadAsync(request).thenApply(second -> {
        if (first.isComplete()) {
          assertThat(second.report().cache()).contains(new LoadReport.CacheUse(request.players().size(), 0, 0));
          assertThat(second.report().queryCount()).isZero();
        }
        assertThat(second.loaded()).isEqualTo(first.loaded());
        LoadReport report = second.report();
        return LoadResult.of(List.copyOf(second.outcomes().values()), new LoadReport(report.strategy(),
            report.strategyName(), report.backend(), report.startedAt(), report.deadline(), report.elapsed(),
            first.report().attempts(), first.report().events(), Optional.of(report.cache().orElseThrow())));
      }));
    }
  }
}
