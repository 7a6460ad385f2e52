package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.TimeSource;

/**
 * Production loaders over an {@link InMemoryGamesQuery}: the same engine, strategies, timeouts and
 * retries as with BigQuery, so tests reproduce production behaviour.
 */
public final class InMemoryLoaders {

  private InMemoryLoaders() {}

  /** A loader with the given settings over the backend, on the system clock. Closing it closes the backend. */
  public static HistoricalGamesLoader create(LoaderSettings settings, InMemoryGamesQuery backend) {
    return HistoricalGamesLoader.builder().settings(settings).backend(backend).build();
  }

  /**
   * A loader with the given settings over the backend, on the given clock (e.g. {@link ManualTime}).
   * Closing it closes the backend, not the time source.
   */
  public static HistoricalGamesLoader create(LoaderSettings settings, InMemoryGamesQuery backend, TimeSource time) {
    return HistoricalGamesLoader.builder().settings(settings).backend(backend).timeSource(time).build();
  }
}
