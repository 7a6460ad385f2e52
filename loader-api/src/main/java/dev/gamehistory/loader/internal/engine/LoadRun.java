package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
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
import dev.gamehistory.loader.QueryStart;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load: runs the strategy's stages over the backend, bounds every query with its own timer on
 * the shared scheduler (armed when the call starts, cancelled however the attempt ends), retries,
 * splits, falls back, and ends every player with exactly one outcome by the deadline.
 *
 * <p>All state is guarded by {@code this}. Nothing under the lock blocks: backend calls run on the
 * worker executor, timers on the scheduler, and the result future is completed outside the lock.
 */
final class LoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  private final Engine engine;
  private final TimeSource time;
  private final LoadRequest request;
  private final List<Strategy> stages;
  private final String strategyDescription;
  private final TimeoutPolicy timeouts;
  private final RetryPolicy retry;
  private final Duration deadline;
  private final long startNanos;
  private final Instant startedAt;
  private final long deadlineNanos;
  private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
  private final SplittableRandom random;

  // Guarded by this.
  private int stageIndex = -1;
  private Strategy stage;
  private int parallelism = 1;
  private final Deque<Task> queue = new ArrayDeque<>();
  private final Set<Attempt> running = new LinkedHashSet<>();
  private int callsInFlight;
  private Set<String> stagePending = new LinkedHashSet<>();
  private Map<String, LoaderException> stageFailures = new LinkedHashMap<>();
  private final Map<String, List<HistoricalGame>> loaded = new HashMap<>();
  private final List<QueryAttempt> attempts = new ArrayList<>();
  /** What the listeners have not heard yet, in order: the load's start, each query's start and end. */
  private final List<Consumer<LoadListener>> unheard = new ArrayList<>();
  private final LoadScope scope;
  /** Held by the one thread telling the listeners; taken before {@code this}, never while holding it. */
  private final ReentrantLock listening = new ReentrantLock();
  private final List<ReportEvent> events = new ArrayList<>();
  private final Set<ScheduledFuture<?>> backoffs = new LinkedHashSet<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private int attemptIds;
  private boolean pumping;
  private boolean pumpAgain;
  private boolean done;
  private @Nullable LoadResult completion;

  LoadRun(Engine engine, LoadRequest request) {
    this.engine = engine;
    this.time = engine.time();
    this.request = request;
    Strategy strategy = engine.settings().strategy();
    this.stages = strategy instanceof Strategy.Fallback fallback ? fallback.stages() : List.of(strategy);
    this.stage = stages.get(0);
    this.strategyDescription = strategy.describe();
    this.timeouts = engine.settings().timeouts();
    this.retry = engine.settings().retry();
    this.deadline = request.deadline().orElse(timeouts.deadline());
    this.random = new SplittableRandom(time.jitterSeed());
    this.scope = new LoadScope(request);
    this.startNanos = time.nanoTime();
    this.startedAt = time.instant();
    this.deadlineNanos = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline));
  }

  CompletableFuture<LoadResult> result() {
    return result;
  }

  /** Arms the deadline and starts the first stage. */
  void start() {
    synchronized (this) {
      if (done) {
        return;
      }
      unheard.add(listener -> listener.onLoadStart(scope));
      try {
        deadlineTimer = time.scheduler().schedule(this::onDeadline, deadlineNanos - startNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        stopLocked(LoadCancelledException.of("loader closed"), ReportEvent.Kind.CANCELLED, "load cancelled: loader closed");
      }
      if (!done) {
        startStage(0, request.players());
      }
    }
    deliver();
  }

  /** Ends the load at once: outstanding players fail as cancelled, running queries are cancelled. */
  void cancel(String why) {
    synchronized (this) {
      stopLocked(LoadCancelledException.of(why), ReportEvent.Kind.CANCELLED, "load cancelled: " + why);
    }
    deliver();
  }

  private void onDeadline() {
    synchronized (this) {
      stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
    }
    deliver();
  }

  // ---- stages -------------------------------------------------------------------------------

  private void startStage(int index, List<String> players) {
    stageIndex = index;
    stage = stages.get(index);
    stagePending = new LinkedHashSet<>(players);
    stageFailures = new LinkedHashMap<>();
    parallelism = parallelismOf(stage);
    for (List<String> chunk : initialChunks(stage, players)) {
      queue.addLast(new Task(chunk, 1));
    }
    pump();
  }

  private static int parallelismOf(Strategy strategy) {
    if (strategy instanceof Strategy.Chunked chunked) {
      return chunked.parallelism();
    } else if (strategy instanceof Strategy.PerPlayer perPlayer) {
      return perPlayer.parallelism();
    } else if (strategy instanceof Strategy.Adaptive adaptive) {
      return adaptive.parallelism();
    }
    return 1;
  }

  private static List<List<String>> initialChunks(Strategy strategy, List<String> players) {
    int size;
    if (strategy instanceof Strategy.Chunked chunked) {
      size = chunked.chunkSize();
    } else if (strategy instanceof Strategy.PerPlayer) {
      size = 1;
    } else if (strategy instanceof Strategy.Adaptive adaptive && adaptive.initialChunkSize() > 0) {
      size = adaptive.initialChunkSize();
    } else {
      size = players.size();
    }
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < players.size(); from += size) {
      chunks.add(List.copyOf(players.subList(from, Math.min(players.size(), from + size))));
    }
    return chunks;
  }

  private void checkStageDone() {
    if (done || !stagePending.isEmpty()) {
      return;
    }
    if (!stageFailures.isEmpty() && stageIndex + 1 < stages.size()) {
      List<String> failed = request.players().stream().filter(stageFailures::containsKey).toList();
      Strategy next = stages.get(stageIndex + 1);
      event(ReportEvent.Kind.FALLBACK, failed.size(),
          Plural.count(failed.size(), "player", "players") + " failed under " + stage.describe() + "; trying "
              + next.describe());
      LOG.debug("load: {} fall back from {} to {}", Plural.count(failed.size(), "player", "players"), stage.describe(),
          next.describe());
      startStage(stageIndex + 1, failed);
    } else {
      finishLocked();
    }
  }

  // ---- attempts -----------------------------------------------------------------------------

  /**
   * Launches queued tasks while slots are free. Driven as a loop: a call made while pumping (a
   * backend or timer that completes on the calling thread) only asks for one more pass, so the stack
   * does not grow with the number of queries.
   */
  private void pump() {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (!done && callsInFlight < parallelism && !queue.isEmpty()) {
          launch(queue.pollFirst());
        }
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
  }

  private void launch(Task task) {
    if (deadlineNanos - time.nanoTime() <= 0) {
      queue.addFirst(task);
      stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
      return;
    }
    Attempt attempt = new Attempt(++attemptIds, task);
    running.add(attempt);
    callsInFlight++;
    try {
      engine.run(() -> call(attempt));
    } catch (RejectedExecutionException closed) {
      callsInFlight--;
      running.remove(attempt);
      stopLocked(LoadCancelledException.of("loader closed"), ReportEvent.Kind.CANCELLED, "load cancelled: loader closed");
    }
  }

  /**
   * Runs on a worker thread: arms the attempt's timer, then makes the backend call. The timer is
   * armed here, when the call starts, in nanoseconds rounded up: a query is never timed out before
   * it reached the backend, nor before its timeout has passed. The slot is freed only when the call
   * returns.
   */
  private void call(Attempt attempt) {
    AttemptContext context;
    synchronized (this) {
      if (done || attempt.decided) {
        callsInFlight--;
        pump();
        context = null;
      } else {
        context = start(attempt);
      }
    }
    // The listeners hear the query's start (and anything before it) before the backend sees it.
    deliver();
    if (context == null) {
      return;
    }
    QueryResult queryResult = null;
    Throwable error = null;
    try {
      context.runOn(Thread.currentThread());
      if (context.isCancelled()) {
        throw LoadCancelledException.of("query cancelled before it started");
      }
      WindowQuery query = new WindowQuery(attempt.task.players(), request.gameDate(), request.lookbackDays(), request.maxGames());
      queryResult = engine.backend().fetch(query, context);
      if (queryResult == null) {
        throw new NullPointerException("backend " + engine.backend().name() + " returned no result");
      }
    } catch (Throwable e) {
      // Anything: a backend may throw a checked exception it does not declare (Kotlin, sneaky throws).
      error = e;
    } finally {
      context.runOn(null);
      Thread.interrupted();
    }
    onCallReturned(attempt, queryResult, error);
    deliver();
    if (error instanceof VirtualMachineError fatal) {
      // Recorded as the query's failure and its slot freed; the JVM's own trouble still surfaces.
      throw fatal;
    }
  }

  /** Starts the attempt's clock: its context and its timer. Under the lock. */
  private AttemptContext start(Attempt attempt) {
    long now = time.nanoTime();
    long left = Math.max(1, deadlineNanos - now);
    long policyNanos = TimeMath.toNanosSaturated(timeouts.queryTimeoutFor(attempt.task.players().size()));
    boolean deadlineBound = policyNanos >= left;
    long timeoutNanos = deadlineBound ? left : policyNanos;
    AttemptContext context = new AttemptContext(engine.nextQueryId(), attempt.task.attempt(), time,
        Duration.ofNanos(timeoutNanos), engine::run);
    attempt.started(context, Duration.ofNanos(timeoutNanos), deadlineBound, now);
    QueryStart started = new QueryStart(attempt.id, engine.backend().name(), stage.name(), attempt.task.players(), attempt.task.attempt(),
        Duration.ofNanos(Math.max(0, now - startNanos)), Duration.ofNanos(timeoutNanos));
    unheard.add(listener -> listener.onQueryStart(scope, started));
    try {
      attempt.timer = time.scheduler().schedule(() -> onTimeout(attempt), timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      context.cancel();
    }
    return context;
  }

  /** The attempt's timer fired before its call returned. */
  private void onTimeout(Attempt attempt) {
    synchronized (this) {
      if (done || attempt.decided) {
        return;
      }
      AttemptContext context = attempt.context();
      if (attempt.deadlineBound) {
        // The load's deadline: stopLocked cancels and records every running attempt, this one too.
        stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
      } else {
        attempt.decided = true;
        running.remove(attempt);
        context.cancel();
        QueryTimeoutException failure = QueryTimeoutException.of(attempt.timeout, attempt.task.players().size());
        record(attempt, QueryAttempt.Outcome.TIMED_OUT, 0, true, failure, Optional.empty());
        onFailure(attempt.task, failure);
        checkStageDone();
        pump();
      }
    }
    deliver();
  }

  /** The backend call returned: frees the slot, cancels the timer, and decides unless the timer or a stop did. */
  private void onCallReturned(Attempt attempt, @Nullable QueryResult queryResult, @Nullable Throwable error) {
    synchronized (this) {
      callsInFlight--;
      if (attempt.timer != null) {
        attempt.timer.cancel(false);
      }
      if (!done && !attempt.decided) {
        attempt.decided = true;
        running.remove(attempt);
        if (error == null && queryResult != null) {
          accept(attempt, queryResult);
        } else {
          LoaderException failure = toLoaderException(error == null ? null : Futures.unwrap(error));
          record(attempt, QueryAttempt.Outcome.FAILED, 0, attempt.context().isCancelled(), failure, Optional.empty());
          onFailure(attempt.task, failure);
        }
        checkStageDone();
      }
      pump();
    }
  }

  private void accept(Attempt attempt, QueryResult queryResult) {
    Optional<String> violation = contractViolation(attempt.task.players(), queryResult);
    if (violation.isPresent()) {
      LOG.warn("backend {} broke the contract: {}", engine.backend().name(), violation.get());
      BackendException failure = BackendException.permanentError("contractViolation",
          "backend " + engine.backend().name() + " broke the contract: " + violation.get(), null);
      record(attempt, QueryAttempt.Outcome.FAILED, 0, false, failure, queryResult.statistics());
      onFailure(attempt.task, failure);
      return;
    }
    record(attempt, QueryAttempt.Outcome.SUCCEEDED, queryResult.rows(), false, null, queryResult.statistics());
    // Players the backend could not load fail alone, grouped by their failure; the others load.
    Map<LoaderException, List<String>> failedBy = new LinkedHashMap<>();
    for (String player : attempt.task.players()) {
      LoaderException failure = queryResult.failures().get(player);
      if (failure != null) {
        failedBy.computeIfAbsent(failure, f -> new ArrayList<>()).add(player);
      } else {
        loaded.put(player, queryResult.games().getOrDefault(player, List.of()));
        stagePending.remove(player);
      }
    }
    failedBy.forEach((failure, players) -> onFailure(new Task(players, attempt.task.attempt()), failure));
  }

  private Optional<String> contractViolation(List<String> players, QueryResult queryResult) {
    Set<String> asked = new LinkedHashSet<>(players);
    for (String player : queryResult.failures().keySet()) {
      if (!asked.contains(player)) {
        return Optional.of("returned a failure for player '" + player + "', which the query did not ask for");
      }
    }
    for (Map.Entry<String, List<HistoricalGame>> entry : queryResult.games().entrySet()) {
      String player = entry.getKey();
      if (!asked.contains(player)) {
        return Optional.of("returned games for player '" + player + "', which the query did not ask for");
      }
      List<HistoricalGame> games = entry.getValue();
      if (games.size() > request.maxGames()) {
        return Optional.of("returned " + games.size() + " games for player '" + player + "', more than max games " + request.maxGames());
      }
      for (int i = 0; i < games.size(); i++) {
        HistoricalGame game = games.get(i);
        if (!game.playerLookup().equals(player) || game.rank() != i + 1
            || game.gameDate().isBefore(request.windowStart()) || !game.gameDate().isBefore(request.windowEnd())) {
          return Optional.of("game " + (i + 1) + " of player '" + player + "' is out of place: " + game);
        }
        if (i + 1 < games.size() && games.get(i + 1).gameDate().isAfter(game.gameDate())) {
          return Optional.of("games of player '" + player + "' are not newest first: game " + (i + 2) + " on "
              + games.get(i + 1).gameDate() + " follows " + game.gameDate());
        }
        Optional<String> rest = restDaysViolation(player, games, i);
        if (rest.isPresent()) {
          return rest;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Rest days of game {@code i}: the days back to the next game in the list; for the last game,
   * absent when the list holds every game of the window (fewer than max games), otherwise absent or
   * reaching no further back than the window's start.
   */
  private Optional<String> restDaysViolation(String player, List<HistoricalGame> games, int i) {
    HistoricalGame game = games.get(i);
    OptionalInt rest = game.restDays();
    if (i + 1 < games.size()) {
      long expected = ChronoUnit.DAYS.between(games.get(i + 1).gameDate(), game.gameDate());
      if (rest.isEmpty() || rest.getAsInt() != expected) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days "
            + (rest.isEmpty() ? "absent" : rest.getAsInt()) + " but the next game is " + Plural.count(expected, "day", "days") + " before it");
      }
    } else if (rest.isPresent()) {
      if (games.size() < request.maxGames()) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days " + rest.getAsInt()
            + " but is the player's earliest game in the window");
      }
      if (rest.getAsInt() < 0 || game.gameDate().minusDays(rest.getAsInt()).isBefore(request.windowStart())) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days " + rest.getAsInt()
            + ", reaching before the window's start " + request.windowStart());
      }
    }
    return Optional.empty();
  }

  /**
   * Decides what a failed query's players do next: split, retry after a backoff, or fail. A split
   * or retry whose backoff would end at or past the deadline is not taken: the players fail with
   * this error now, so that a fallback stage may still run.
   */
  private void onFailure(Task task, LoaderException failure) {
    boolean adaptive = stage instanceof Strategy.Adaptive;
    int size = task.players().size();
    boolean splittable = failure instanceof BackendException backendFailure && backendFailure.isSplittable();
    if (adaptive && (failure.isRetryable() || splittable) && size > 1) {
      int half = (size + 1) / 2;
      Task first = new Task(task.players().subList(0, half), 1);
      Task second = new Task(task.players().subList(half, size), 1);
      // A timed-out query's halves start at once; after a transient error (a rate limit, a server
      // error) they wait the first retry backoff, so that splitting does not hammer a busy backend;
      // a query too large for the backend splits at once, as a timed-out one does.
      Duration backoff = failure instanceof BackendException && !splittable
          ? retry.backoff(1, random.nextDouble()) : Duration.ZERO;
      if (endsBeforeDeadline(backoff)) {
        event(ReportEvent.Kind.SPLIT, size, "query of " + Plural.count(size, "player", "players") + " ended " + failure.kind()
            + "; split into " + first.players().size() + " + " + second.players().size()
            + (backoff.isZero() ? "" : " after " + backoff.toMillis() + " ms"));
        LOG.debug("load: split a query of {} players after {}", size, failure.kind());
        resumeAfter(backoff, first, second);
        return;
      }
    } else {
      boolean retryable = failure instanceof BackendException
          ? failure.isRetryable()
          : adaptive && failure instanceof QueryTimeoutException;
      if (retryable && task.attempt() < retry.maxAttempts()) {
        Duration backoff = retry.backoff(task.attempt(), random.nextDouble());
        if (endsBeforeDeadline(backoff)) {
          Task next = new Task(task.players(), task.attempt() + 1);
          event(ReportEvent.Kind.RETRY, size, "query of " + Plural.count(size, "player", "players") + " ended "
              + failure.kind() + " ("
              + failure.getMessage() + "); attempt " + next.attempt() + " after " + backoff.toMillis() + " ms");
          resumeAfter(backoff, next);
          return;
        }
      }
    }
    for (String player : task.players()) {
      stageFailures.put(player, failure);
      stagePending.remove(player);
    }
  }

  /** Whether a wait of {@code backoff} from now ends before the load's deadline. */
  private boolean endsBeforeDeadline(Duration backoff) {
    return TimeMath.plusSaturated(time.nanoTime(), TimeMath.toNanosSaturated(backoff)) < deadlineNanos;
  }

  /** Queues the tasks first, in order, now or after {@code backoff}. */
  private void resumeAfter(Duration backoff, Task... tasks) {
    for (int i = tasks.length - 1; i >= 0; i--) {
      if (backoff.isZero()) {
        queue.addFirst(tasks[i]);
      } else {
        scheduleRetry(tasks[i], backoff);
      }
    }
  }

  private void scheduleRetry(Task next, Duration backoff) {
    ScheduledFuture<?>[] holder = new ScheduledFuture<?>[1];
    Runnable resume = () -> {
      synchronized (this) {
        backoffs.remove(holder[0]);
        if (!done) {
          queue.addFirst(next);
          pump();
        }
      }
      deliver();
    };
    holder[0] = time.scheduler().schedule(resume, TimeMath.toNanosSaturated(backoff), TimeUnit.NANOSECONDS);
    if (!holder[0].isDone()) {
      backoffs.add(holder[0]);
    }
  }

  // ---- ending -------------------------------------------------------------------------------

  /** Ends the load now: running queries are cancelled, outstanding players fail with {@code failure}. */
  private void stopLocked(LoaderException failure, ReportEvent.Kind kind, String why) {
    if (done) {
      return;
    }
    int cancelled = 0;
    for (Attempt attempt : running) {
      attempt.decided = true;
      if (attempt.isStarted()) {
        attempt.context().cancel();
        record(attempt, QueryAttempt.Outcome.CANCELLED, 0, true, failure, Optional.empty());
        cancelled++;
      }
    }
    running.clear();
    queue.clear();
    backoffs.forEach(backoff -> backoff.cancel(false));
    backoffs.clear();
    int outstanding = 0;
    for (String player : request.players()) {
      if (!loaded.containsKey(player) && !stageFailures.containsKey(player)) {
        stageFailures.put(player, failure);
        outstanding++;
      }
    }
    String counts = Plural.count(outstanding, "player", "players") + " outstanding, "
        + Plural.count(cancelled, "query", "queries") + " cancelled";
    event(kind, outstanding, why + "; " + counts);
    LOG.debug("load: {}; {}", why, counts);
    finishLocked();
  }

  private void finishLocked() {
    done = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    List<PlayerOutcome> outcomes = new ArrayList<>(request.players().size());
    for (String player : request.players()) {
      List<HistoricalGame> games = loaded.get(player);
      if (games != null) {
        outcomes.add(new PlayerOutcome.Loaded(player, games));
      } else {
        LoaderException failure = stageFailures.get(player);
        if (failure == null) {
          throw new IllegalStateException("player '" + player + "' has no outcome");
        }
        outcomes.add(new PlayerOutcome.Failed(player, failure));
      }
    }
    attempts.sort(Comparator.comparingInt(QueryAttempt::id));
    LoadReport report = new LoadReport(strategyDescription, engine.settings().strategy().name(), engine.backend().name(), startedAt, deadline,
        Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), attempts, events);
    completion = LoadResult.of(outcomes, report);
  }

  /**
   * Tells the listeners and completes the caller's future, outside the lock and on an engine worker:
   * a timer thread or a caller's thread hands the telling to a worker, so a slow listener or
   * callback never holds up the shared timer (or anything else that runs on it).
   */
  private void deliver() {
    if (Thread.holdsLock(this)) {
      // A time source ran a task on the thread that holds the lock: the outer caller delivers.
      return;
    }
    if (!engine.isOwnWorker()) {
      synchronized (this) {
        if (unheard.isEmpty() && completion == null) {
          return;
        }
      }
      try {
        engine.run(this::deliver);
        return;
      } catch (RejectedExecutionException closed) {
        // The engine is closing: tell them here.
      }
    }
    // One thread at a time tells the listeners, in order; a thread that finds another one at it
    // leaves what it recorded to that one, which looks again before it lets go. Nobody blocks.
    while (listening.tryLock()) {
      LoadResult finished = null;
      try {
        List<Consumer<LoadListener>> heard;
        synchronized (this) {
          finished = completion;
          completion = null;
          heard = unheard.isEmpty() ? List.of() : List.copyOf(unheard);
          unheard.clear();
        }
        for (Consumer<LoadListener> event : heard) {
          for (LoadListener listener : engine.listeners()) {
            tell(listener, () -> event.accept(listener));
          }
        }
        if (finished != null) {
          LoadResult result = finished;
          for (LoadListener listener : engine.listeners()) {
            tell(listener, () -> listener.onLoadEnd(scope, result));
          }
        }
      } finally {
        listening.unlock();
        if (finished != null) {
          engine.finished(this);
          result.complete(finished);
        }
      }
      synchronized (this) {
        if (unheard.isEmpty() && completion == null) {
          return;
        }
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void tell(LoadListener listener, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      // Whatever it throws (an Error, an undeclared checked exception, one whose description
      // throws too): the load is still delivered.
      LOG.warn("load listener {} failed; ignored: {}", listener, Futures.describe(e));
    }
  }

  private void record(Attempt attempt, QueryAttempt.Outcome outcome, long rows, boolean cancelled,
      @Nullable LoaderException failure, Optional<dev.gamehistory.loader.BackendStatistics> statistics) {
    long now = time.nanoTime();
    QueryAttempt recorded = new QueryAttempt(attempt.id, stage.name(), attempt.task.players(), attempt.task.attempt(),
        Duration.ofNanos(Math.max(0, attempt.startNanos - startNanos)),
        Duration.ofNanos(Math.max(0, now - attempt.startNanos)),
        outcome, rows, cancelled, Optional.ofNullable(failure), statistics);
    attempts.add(recorded);
    unheard.add(listener -> listener.onQueryEnd(scope, recorded));
  }

  private void event(ReportEvent.Kind kind, int players, String detail) {
    events.add(new ReportEvent(kind, Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), players, detail));
  }

  private LoaderException toLoaderException(@Nullable Throwable cause) {
    if (cause instanceof LoaderException loaderException) {
      return loaderException;
    }
    String name = engine.backend().name();
    String what = cause == null ? "no result" : Futures.describe(cause);
    return BackendException.permanentError("unexpected", "backend " + name + " failed unexpectedly: " + what, cause);
  }

  /** Players to query together, and which try this is for them. */
  private record Task(List<String> players, int attempt) {
    Task {
      players = List.copyOf(players);
    }
  }

  /** One launched query: queued for a worker, then started when its call begins. */
  private static final class Attempt {
    final int id;
    final Task task;
    private @Nullable AttemptContext context;
    Duration timeout = Duration.ZERO;
    boolean deadlineBound;
    long startNanos;
    @Nullable ScheduledFuture<?> timer;
    boolean decided;

    Attempt(int id, Task task) {
      this.id = id;
      this.task = task;
    }

    void started(AttemptContext context, Duration timeout, boolean deadlineBound, long startNanos) {
      this.context = context;
      this.timeout = timeout;
      this.deadlineBound = deadlineBound;
      this.startNanos = startNanos;
    }

    boolean isStarted() {
      return context != null;
    }

    AttemptContext context() {
      if (context == null) {
        throw new IllegalStateException("attempt " + id + " has not started");
      }
      return context;
    }
  }
}
