package dev.gamehistory.loader.cache;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;

/** A test loader in front of another: {@link #loadAsync} says what it does, the rest is the inner loader's. */
abstract class Decorated implements HistoricalGamesLoader {

  final HistoricalGamesLoader inner;

  Decorated(HistoricalGamesLoader inner) {
    this.inner = inner;
  }

  @Override
  public LoadResult load(LoadRequest request) {
    return loadAsync(request).join();
  }

  @Override
  public LoaderSettings settings() {
    return inner.settings();
  }

  @Override
  public void close() {
    inner.close();
  }
}
