package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.spi.CacheStoreProvider;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A cache store for this module's tests, where loader-cache (Caffeine) is not on the class path: a
 * plain map, neither bounded nor expiring, which is all a single test run needs to exercise the
 * caching loader's sharing and deadlines.
 */
public final class MapCacheStoreProvider implements CacheStoreProvider {

  /** Created by {@link java.util.ServiceLoader}. */
  public MapCacheStoreProvider() {}

  @Override
  public ConcurrentMap<CacheKey, List<HistoricalGame>> create(CachePolicy policy, TimeSource time) {
    return new ConcurrentHashMap<>();
  }
}
