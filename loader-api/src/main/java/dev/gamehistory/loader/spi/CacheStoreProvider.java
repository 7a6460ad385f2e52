package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.HistoricalGame;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * Makes the store behind a {@link dev.gamehistory.loader.CachingLoader}, found with
 * {@link java.util.ServiceLoader}; the {@code loader-cache} module provides one on Caffeine.
 *
 * <p>The store is a thread-safe map holding at most {@link CachePolicy#maximumPlayers()} entries
 * (evicting as it sees fit beyond that) whose entries disappear {@link CachePolicy#expireAfterWrite()}
 * after they were put, measured on {@link TimeSource#nanoTime()}. It must start no thread. The
 * loader puts only loaded histories in it; sharing of running queries is the loader's own.
 */
public interface CacheStoreProvider {

  /** A new, empty store bounded as {@code policy} says, aging on {@code time}. */
  ConcurrentMap<CacheKey, List<HistoricalGame>> create(CachePolicy policy, TimeSource time);
}
