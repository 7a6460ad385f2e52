package dev.gamehistory.loader.cache.internal;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.settings.LoaderSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's load through a {@link CaffeineCachingLoader}: each player from the cache (a hit), from
 * a flight another load started (shared) or from the one flight this load starts for the rest
 * (queried), then one result in request order with those counts.
 *
 * <p>Its deadline is its own: at the deadline, the players it waits for from a flight whose deadline
 * is later fail with {@link DeadlineExceededException}; a flight whose deadline is not later ends by
 * itself, at the latest {@link CaffeineCachingLoader#FLIGHT_GRACE_NANOS} after it. A flight that ended
 * for its owner (the owner's deadline, or nobody waited) sends the players of a load with time left
 * back through the cache, where they are queried again.
 *
 * <p>One file: a cached load is one state machine (claims, shared flights, its deadline, delivery)
 * whose every transition reads and writes the same state.
 */
final class CachedLoad {

  private static final Logger LOG = LoggerFactory.getLogger(CaffeineCachingLoader.class);

  /** Where a player's outcome came from. */
  private enum Source { HIT, SHARED, QUERIED }

  private final CaffeineCachingLoader loader;
  final LoadRequest request;
  private final Map<String, Integer> index = new HashMap<>();
  final long startNanos;
  private final Instant startedAt;
  final Duration deadline;
  final long deadlineNanos;
  /** The caller's future. */
  final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  private final LoadScope scope;
  /** The thread inside {@code loadAsync} for this load, while it is there. */
  private volatile @Nullable Thread caller = Thread.currentThread();
  // Guarded by this.
  private final PlayerOutcome[] outcomes;
  private int unanswered;
  private int hits;
  private int shared;
  private int queried;
  private final Map<Flight, List<String>> awaiting = new LinkedHashMap<>();
  private final List<Flight.OffsetReport> reports = new ArrayList<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private boolean timerArmed;
  private boolean expired;
  private boolean finishing;

  CachedLoad(CaffeineCachingLoader loader, LoadRequest request) {
    this.loader = loader;
    this.request = request;
    this.scope = new LoadScope(request);
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
    // Any completion of the caller's future that is not ours ends the load: it stops waiting.
    result.whenComplete((value, error) -> {
      boolean ours;
      synchronized (this) {
        ours = finishing;
      }
      if (!ours) {
        leave();
      }
      loader.loads.remove(this);
    });
    tell(listener -> listener.onLoadStart(scope));
    resolve(request.players());
  }

  /** The caller's thread has left {@code loadAsync}. */
  void leftLoadAsync() {
    caller = null;
  }

  /**
   * Answers {@code players} from the cache, waits for the flights that load the others, and starts one
   * flight for those no flight loads. Every key this load claims belongs to a flight that is launched
   * here, whatever happens.
   */
  private void resolve(List<String> players) {
    Flight[] own = new Flight[1];
    BiFunction<CacheKey, Executor, CompletableFuture<List<HistoricalGame>>> claim = (key, executor) -> {
      if (own[0] == null) {
        own[0] = new Flight(loader, this);
      }
      return own[0].add(key);
    };
    Map<Flight, List<String>> waiting = new LinkedHashMap<>();
    try {
      for (String player : players) {
        CacheKey key = CacheKey.of(player, request);
        // A lookup first: the hit path allocates nothing; the claiming get only for a key not there.
        CompletableFuture<List<HistoricalGame>> future = loader.cache.getIfPresent(key);
        if (future == null) {
          future = loader.cache.get(key, claim);
        }
        List<HistoricalGame> games = future.isDone() ? future.getNow(null) : null;
        if (games != null) {
          answer(player, new PlayerOutcome.Loaded(player, games), Source.HIT);
        } else {
          waiting.computeIfAbsent(((Flight.KeyFuture) future).flight, f -> new ArrayList<>()).add(player);
        }
      }
    } finally {
      if (!waiting.isEmpty()) {
        armDeadline();
        waiting.forEach(this::await);
      }
      if (own[0] != null) {
        own[0].launch();
      }
    }
  }

  /** Waits for {@code players} from {@code flight}. */
  private void await(Flight flight, List<String> players) {
    boolean late;
    synchronized (this) {
      if (finishing || result.isDone()) {
        return;
      }
      // Joined after this load's deadline (a query again at its edge): nothing later is waited for.
      late = expired && flight.deadlineNanos - deadlineNanos > 0;
      if (!late) {
        awaiting.computeIfAbsent(flight, f -> new ArrayList<>()).addAll(players);
      }
    }
    if (late) {
      failDeadline(players);
      return;
    }
    flight.subscribe(this, players);
    boolean left;
    synchronized (this) {
      // Ended meanwhile, or no longer waiting for it (the deadline passed between the two steps).
      left = finishing || result.isDone() || !awaiting.containsKey(flight) && expired;
    }
    if (left) {
      flight.unsubscribe(this);
    }
  }

  /**
   * A flight this load waited for ended (on the thread that ended it): take its outcomes, or send
   * back through the cache the players it could not load for this load's sake alone.
   */
  void flightEnded(Flight flight, List<String> players, Map<String, PlayerOutcome> byPlayer,
      Flight.@Nullable OffsetReport report) {
    boolean mine = flight.owner == this;
    Source source = mine ? Source.QUERIED : Source.SHARED;
    List<String> again = new ArrayList<>();
    synchronized (this) {
      awaiting.remove(flight);
      if (mine && report != null) {
        reports.add(report);
      }
    }
    for (String player : players) {
      PlayerOutcome outcome = byPlayer.get(player);
      if (outcome instanceof PlayerOutcome.Failed failed && !mine && !loader.closed.get()
          && (flight.endedForItsOwner(failed) || cutByAnEarlierDeadline(flight, failed))) {
        if (loader.time.nanoTime() - deadlineNanos < 0) {
          again.add(player);
        } else {
          // The other load's deadline or cancel is not this one's: its own deadline has passed too.
          answer(player, new PlayerOutcome.Failed(player, DeadlineExceededException.of(deadline)), source);
        }
      } else if (outcome != null) {
        answer(player, outcome, source);
      }
    }
    if (!again.isEmpty()) {
      // On one of the loader's threads: the flight goes on telling its other loads meanwhile, however
      // long the wrapped loader takes to start the query again.
      loader.handOff(() -> {
        synchronized (this) {
          if (finishing || result.isDone()) {
            return;
          }
        }
        resolve(again);
      });
    }
  }

  /**
   * Whether a flight that ran under an earlier deadline than this load's failed the player with an
   * error that may pass when tried again: its retries (or splits) may have been cut by that deadline,
   * not by the error, so this load tries with its own time.
   */
  private boolean cutByAnEarlierDeadline(Flight flight, PlayerOutcome.Failed failed) {
    return failed.cause().isRetryable() && flight.deadlineNanos - deadlineNanos < 0;
  }

  /** Arms this load's deadline timer, once. */
  private void armDeadline() {
    synchronized (this) {
      if (timerArmed || finishing) {
        return;
      }
      timerArmed = true;
    }
    ScheduledFuture<?> timer = loader.schedule(this::deadlinePassed, deadlineNanos);
    if (timer == null) {
      // The timer stopped: the loader is closing.
      failUnanswered(LoadCancelledException.of("loader closed"));
      return;
    }
    boolean done;
    synchronized (this) {
      deadlineTimer = timer;
      done = finishing;
    }
    if (done) {
      timer.cancel(false);
    }
  }

  /**
   * This load's deadline passed: the players it waits for from flights with a later deadline fail
   * now; a flight whose deadline is not later ends by itself within its grace.
   */
  private void deadlinePassed() {
    List<Map.Entry<Flight, List<String>>> late = new ArrayList<>();
    synchronized (this) {
      expired = true;
      awaiting.entrySet().removeIf(entry -> {
        if (entry.getKey().deadlineNanos - deadlineNanos > 0) {
          late.add(entry);
          return true;
        }
        return false;
      });
    }
    for (Map.Entry<Flight, List<String>> entry : late) {
      entry.getKey().unsubscribe(this);
      failDeadline(entry.getValue());
    }
  }

  private void failDeadline(List<String> players) {
    DeadlineExceededException cause = DeadlineExceededException.of(deadline);
    players.forEach(player -> answer(player, new PlayerOutcome.Failed(player, cause), Source.SHARED));
  }

  /** Fails every player without an outcome (the loader is closing) and stops waiting. */
  void failUnanswered(LoaderException cause) {
    List<String> open = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < outcomes.length; i++) {
        if (outcomes[i] == null) {
          open.add(request.players().get(i));
        }
      }
    }
    open.forEach(player -> answer(player, new PlayerOutcome.Failed(player, cause), Source.QUERIED));
    leave();
  }

  /** Stops waiting: leaves every flight (a flight nobody waits for is cancelled) and the deadline timer. */
  private void leave() {
    List<Flight> left;
    ScheduledFuture<?> timer;
    synchronized (this) {
      left = List.copyOf(awaiting.keySet());
      awaiting.clear();
      timer = deadlineTimer;
    }
    left.forEach(flight -> flight.unsubscribe(this));
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
    LoadResult loadResult;
    synchronized (this) {
      loadResult = LoadResult.of(List.of(outcomes), report());
    }
    leave();
    // Answered within loadAsync: on the caller's own thread. Otherwise this is a timer's hand-over or
    // the thread of a flight other loads wait for too: hand over to one of the loader's threads.
    if (caller == Thread.currentThread()) {
      deliver(loadResult);
    } else {
      loader.handOff(() -> deliver(loadResult));
    }
  }

  private void deliver(LoadResult loadResult) {
    try {
      tell(listener -> listener.onLoadEnd(scope, loadResult));
    } finally {
      result.complete(loadResult);
    }
  }

  private void tell(java.util.function.Consumer<LoadListener> event) {
    for (LoadListener listener : loader.listeners) {
      try {
        event.accept(listener);
      } catch (Throwable e) {
        // Whatever it throws, even one whose description throws: the load is still delivered.
        LOG.warn("load listener {} failed; ignored: {}", listener, Futures.describe(e));
      }
    }
  }

  /** The report: this load's own flights' attempts and events, shifted to this load's start. Holds this. */
  private LoadReport report() {
    LoaderSettings wrapped = loader.delegate.settings();
    String strategy = wrapped.strategy().describe();
    String strategyName = wrapped.strategy().name();
    String backend = wrapped.backend();
    List<QueryAttempt> attempts = new ArrayList<>();
    List<ReportEvent> events = new ArrayList<>();
    for (Flight.OffsetReport part : reports) {
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
}
