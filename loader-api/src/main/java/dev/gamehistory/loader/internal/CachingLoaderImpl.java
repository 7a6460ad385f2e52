package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(CachingLoaderImpl.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HistoricalGamesLoader delegate;
  private final LoaderSettings settings;
  private final ConcurrentMap<CacheKey, List<HistoricalGame>> store;
  private final ConcurrentMap<CacheKey, Flight> inFlight = new ConcurrentHashMap<>();
  private final TimeSource time;
  private final boolean ownsTime;
  private final List<LoadListener> listeners;
  private final Set<CachedLoad> loads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Bumped by every invalidation: a query that started before one does not store its result. */
  private final AtomicLong invalidations = new AtomicLong();
  /** Completes callers' futures off the timer and off the thread of the query that answered them. */
  private final ThreadPoolExecutor deliveries;
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
    AtomicInteger threads = new AtomicInteger();
    this.deliveries = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> new Delivery(this, runnable, "hgl-cache-" + instance + "-" + threads.incrementAndGet()));
  }

  /** A delivery thread, marked with its loader. */
  private static final class Delivery extends Thread {
    final CachingLoaderImpl loader;

    Delivery(CachingLoaderImpl loader, Runnable task, String name) {
      super(task, name);
      this.loader = loader;
      setDaemon(true);
    }
  }

  @Override
  public LoadResult load(LoadRequest request) {
    return Futures.await(loadAsync(request));
  }

  @Override
  public CompletableFuture<LoadResult> loadAsync(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      throw new IllegalStateException("loader is closed");
    }
    CachedLoad load = new CachedLoad(request);
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
      boolean own = Thread.currentThread() instanceof Delivery delivery && delivery.loader == this
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

  private static Duration nanos(long nanos) {
    return Duration.ofNanos(Math.max(0, nanos));
  }

  /** A failure of the wrapped loader's future itself (not of a player), as a player's cause. */
  private LoaderException causeOf(Throwable error) {
    if (closed.get() && !(error instanceof LoaderException)) {
      return LoadCancelledException.of("loader closed");
    }
    return Futures.causeOf(error, "the query's load was cancelled");
  }

  /** One load of the wrapped loader, for the keys it claimed; overlapping loads wait for it. */
  private final class Flight {
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

  /** Where a player's outcome came from. */
  private enum Source { HIT, SHARED, QUERIED }

  /** One caller's load: its players' outcomes as they arrive from the cache and the flights. */
  private final class CachedLoad {
    final LoadRequest request;
    final Map<String, Integer> index = new HashMap<>();
    final PlayerOutcome[] outcomes;
    final long startNanos = time.nanoTime();
    final Instant startedAt = time.instant();
    final Duration deadline;
    final long deadlineNanos;
    final CompletableFuture<LoadResult> result = new CompletableFuture<>();
    // Guarded by this.
    int unanswered;
    int hits;
    int shared;
    int queried;
    final Set<String> waitingOnOthers = new java.util.HashSet<>();
    final List<CompletableFuture<LoadResult>> ownLoads = new ArrayList<>();
    final List<OffsetReport> reports = new ArrayList<>();
    @Nullable ScheduledFuture<?> deadlineTimer;
    /** The thread inside {@code loadAsync} for this load, while it is there. */
    volatile @Nullable Thread caller = Thread.currentThread();
    boolean timerArmed;
    boolean expired;
    boolean finishing;

    CachedLoad(LoadRequest request) {
      this.request = request;
      List<String> players = request.players();
      for (int i = 0; i < players.size(); i++) {
        index.put(players.get(i), i);
      }
      outcomes = new PlayerOutcome[players.size()];
      unanswered = players.size();
      deadline = request.deadline().orElse(delegate.settings().timeouts().deadline());
      deadlineNanos = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline));
    }

    void start() {
      // Any completion of the caller's future that is not ours ends the load.
      result.whenComplete((value, error) -> {
        boolean ours;
        synchronized (this) {
          ours = finishing;
        }
        if (!ours) {
          cancelOwnLoads();
        }
        loads.remove(this);
      });
      resolve(request.players());
    }

    /** Answers {@code players} from the cache, joins running flights, and queries the rest in one flight. */
    void resolve(List<String> players) {
      Flight flight = new Flight();
      Map<Flight, List<String>> joined = new LinkedHashMap<>();
      for (String player : players) {
        CacheKey key = CacheKey.of(player, request);
        List<HistoricalGame> games = store.get(key);
        if (games != null) {
          answer(player, new PlayerOutcome.Loaded(player, games), Source.HIT);
          continue;
        }
        Flight running = inFlight.putIfAbsent(key, flight);
        if (running != null) {
          joined.computeIfAbsent(running, f -> new ArrayList<>()).add(player);
          continue;
        }
        // A flight may have stored it and let go of the key between the two reads.
        games = store.get(key);
        if (games != null) {
          inFlight.remove(key, flight);
          answer(player, new PlayerOutcome.Loaded(player, games), Source.HIT);
          continue;
        }
        flight.keys.put(player, key);
      }
      if (!joined.isEmpty()) {
        boolean arm;
        boolean late;
        synchronized (this) {
          joined.values().forEach(waitingOnOthers::addAll);
          late = expired;
          arm = !timerArmed && !finishing;
          timerArmed = true;
        }
        if (late) {
          // Joined after this load's timer fired (a retry at the edge of the deadline).
          deadlinePassed();
        } else if (arm) {
          // Scheduled outside the lock: a time source may run a due task on this thread.
          ScheduledFuture<?> timer;
          try {
            timer = time.scheduler().schedule(this::deadlinePassed,
                Math.max(0, deadlineNanos - time.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException stopped) {
            // The timer stopped (the loader is closing): those players cannot be waited for.
            LoadCancelledException cause = LoadCancelledException.of("loader closed");
            joined.values().forEach(waiting ->
                waiting.forEach(p -> answer(p, new PlayerOutcome.Failed(p, cause), Source.SHARED)));
            if (!flight.keys.isEmpty()) {
              fly(flight);
            }
            return;
          }
          boolean done;
          synchronized (this) {
            deadlineTimer = timer;
            done = finishing || result.isDone();
          }
          if (done) {
            timer.cancel(false);
          }
        }
        if (!late) {
          joined.forEach((running, waiting) ->
              running.outcomes.thenAccept(byPlayer -> sharedEnded(waiting, byPlayer)));
        }
      }
      if (!flight.keys.isEmpty()) {
        fly(flight);
      }
    }

    /** Runs {@code flight} as one load of the wrapped loader with this load's time left. */
    private void fly(Flight flight) {
      List<String> players = List.copyOf(flight.keys.keySet());
      long now = time.nanoTime();
      long left = deadlineNanos - now;
      if (closed.get() || left <= 0) {
        LoaderException cause = closed.get()
            ? LoadCancelledException.of("loader closed") : DeadlineExceededException.of(deadline);
        Map<String, PlayerOutcome> failed = flight.failAll(cause);
        flight.finish(failed);
        players.forEach(p -> answer(p, failed.get(p), Source.QUERIED));
        return;
      }
      LoadRequest own = LoadRequest.builder(request.gameDate())
          .players(players)
          .lookbackDays(request.lookbackDays())
          .maxGames(request.maxGames())
          .deadline(Duration.ofNanos(left))
          .build();
      CompletableFuture<LoadResult> future;
      try {
        future = delegate.loadAsync(own);
      } catch (RuntimeException e) {
        Map<String, PlayerOutcome> failed = flight.failAll(causeOf(e));
        flight.finish(failed);
        players.forEach(p -> answer(p, failed.get(p), Source.QUERIED));
        return;
      }
      boolean cancel;
      synchronized (this) {
        ownLoads.add(future);
        cancel = result.isDone() && !finishing;
      }
      if (cancel) {
        future.cancel(true);
      }
      long offset = now - startNanos;
      future.whenComplete((loaded, error) -> {
        Map<String, PlayerOutcome> byPlayer;
        if (loaded != null) {
          byPlayer = new HashMap<>(loaded.outcomes());
          for (String player : players) {
            byPlayer.computeIfAbsent(player, p -> new PlayerOutcome.Failed(p, BackendException.permanentError(
                "missing-outcome", "the wrapped loader gave no outcome for player '" + p + "'", null)));
          }
          synchronized (this) {
            reports.add(new OffsetReport(loaded.report(), offset));
          }
        } else {
          byPlayer = flight.failAll(causeOf(error));
        }
        flight.finish(byPlayer);
        for (String player : players) {
          answer(player, byPlayer.get(player), Source.QUERIED);
        }
      });
    }

    /** A flight this load waited for ended: take its outcomes, or query again what it could not finish for us. */
    private void sharedEnded(List<String> players, Map<String, PlayerOutcome> byPlayer) {
      List<String> again = new ArrayList<>();
      for (String player : players) {
        PlayerOutcome outcome = byPlayer.get(player);
        if (outcome instanceof PlayerOutcome.Failed failed && endedByItsOwner(failed.kind()) && !closed.get()) {
          if (time.nanoTime() < deadlineNanos) {
            again.add(player);
          } else {
            // The owner's cancel or deadline is not this load's: its own deadline passed meanwhile.
            answer(player, new PlayerOutcome.Failed(player, DeadlineExceededException.of(deadline)), Source.SHARED);
          }
        } else if (outcome != null) {
          answer(player, outcome, Source.SHARED);
        }
      }
      if (!again.isEmpty()) {
        synchronized (this) {
          if (finishing || result.isDone()) {
            return;
          }
          again.forEach(waitingOnOthers::remove);
        }
        resolve(again);
      }
    }

    /** Whether a shared query's failure came from the load that ran it rather than from the player. */
    private boolean endedByItsOwner(FailureKind kind) {
      return kind == FailureKind.DEADLINE || kind == FailureKind.CANCELLED;
    }

    /** This load's deadline passed: the players it waits for from others fail; its own flights end by themselves. */
    private void deadlinePassed() {
      List<String> late;
      synchronized (this) {
        expired = true;
        late = List.copyOf(waitingOnOthers);
      }
      DeadlineExceededException cause = DeadlineExceededException.of(deadline);
      late.forEach(player -> answer(player, new PlayerOutcome.Failed(player, cause), Source.SHARED));
    }

    /** Fails every player without an outcome (the loader closed). */
    void failUnanswered(LoaderException cause) {
      List<String> open = new ArrayList<>();
      synchronized (this) {
        for (int i = 0; i < outcomes.length; i++) {
          if (outcomes[i] == null) {
            open.add(request.players().get(i));
          }
        }
      }
      cancelOwnLoads();
      open.forEach(player -> answer(player, new PlayerOutcome.Failed(player, cause), Source.QUERIED));
    }

    private void cancelOwnLoads() {
      List<CompletableFuture<LoadResult>> running;
      ScheduledFuture<?> timer;
      synchronized (this) {
        running = List.copyOf(ownLoads);
        timer = deadlineTimer;
      }
      running.forEach(future -> future.cancel(true));
      if (timer != null) {
        timer.cancel(false);
      }
    }

    private void answer(String player, PlayerOutcome outcome, Source source) {
      int i = index.get(player);
      synchronized (this) {
        if (outcomes[i] != null || finishing) {
          return;
        }
        outcomes[i] = outcome;
        waitingOnOthers.remove(player);
        switch (source) {
          case HIT -> hits++;
          case SHARED -> shared++;
          case QUERIED -> queried++;
        }
        if (--unanswered > 0 || result.isDone()) {
          return;
        }
        finishing = true;
      }
      finish();
    }

    private void finish() {
      ScheduledFuture<?> timer;
      LoadResult loadResult;
      synchronized (this) {
        timer = deadlineTimer;
        loadResult = LoadResult.of(List.of(outcomes), report());
      }
      if (timer != null) {
        timer.cancel(false);
      }
      // Answered within loadAsync (all cached): on the caller's own thread. Otherwise the thread
      // here is a timer or the query that answered other loads too: hand over.
      if (caller == Thread.currentThread()) {
        deliver(loadResult);
        return;
      }
      try {
        deliveries.execute(() -> deliver(loadResult));
      } catch (RejectedExecutionException closing) {
        deliver(loadResult);
      }
    }

    private void deliver(LoadResult loadResult) {
      for (LoadListener listener : listeners) {
        try {
          listener.onLoadEnd(request, loadResult);
        } catch (RuntimeException e) {
          LOG.warn("load listener {} failed; ignored", listener, e);
        }
      }
      result.complete(loadResult);
    }

    /** The report: this load's own flights' attempts and events, shifted to this load's start. Holds this. */
    private LoadReport report() {
      LoaderSettings wrapped = delegate.settings();
      String strategy = wrapped.strategy().describe();
      String strategyName = wrapped.strategy().name();
      String backend = wrapped.backend();
      List<QueryAttempt> attempts = new ArrayList<>();
      List<ReportEvent> events = new ArrayList<>();
      for (OffsetReport part : reports) {
        LoadReport report = part.report();
        strategy = report.strategy();
        strategyName = report.strategyName();
        backend = report.backend();
        Duration shift = nanos(part.offsetNanos());
        for (QueryAttempt a : report.attempts()) {
          attempts.add(new QueryAttempt(0, a.stage(), a.players(), a.attempt(), a.startedAt().plus(shift),
              a.duration(), a.outcome(), a.rows(), a.cancelled(), a.failure(), a.statistics()));
        }
        for (ReportEvent e : report.events()) {
          events.add(new ReportEvent(e.kind(), e.at().plus(shift), e.players(), e.detail()));
        }
      }
      attempts.sort(Comparator.comparing(QueryAttempt::startedAt));
      List<QueryAttempt> numbered = new ArrayList<>(attempts.size());
      for (int i = 0; i < attempts.size(); i++) {
        QueryAttempt a = attempts.get(i);
        numbered.add(new QueryAttempt(i + 1, a.stage(), a.players(), a.attempt(), a.startedAt(), a.duration(),
            a.outcome(), a.rows(), a.cancelled(), a.failure(), a.statistics()));
      }
      events.sort(Comparator.comparing(ReportEvent::at));
      return new LoadReport(strategy, strategyName, backend, startedAt, deadline,
          nanos(time.nanoTime() - startNanos), numbered, events,
          Optional.of(new LoadReport.CacheUse(hits, shared, queried)));
    }
  }

  /** A flight's report and when, after the start of the load that ran it, the flight started. */
  private record OffsetReport(LoadReport report, long offsetNanos) {}
}
