package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's load through a {@link CachingLoaderImpl}: its players' outcomes as they arrive from
 * the cache, from queries other loads run (flights it joins) and from its own flight, then one
 * result in request order with the cache's counts.
 */
final class CachedLoad {

  private static final Logger LOG = LoggerFactory.getLogger(CachingLoaderImpl.class);

  /** Where a player's outcome came from. */
  private enum Source { HIT, SHARED, QUERIED }

  private final CachingLoaderImpl loader;
  private final LoadRequest request;
  private final Map<String, Integer> index = new HashMap<>();
  private final long startNanos;
  private final Instant startedAt;
  private final Duration deadline;
  private final long deadlineNanos;
  /** The caller's future. */
  final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  /** The thread inside {@code loadAsync} for this load, while it is there. */
  volatile @Nullable Thread caller = Thread.currentThread();
  // Guarded by this.
  private final PlayerOutcome[] outcomes;
  private int unanswered;
  private int hits;
  private int shared;
  private int queried;
  private final Set<String> waitingOnOthers = new HashSet<>();
  private final List<CompletableFuture<LoadResult>> ownLoads = new ArrayList<>();
  private final List<OffsetReport> reports = new ArrayList<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private boolean timerArmed;
  private boolean expired;
  private boolean finishing;

  CachedLoad(CachingLoaderImpl loader, LoadRequest request) {
    this.loader = loader;
    this.request = request;
    this.startNanos = loader.time.nanoTime();
    this.startedAt = loader.time.instant();
    List<String> players = request.players();
    for (int i = 0; i < players.size(); i++) {
      index.put(players.get(i), i);
    }
    outcomes = new PlayerOutcome[players.size()];
    unanswered = players.size();
    deadline = request.deadline().orElse(loader.delegate.settings().timeouts().deadline());
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
      loader.loads.remove(this);
    });
    resolve(request.players());
  }

  /** Answers {@code players} from the cache, joins running flights, and queries the rest in one flight. */
  void resolve(List<String> players) {
    // Made at the first player neither cached nor running: a load answered from the cache makes none.
    CachingLoaderImpl.@Nullable Flight flight = null;
    Map<CachingLoaderImpl.Flight, List<String>> joined = new LinkedHashMap<>();
    for (String player : players) {
      CacheKey key = CacheKey.of(player, request);
      List<HistoricalGame> games = loader.store.get(key);
      if (games != null) {
        answer(player, new PlayerOutcome.Loaded(player, games), Source.HIT);
        continue;
      }
      if (flight == null) {
        flight = loader.new Flight();
      }
      CachingLoaderImpl.Flight running = loader.inFlight.putIfAbsent(key, flight);
      if (running != null) {
        joined.computeIfAbsent(running, f -> new ArrayList<>()).add(player);
        continue;
      }
      // A flight may have stored it and let go of the key between the two reads.
      games = loader.store.get(key);
      if (games != null) {
        loader.inFlight.remove(key, flight);
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
          timer = loader.time.scheduler().schedule(this::deadlinePassed,
              Math.max(0, deadlineNanos - loader.time.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
          // The timer stopped (the loader is closing): those players cannot be waited for.
          LoadCancelledException cause = LoadCancelledException.of("loader closed");
          joined.values().forEach(waiting ->
              waiting.forEach(p -> answer(p, new PlayerOutcome.Failed(p, cause), Source.SHARED)));
          if (flight != null && !flight.keys.isEmpty()) {
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
    if (flight != null && !flight.keys.isEmpty()) {
      fly(flight);
    }
  }

  /** Runs {@code flight} as one load of the wrapped loader with this load's time left. */
  private void fly(CachingLoaderImpl.Flight flight) {
    List<String> players = List.copyOf(flight.keys.keySet());
    long now = loader.time.nanoTime();
    long left = deadlineNanos - now;
    if (loader.closed.get() || left <= 0) {
      LoaderException cause = loader.closed.get()
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
      future = loader.delegate.loadAsync(own);
    } catch (RuntimeException e) {
      Map<String, PlayerOutcome> failed = flight.failAll(loader.causeOf(e));
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
          byPlayer.computeIfAbsent(player, Futures::missingOutcome);
        }
        synchronized (this) {
          reports.add(new OffsetReport(loaded.report(), offset));
        }
      } else {
        byPlayer = flight.failAll(loader.causeOf(error));
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
      if (outcome instanceof PlayerOutcome.Failed failed && endedByItsOwner(failed.kind()) && !loader.closed.get()) {
        if (loader.time.nanoTime() < deadlineNanos) {
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
      loader.deliveries.execute(() -> deliver(loadResult));
    } catch (RejectedExecutionException closing) {
      deliver(loadResult);
    }
  }

  private void deliver(LoadResult loadResult) {
    for (LoadListener listener : loader.listeners) {
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
    LoaderSettings wrapped = loader.delegate.settings();
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
        nanos(loader.time.nanoTime() - startNanos), numbered, events,
        Optional.of(new LoadReport.CacheUse(hits, shared, queried)));
  }

  private static Duration nanos(long nanos) {
    return Duration.ofNanos(Math.max(0, nanos));
  }

  /** A flight's report and when, after the start of the load that ran it, the flight started. */
  private record OffsetReport(LoadReport report, long offsetNanos) {}
}
