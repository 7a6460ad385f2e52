package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.settings.CachePolicy;
import java.util.List;

/**
 * Makes the {@link CachingLoader} in front of a loader, found with {@link java.util.ServiceLoader}:
 * the {@code loader-cache} module provides one on Caffeine's {@code AsyncCache}. Having it on the
 * class path is enough for {@link HistoricalGamesLoader#caching} and {@code cache.enabled=true}.
 */
public interface CachingLoaderProvider {

  /**
   * A caching loader in front of {@code loader}, with the semantics {@link CachingLoader} documents.
   *
   * @param loader the wrapped loader; closing the caching loader closes it
   * @param policy the cache's bounds (enabled)
   * @param time the clock of expiry and waits, the scheduler of its timers, and the
   *     {@link TimeSource#work() work} hook its own threads go through
   * @param ownsTime whether closing the caching loader shuts {@code time}'s scheduler down
   * @param listeners told of each caller's load as it ends, in this order
   */
  CachingLoader create(HistoricalGamesLoader loader, CachePolicy policy, TimeSource time, boolean ownsTime,
      List<LoadListener> listeners);
}
