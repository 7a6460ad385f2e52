package dev.gamehistory.loader.cache.internal;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.internal.concurrent.DaemonPool;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CachingLoader} on Caffeine's {@link AsyncCache}: each cached history is the completed
 * future of its key; a key being loaded maps to the future of the {@link Flight} (one load of the
 * wrapped loader) that loads it, which overlapping loads find and wait for. Caffeine keeps only
 * futures that complete with a history (a failure completes with {@code null} and is dropped), and
 * an invalidation removes a key's future, loaded or not, so a history read before it is never
 * stored. See {@link CachingLoader} for the semantics.
 *
 * <p>Threads: the wrapped loader's threads complete flights; callers' futures and listeners run on
 * this loader's own daemon threads ({@code hgl-cache-N}), handed over through the time source's
 * {@link TimeSource#work() work} hook; timers only hand over. A load answered wholly from the cache
 * completes on its caller's thread.
 */
public final class CaffeineCachingLoader implements CachingLoader {

  /**
   * How long past its deadline a flight the wrapped loader has not answered is waited for: then its
   * players fail with the deadline and its keys are free again.
   */
  static final long FLIGHT_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Logger LOG = LoggerFactory.getLogger(CaffeineCachingLoader.class);

  final HistoricalGamesLoader delegate;
  private final LoaderSettings settings;
  final AsyncCache<CacheKey, List<HistoricalGame>> cache;
  final TimeSource time;
  private final boolean ownsTime;
  final List<LoadListener> listeners;
  final Set<CachedLoad> loads = ConcurrentHashMap.newKeySet();
  final Set<Flight> flights = ConcurrentHashMap.newKeySet();
  final AtomicBoolean closed = new AtomicBoolean();
  private final DaemonPool deliveries;

  /**
   * A cache over {@code delegate}, bounded as {@code policy} says, timing expiry and waits on
   * {@code time} (shut down on close when {@code ownsTime}), telling {@code listeners} of each load.
   */
  public CaffeineCachingLoader(HistoricalGamesLoader delegate, CachePolicy policy, TimeSource time, boolean ownsTime,
      List<LoadListener> listeners) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(policy, "policy");
    if (!policy.enabled()) {
      throw new IllegalArgumentException("the cache policy must be enabled but was " + policy);
    }
    this.settings = delegate.settings().toBuilder().cache(policy).build();
    this.time = Objects.requireNonNull(time, "time");
    this.ownsTime = ownsTime;
    this.listeners = List.copyOf(listeners);
    // Maintenance runs on the calling threads: the cache starts no thread of its own.
    this.cache = Caffeine.newBuilder()
        .maximumSize(policy.maximumPlayers())
        .expireAfterWrite(policy.expireAfterWrite())
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .buildAsync();
    this.deliveries = DaemonPool.create("hgl-cache-" + INSTANCES.incrementAndGet(), this);
  }

  @Override
  public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    Futures.note(time.work());
    return time.work().enter(() -> start(request));
  }

  /** The time source this loader was given; empty when it owns its system clock. */
  @Override
  public java.util.Optional<dev.gamehistory.loader.spi.TimeSource> timeSource() {
    return ownsTime ? java.util.Optional.empty() : java.util.Optional.of(time);
  }

  private CompletableFuture<LoadResult> start(LoadRequest request) {
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
      load.leftLoadAsync();
    }
    return load.result;
  }

  /** Blocks for the load's result through the time source's work hook (a manual clock drives itself there). */
  @Override
  public LoadResult load(LoadRequest request) {
    return Futures.await(time.work(), loadAsync(request));
  }

  @Override
  public LoaderSettings settings() {
    return settings;
  }

  /**
   * The wrapped loader's backfill: past dates' histories go to training and backtests, not to the
   * game-day cache, so a backfill neither reads nor fills the cache (and this loader's listeners do
   * not hear it; the wrapped loader's do).
   */
  @Override
  public Backfill backfill(BackfillRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      throw new IllegalStateException("loader is closed");
    }
    return delegate.backfill(request);
  }

  @Override
  public CachePolicy cachePolicy() {
    return settings.cache();
  }

  @Override
  public void invalidate(String player) {
    Objects.requireNonNull(player, "player");
    // Loaded or still loading: a removed key's future is never stored when it completes.
    time.work().enter(() -> cache.asMap().keySet().removeIf(key -> key.player().equals(player)));
  }

  @Override
  public void invalidate(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    List<CacheKey> keys = request.players().stream().map(player -> CacheKey.of(player, request)).toList();
    time.work().enter(() -> {
      cache.synchronous().invalidateAll(keys);
      return keys;
    });
  }

  @Override
  public void invalidateAll() {
    time.work().enter(() -> {
      cache.synchronous().invalidateAll();
      return null;
    });
  }

  @Override
  public long cachedHistories() {
    return cache.asMap().values().stream().filter(future -> future.isDone() && future.getNow(null) != null).count();
  }

  /**
   * Fails the running loads' unanswered players as cancelled, ends the running flights, closes the
   * wrapped loader, empties the cache and ends the threads this loader started. Idempotent.
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
      for (Flight flight : List.copyOf(flights)) {
        flight.end(closedCause);
      }
      delegate.close();
    } finally {
      cache.synchronous().invalidateAll();
      deliveries.shutdown();
      if (ownsTime) {
        time.scheduler().shutdownNow();
      }
      // From one of this loader's own threads (a caller's callback), waiting would wait for itself.
      if (!DaemonPool.runsOn(this)) {
        if (!deliveries.awaitThreads(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS)) {
          LOG.warn("caching loader closed while {} still running a caller's callback or listener; it ends when that"
              + " returns", Plural.count(deliveries.getActiveCount(), "thread is", "threads are"));
        }
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

  /** Runs {@code task} on one of this loader's threads, never a timer's; on this thread once closing. */
  void handOff(Runnable task) {
    try {
      time.work().execute(deliveries, task);
    } catch (RejectedExecutionException closing) {
      task.run();
    }
  }

  /**
   * Runs {@code task} on one of this loader's threads once the clock reads {@code atNanos}; the timer
   * thread only hands it over. Not to be called holding a lock (a time source may run a due task on
   * the calling thread).
   *
   * @return the timer, or {@code null} when the scheduler has stopped (the loader is closing)
   */
  @Nullable ScheduledFuture<?> schedule(Runnable task, long atNanos) {
    try {
      return time.scheduler().schedule(() -> handOff(task), Math.max(0, atNanos - time.nanoTime()),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      return null;
    }
  }

  /** A failure of the wrapped loader's future itself (not of a player), as a player's cause. */
  LoaderException causeOf(@Nullable Throwable error) {
    if (closed.get() && !(error instanceof LoaderException)) {
      return LoadCancelledException.of("loader closed");
    }
    return Futures.causeOf(error == null ? new NullPointerException("the loader's future completed with no result")
        : error, "the query's load was cancelled");
  }
}
