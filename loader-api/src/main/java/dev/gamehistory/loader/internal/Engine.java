package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The engine (being written). */
public final class Engine implements HistoricalGamesLoader {
  private final LoaderSettings settings;

  /** An engine. */
  public Engine(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource timeSource) {
    this.settings = settings;
  }

  @Override
  public LoadResult load(LoadRequest request) {
    throw new UnsupportedOperationException("engine is being written");
  }

  @Override
  public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
    throw new UnsupportedOperationException("engine is being written");
  }

  @Override
  public LoaderSettings settings() {
    return settings;
  }

  @Override
  public void close() {}
}
