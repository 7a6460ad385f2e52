package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.internal.concurrent.DaemonPool;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.SystemTimeSource;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one engine behind every {@link HistoricalGamesLoader}: runs any strategy over any backend.
 *
 * <p>Threads: backend calls run on a cached pool of daemon worker threads ({@code hgl-worker-N});
 * timeouts, deadlines and backoffs fire on the time source's scheduler (by default one daemon
 * thread, {@code hgl-timer-N}, owned by this engine). {@link #close()} ends both; a backend call that
 * ignores both cancellation and interruption keeps its thread until it returns.
 */
public final class Engine implements HistoricalGamesLoader {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final GamesQuery backend;
  private final List<LoadListener> listeners;
  private final LoaderSettings settings;
  private final TimeSource time;
  private final boolean ownsTime;
  private final DaemonPool workers;
  private final Set<LoadRun> runs = ConcurrentHashMap.newKeySet();
  private final AtomicLong queryIds = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final int instance = INSTANCES.incrementAndGet();

  /** An engine over {@code backend}; with a {@code null} time source it owns a system one. */
  public Engine(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource timeSource) {
    this(backend, settings, timeSource, List.of());
  }

  /** An engine whose loads are heard by the per-load log line and {@code listeners}, in that order. */
  public Engine(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource timeSource,
      List<LoadListener> listeners) {
    this(backend, settings, timeSource, listeners, false);
  }

  /**
   * An engine whose query attempts are heard by the per-load log line (its DEBUG lines) and
   * {@code listeners}; its loads too unless {@code loadsHeardAbove}, when a loader in front of it
   * (a cache) tells them of the loads its callers made instead.
   */
  public Engine(GamesQuery backend, LoaderSettings settings, @Nullable TimeSource timeSource,
      List<LoadListener> listeners, boolean loadsHeardAbove) {
    List<LoadListener> all = new ArrayList<>();
    all.add(new LoadLog());
    all.addAll(listeners);
    this.listeners = loadsHeardAbove
        ? all.stream().<LoadListener>map(QueriesOnly::new).toList() : List.copyOf(all);
    this.backend = Objects.requireNonNull(backend, "backend");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ownsTime = timeSource == null;
    this.time = timeSource == null ? new SystemTimeSource() : timeSource;
    this.workers = DaemonPool.create("hgl-worker-" + instance, this);
  }

  @Override
  public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    Futures.note(time.work());
    return time.work().enter(() -> start(request));
  }

  /** The time source given to the builder; empty when the engine owns its system clock. */
  @Override
  public java.util.Optional<TimeSource> timeSource() {
    return ownsTime ? java.util.Optional.empty() : java.util.Optional.of(time);
  }

  private CompletableFuture<LoadResult> start(LoadRequest request) {
    if (closed.get()) {
      throw new IllegalStateException("loader is closed");
    }
    LoadRun run = new LoadRun(this, request);
    runs.add(run);
    CompletableFuture<LoadResult> result = run.result();
    // Any completion of the caller's future ends the load: cancel, complete, completeExceptionally,
    // orTimeout. When the load itself completed it, this is a no-op.
    result.whenComplete((value, error) -> run.cancel(result.isCancelled()
        ? "cancelled by the caller" : "the caller completed the result"));
    run.start();
    if (closed.get()) {
      run.cancel("loader closed");
    }
    return result;
  }

  @Override
  public Backfill backfill(BackfillRequest request) {
    Objects.requireNonNull(request, "request");
    Futures.note(time.work());
    return time.work().enter(() -> {
      if (closed.get()) {
        throw new IllegalStateException("loader is closed");
      }
      return new BackfillRun(this, request).start();
    });
  }

  /**
   * The queries a backfill of {@code dates} starts with under {@code policy}, as the engine plans
   * them before a strategy chunks their pairs (for cost estimates).
   */
  public static List<DatesQuery> backfillQueries(List<LoadRequest> dates, BackfillPolicy policy) {
    return BackfillRun.firstQueries(dates, policy);
  }

  /** Starts a backfill's part as one of this engine's loads (stopped at once after a cancel). */
  void startPart(LoadRun run, @Nullable String cancelled) {
    runs.add(run);
    if (cancelled != null) {
      run.startCancelled(cancelled);
    } else {
      run.start();
    }
    if (closed.get()) {
      run.cancel("loader closed");
    }
  }

  /** Blocks for the load's result through the time source's {@link dev.gamehistory.loader.spi.LoaderWork}. */
  @Override
  public LoadResult load(LoadRequest request) {
    return Futures.await(time.work(), loadAsync(request));
  }

  @Override
  public LoaderSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (LoadRun run : List.copyOf(runs)) {
      run.cancel("loader closed");
    }
    workers.shutdown();
    // Called from a completion callback on one of this engine's threads, waiting for the workers
    // would wait for this thread itself: then the others end when their backend calls return.
    boolean canWait = !isOwnWorker();
    try {
      if (canWait && !workers.awaitThreads(DEADLINE_GRACE_MILLIS)) {
        workers.shutdownNow();
        if (!workers.awaitThreads(DEADLINE_GRACE_MILLIS)) {
          LOG.warn("{} ignoring cancellation and interruption; their threads end when they return",
              Plural.count(workers.getActiveCount(), "backend call is", "backend calls are"));
        }
      }
    } finally {
      try {
        backend.close();
      } finally {
        if (ownsTime) {
          time.scheduler().shutdownNow();
          if (canWait) {
            Futures.awaitQuietly(time.scheduler());
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "HistoricalGamesLoader{backend=" + backend.name() + ", strategy=" + settings.strategy().describe()
        + ", timeouts=" + settings.timeouts().describe() + "}";
  }

  List<LoadListener> listeners() {
    return listeners;
  }

  GamesQuery backend() {
    return backend;
  }

  TimeSource time() {
    return time;
  }

  /**
   * Runs {@code task} on a worker, through the time source's {@link dev.gamehistory.loader.spi.LoaderWork}.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the engine is closed
   */
  void run(Runnable task) {
    time.work().execute(workers, task);
  }

  /** Whether the calling thread is one of this engine's workers. */
  boolean isOwnWorker() {
    return DaemonPool.runsOn(this);
  }

  /** Tells a listener of query attempts only. */
  private record QueriesOnly(LoadListener listener) implements LoadListener {
    @Override
    public void onQueryStart(dev.gamehistory.loader.LoadScope load, dev.gamehistory.loader.QueryStart query) {
      listener.onQueryStart(load, query);
    }

    @Override
    public void onQueryEnd(dev.gamehistory.loader.LoadScope load, dev.gamehistory.loader.QueryAttempt attempt) {
      listener.onQueryEnd(load, attempt);
    }
  }

  String nextQueryId() {
    // Unique within the loader, and the same for the same load whatever ran before it in the JVM.
    return "q" + queryIds.incrementAndGet();
  }

  void finished(LoadRun run) {
    runs.remove(run);
  }
}
