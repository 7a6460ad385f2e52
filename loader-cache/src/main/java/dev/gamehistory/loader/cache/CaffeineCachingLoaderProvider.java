package dev.gamehistory.loader.cache;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.cache.internal.CaffeineCachingLoader;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.spi.CachingLoaderProvider;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.List;

/**
 * The {@link CachingLoader} on Caffeine's {@code AsyncCache}: at most
 * {@link CachePolicy#maximumPlayers()} histories (Caffeine's size eviction), each expiring
 * {@link CachePolicy#expireAfterWrite()} after it was loaded, aged on the loader's time source;
 * overlapping loads share the running query of a history through the cache's in-flight futures.
 * Found by {@link java.util.ServiceLoader}: having this module on the class path is enough.
 */
public final class CaffeineCachingLoaderProvider implements CachingLoaderProvider {

  /** The provider {@link java.util.ServiceLoader} creates. */
  public CaffeineCachingLoaderProvider() {}

  @Override
  public CachingLoader create(HistoricalGamesLoader loader, CachePolicy policy, TimeSource time, boolean ownsTime,
      List<LoadListener> listeners) {
    return new CaffeineCachingLoader(loader, policy, time, ownsTime, listeners);
  }

  @Override
  public String toString() {
    return "CaffeineCachingLoaderProvider";
  }
}
