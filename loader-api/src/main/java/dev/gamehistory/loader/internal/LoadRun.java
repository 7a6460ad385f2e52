package dev.gamehistory.loader.internal;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.RetryPolicy;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.TimeoutPolicy;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.TimeSource;
import dev.gamehistory.loader.spi.WindowQuery;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.time.Instant;
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
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load: runs the strategy's stages over the backend, bounds every query with a
 * {@link TimeLimiter} on the shared scheduler, retries, splits, falls back, and ends every player
 * with exactly one outcome by the deadline.
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
  private final SplittableRandom random = new SplittableRandom();

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
  private final List<ReportEvent> events = new ArrayList<>();
  private final Set<ScheduledFuture<?>> backoffs = new LinkedHashSet<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private int attemptIds;
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
          failed.size() + " player(s) failed under " + stage.describe() + "; trying " + next.describe());
      LOG.debug("load: {} player(s) fall back from {} to {}", failed.size(), stage.describe(), next.describe());
      startStage(stageIndex + 1, failed);
    } else {
      finishLocked();
    }
  }

  // ---- attempts -----------------------------------------------------------------------------

  private void pump() {
    while (!done && callsInFlight < parallelism && !queue.isEmpty()) {
      launch(queue.pollFirst());
    }
  }

  private void launch(Task task) {
    long now = time.nanoTime();
    long left = deadlineNanos - now;
    if (left <= 0) {
      queue.addFirst(task);
      stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
      return;
    }
    Duration policyTimeout = timeouts.queryTimeoutFor(task.players().size());
    boolean deadlineBound = TimeMath.toNanosSaturated(policyTimeout) >= left;
    Duration timeout = deadlineBound ? Duration.ofNanos(left) : policyTimeout;
    int id = ++attemptIds;
    AttemptContext context = new AttemptContext(engine.nextQueryId(), task.attempt(), time, timeout, engine.workers());
    Attempt attempt = new Attempt(id, task, context, timeout, deadlineBound, now);
    running.add(attempt);
    // The wait is bounded before the call starts, so that every call has its timeout armed.
    TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom()
        .timeoutDuration(timeout)
        .cancelRunningFuture(false)
        .build());
    try {
      limiter.executeCompletionStage(time.scheduler(), () -> attempt.call)
          .whenComplete((queryResult, error) -> onAttemptDone(attempt, queryResult, error));
    } catch (RejectedExecutionException closed) {
      stopLocked(LoadCancelledException.of("loader closed"), ReportEvent.Kind.CANCELLED, "load cancelled: loader closed");
      return;
    }
    callsInFlight++;
    try {
      engine.workers().execute(() -> call(attempt));
    } catch (RejectedExecutionException closed) {
      callsInFlight--;
      attempt.call.completeExceptionally(LoadCancelledException.of("loader closed"));
    }
  }

  /** Runs on a worker thread: the backend call itself. Frees the slot only when the call returns. */
  private void call(Attempt attempt) {
    attempt.context.runOn(Thread.currentThread());
    try {
      if (attempt.context.isCancelled()) {
        attempt.call.completeExceptionally(LoadCancelledException.of("query cancelled before it started"));
        return;
      }
      WindowQuery query = new WindowQuery(attempt.task.players(), request.gameDate(), request.lookbackDays(), request.maxGames());
      QueryResult queryResult = engine.backend().fetch(query, attempt.context);
      if (queryResult == null) {
        throw new NullPointerException("backend " + engine.backend().name() + " returned no result");
      }
      attempt.call.complete(queryResult);
    } catch (RuntimeException | Error e) {
      attempt.call.completeExceptionally(e);
      if (e instanceof Error error && !(e instanceof AssertionError)) {
        throw error;
      }
    } finally {
      attempt.context.runOn(null);
      Thread.interrupted();
      synchronized (this) {
        callsInFlight--;
        pump();
      }
      deliver();
    }
  }

  private void onAttemptDone(Attempt attempt, @Nullable QueryResult queryResult, @Nullable Throwable error) {
    synchronized (this) {
      if (done || attempt.decided) {
        return;
      }
      attempt.decided = true;
      running.remove(attempt);
      Throwable cause = unwrap(error);
      if (cause == null && queryResult != null) {
        accept(attempt, queryResult);
      } else if (cause instanceof TimeoutException) {
        attempt.context.cancel();
        if (attempt.deadlineBound) {
          running.add(attempt);
          attempt.decided = false;
          stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
        } else {
          QueryTimeoutException failure = QueryTimeoutException.of(attempt.timeout, attempt.task.players().size());
          record(attempt, QueryAttempt.Outcome.TIMED_OUT, 0, true, failure, Optional.empty());
          onFailure(attempt.task, failure);
        }
      } else {
        LoaderException failure = toLoaderException(cause);
        record(attempt, QueryAttempt.Outcome.FAILED, 0, attempt.context.isCancelled(), failure, Optional.empty());
        onFailure(attempt.task, failure);
      }
      checkStageDone();
      pump();
    }
    deliver();
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
    for (String player : attempt.task.players()) {
      loaded.put(player, queryResult.games().getOrDefault(player, List.of()));
      stagePending.remove(player);
    }
  }

  private Optional<String> contractViolation(List<String> players, QueryResult queryResult) {
    Set<String> asked = new LinkedHashSet<>(players);
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
      }
    }
    return Optional.empty();
  }

  /** Decides what a failed query's players do next: split, retry after a backoff, or fail. */
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
      event(ReportEvent.Kind.SPLIT, size, "query of " + size + " player(s) ended " + failure.kind()
          + "; split into " + first.players().size() + " + " + second.players().size()
          + (backoff.isZero() ? "" : " after " + backoff.toMillis() + " ms"));
      LOG.debug("load: split a query of {} players after {}", size, failure.kind());
      if (backoff.isZero()) {
        queue.addFirst(second);
        queue.addFirst(first);
      } else {
        scheduleRetry(second, backoff);
        scheduleRetry(first, backoff);
      }
      return;
    }
    boolean retryable = failure instanceof BackendException
        ? failure.isRetryable()
        : adaptive && failure instanceof QueryTimeoutException;
    if (retryable && task.attempt() < retry.maxAttempts()) {
      Duration backoff = retry.backoff(task.attempt(), random.nextDouble());
      long retryAt = TimeMath.plusSaturated(time.nanoTime(), TimeMath.toNanosSaturated(backoff));
      if (retryAt < deadlineNanos) {
        Task next = new Task(task.players(), task.attempt() + 1);
        event(ReportEvent.Kind.RETRY, size, "query of " + size + " player(s) ended " + failure.kind() + " ("
            + failure.getMessage() + "); attempt " + next.attempt() + " after " + backoff.toMillis() + " ms");
        if (backoff.isZero()) {
          queue.addFirst(next);
        } else {
          scheduleRetry(next, backoff);
        }
        return;
      }
    }
    for (String player : task.players()) {
      stageFailures.put(player, failure);
      stagePending.remove(player);
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
      attempt.context.cancel();
      record(attempt, QueryAttempt.Outcome.CANCELLED, 0, true, failure, Optional.empty());
      cancelled++;
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
    event(kind, outstanding, why + "; " + outstanding + " player(s) outstanding, " + cancelled + " query(ies) cancelled");
    LOG.debug("load: {}; {} player(s) outstanding, {} query(ies) cancelled", why, outstanding, cancelled);
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
    LoadReport report = new LoadReport(strategyDescription, engine.backend().name(), startedAt, deadline,
        Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), attempts, events);
    completion = LoadResult.of(outcomes, report);
  }

  /** Completes the caller's future outside the lock, off the timer thread. */
  private void deliver() {
    LoadResult finished;
    synchronized (this) {
      finished = completion;
      completion = null;
    }
    if (finished == null) {
      return;
    }
    engine.finished(this);
    LoadResult value = finished;
    try {
      engine.workers().execute(() -> result.complete(value));
    } catch (RejectedExecutionException closed) {
      result.complete(value);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void record(Attempt attempt, QueryAttempt.Outcome outcome, long rows, boolean cancelled,
      @Nullable LoaderException failure, Optional<dev.gamehistory.loader.BackendStatistics> statistics) {
    long now = time.nanoTime();
    attempts.add(new QueryAttempt(attempt.id, stage.name(), attempt.task.players(), attempt.task.attempt(),
        Duration.ofNanos(Math.max(0, attempt.startNanos - startNanos)),
        Duration.ofNanos(Math.max(0, now - attempt.startNanos)),
        outcome, rows, cancelled, Optional.ofNullable(failure), statistics));
  }

  private void event(ReportEvent.Kind kind, int players, String detail) {
    events.add(new ReportEvent(kind, Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos)), players, detail));
  }

  private LoaderException toLoaderException(@Nullable Throwable cause) {
    if (cause instanceof LoaderException loaderException) {
      return loaderException;
    }
    String name = engine.backend().name();
    String what = cause == null ? "no result" : cause.toString();
    return BackendException.permanentError("unexpected", "backend " + name + " failed unexpectedly: " + what, cause);
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Players to query together, and which try this is for them. */
  private record Task(List<String> players, int attempt) {
    Task {
      players = List.copyOf(players);
    }
  }

  /** One launched query. */
  private static final class Attempt {
    final int id;
    final Task task;
    final AttemptContext context;
    final Duration timeout;
    final boolean deadlineBound;
    final long startNanos;
    final CompletableFuture<QueryResult> call = new CompletableFuture<>();
    boolean decided;

    Attempt(int id, Task task, AttemptContext context, Duration timeout, boolean deadlineBound, long startNanos) {
      this.id = id;
      this.task = task;
      this.context = context;
      this.timeout = timeout;
      this.deadlineBound = deadlineBound;
      this.startNanos = startNanos;
    }
  }
}
