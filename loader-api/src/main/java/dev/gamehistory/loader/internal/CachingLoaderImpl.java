package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link CachingLoader}: a store of loaded histories, a map of the queries running now, and the
 * wrapped loader for the rest. See {@link CachingLoader} for the semantics.
 *
 * <p>A <em>flight</em> is one load of the wrapped loader for the players a load found neither cached
 * nor running; while it runs, its keys map to it in {@code inFlight}, so that overlapping loads wait
 * for it. It ends by putting the loaded histories in the store, then removing its keys, then telling
 * its waiters: a key is always in the store, in flight, or free to be claimed, never lost between.
 */
public final class CachingLoaderImpl implements CachingLoader {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  final HistoricalGamesLoader delegate;
  private final LoaderSettings settings;
  final ConcurrentMap<CacheKey, List<HistoricalGame>> store;
  final ConcurrentMap<CacheKey, Flight> inFlight = new ConcurrentHashMap<>();
  final TimeSource time;
  private final boolean ownsTime;
  final List<LoadListener> listeners;
  final Set<CachedLoad> loads = ConcurrentHashMap.newKeySet();
  final AtomicBoolean closed = new AtomicBoolean();
  /** Bumped by every invalidation: a query that started before one does not store its result. */
  final AtomicLong invalidations = new AtomicLong();
  /** Completes callers' futures off the timer and off the thread of the query that answered them. */
  final ThreadPoolExecutor deliveries;
  private final int instance = INSTANCES.incrementAndGet();

  /**
   * A cache over {@code delegate}, storing in {@code store}, timing waits on {@code time} (shut down
   * on close when {@code ownsTime}), telling {@code listeners} of each load it answers.
   */
  public CachingLoaderImpl(HistoricalGamesLoader delegate, CachePolicy policy,
      ConcurrentMap<CacheKey, List<HistoricalGame>> store, TimeSource time, boolean ownsTime,
      List<LoadListener> listeners) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    if (!policy.enabled()) {
      throw new IllegalArgumentException("the cache policy must be enabled but was " + policy);
    }
    this.settings = delegate.settings().toBuilder().cache(policy).build();
    this.store = Objects.requireNonNull(store, "store");
    this.time = Objects.requireNonNull(time, "time");
    this.ownsTime = ownsTime;
    this.listeners = List.copyOf(listeners);
    this.deliveries = DaemonPool.create("hgl-cache-" + instance, this);
  }

  @Override
  public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      throw new IllegalStateException("loader is closed");
    }
    CachedLoad load = new CachedLoad(this, request);
    loads.add(load);
    try {
      load.start();
      if (closed.get()) {
        load.failUnanswered(LoadCancelledException.of("loader closed"));
      }
    } finally {
      load.caller = null;
    }
    return load.result;
  }

  @Override
  public LoaderSettings settings() {
    return settings;
  }

  @Override
  public CachePolicy cachePolicy() {
    return settings.cache();
  }

  @Override
  public void invalidate(String player) {
    Objects.requireNonNull(player, "player");
    invalidations.incrementAndGet();
    store.keySet().removeIf(key -> key.player().equals(player));
  }

  @Override
  public void invalidate(LoadRequest request) {
    invalidations.incrementAndGet();
    for (String player : request.players()) {
      store.remove(CacheKey.of(player, request));
    }
  }

  @Override
  public void invalidateAll() {
    invalidations.incrementAndGet();
    store.clear();
  }

  @Override
  public long cachedHistories() {
    return store.size();
  }

  /**
   * Cancels the running loads (their unanswered players fail as cancelled), closes the wrapped
   * loader, empties the cache and ends the threads this loader started. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LoadCancelledException closedCause = LoadCancelledException.of("loader closed");
    try {
      for (CachedLoad load : List.copyOf(loads)) {
        load.failUnanswered(closedCause);
      }
      delegate.close();
    } finally {
      inFlight.clear();
      store.clear();
      deliveries.shutdown();
      if (ownsTime) {
        time.scheduler().shutdownNow();
      }
      // From one of this loader's own threads (a caller's callback), waiting would wait for itself.
      boolean own = DaemonPool.runsOn(this)
          || ownsTime && time instanceof SystemTimeSource system && system.isTimerThread();
      if (!own) {
        Futures.awaitQuietly(deliveries);
        if (ownsTime) {
          Futures.awaitQuietly(time.scheduler());
        }
      }
    }
  }

  @Override
  public String toString() {
    return "CachingLoader{" + settings.cache().describe() + ", loader=" + delegate + "}";
  }

  /** A failure of the wrapped loader's future itself (not of a player), as a player's cause. */
  LoaderException causeOf(Throwable error) {
    if (closed.get() && !(error instanceof LoaderException)) {
      return LoadCancelledException.of("loader closed");
    }
    return Futures.causeOf(error, "the query's load was cancelled");
  }

  /** One load of the wrapped loader, for the keys it claimed; overlapping loads wait for it. */
  final class Flight {
    final long generation = invalidations.get();
    final Map<String, CacheKey> keys = new LinkedHashMap<>();
    final CompletableFuture<Map<String, PlayerOutcome>> outcomes = new CompletableFuture<>();

    /** Stores what loaded, frees the keys, then tells the waiters. */
    void finish(Map<String, PlayerOutcome> byPlayer) {
      boolean keep = !closed.get() && invalidations.get() == generation;
      for (Map.Entry<String, CacheKey> entry : keys.entrySet()) {
        if (keep && byPlayer.get(entry.getKey()) instanceof PlayerOutcome.Loaded loaded) {
          store.put(entry.getValue(), loaded.games());
        }
      }
      keys.values().forEach(key -> inFlight.remove(key, this));
      outcomes.complete(byPlayer);
    }

    Map<String, PlayerOutcome> failAll(LoaderException cause) {
      Map<String, PlayerOutcome> failed = new HashMap<>();
      keys.keySet().forEach(player -> failed.put(player, new PlayerOutcome.Failed(player, cause)));
      return failed;
    }
  }

}
