package dev.gamehistory.loader.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.spi.CacheStoreProvider;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * The cache store on Caffeine: at most {@link CachePolicy#maximumPlayers()} histories (Caffeine's
 * size eviction), each expiring {@link CachePolicy#expireAfterWrite()} after it was stored, aged on
 * the loader's time source. Maintenance runs on the calling threads, so the store starts no thread.
 * Found by {@link java.util.ServiceLoader}: having this module on the class path is enough.
 */
public final class CaffeineCacheStoreProvider implements CacheStoreProvider {

  /** The provider {@link java.util.ServiceLoader} creates. */
  public CaffeineCacheStoreProvider() {}

  @Override
  public ConcurrentMap<CacheKey, List<HistoricalGame>> create(CachePolicy policy, TimeSource time) {
    return Caffeine.newBuilder()
        .maximumSize(policy.maximumPlayers())
        .expireAfterWrite(policy.expireAfterWrite())
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .<CacheKey, List<HistoricalGame>>build()
        .asMap();
  }

  @Override
  public String toString() {
    return "CaffeineCacheStoreProvider";
  }
}
