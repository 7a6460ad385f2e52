package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoadScope;
import dev.gamehistory.loader.LoaderException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>This file is the load's state machine alone: its stages, slots, timers and stops, whose every
 * transition reads and writes the same state under the one lock, so it stays one class. What to
 * query next is {@link QueryPlan}'s, one query's call {@link Attempt}'s, the check of an answer
 * {@link ContractCheck}'s, the record and the result {@link Ledger}'s, the telling and completing
 * {@link Delivery}'s.
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
  private final LoadScope scope;
  private final Delivery delivery;
  private final Ledger ledger;
  private final Set<ScheduledFuture<?>> backoffs = new LinkedHashSet<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private int attemptIds;
  private boolean pumping;
  private boolean pumpAgain;
  private boolean done;

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
    this.delivery = new Delivery(engine, scope, this, () -> engine.finished(this), result);
    this.startNanos = time.nanoTime();
    this.startedAt = time.instant();
    this.deadlineNanos = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline));
    this.ledger = new Ledger(time, startNanos);
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
      delivery.add(listener -> listener.onLoadStart(scope));
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
    parallelism = QueryPlan.parallelism(stage);
    for (List<String> chunk : QueryPlan.initialChunks(stage, players)) {
      queue.addLast(new Task(chunk, 1));
    }
    pump();
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
    Attempt.Returned returned = attempt.call(engine.backend(), request, context);
    Throwable error = returned.error();
    onCallReturned(attempt, returned.result(), error);
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
    delivery.add(listener -> listener.onQueryStart(scope, started));
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
    Optional<String> violation = ContractCheck.violation(request, attempt.task.players(), queryResult);
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
        ledger.loaded(player, queryResult.games().getOrDefault(player, List.of()));
        stagePending.remove(player);
      }
    }
    failedBy.forEach((failure, players) -> onFailure(new Task(players, attempt.task.attempt()), failure));
  }

  /**
   * Carries out what the plan says a failed query's players do next: split, retry after a backoff,
   * or fail (then a fallback stage may take them).
   */
  private void onFailure(Task task, LoaderException failure) {
    int size = task.players().size();
    QueryPlan.Next next = QueryPlan.afterFailure(stage, retry, task, failure, random::nextDouble, this::endsBeforeDeadline);
    if (next instanceof QueryPlan.Next.Split split) {
      Duration backoff = split.backoff();
      event(ReportEvent.Kind.SPLIT, size, "query of " + Plural.count(size, "player", "players") + " ended " + failure.kind()
          + "; split into " + split.first().players().size() + " + " + split.second().players().size()
          + (backoff.isZero() ? "" : " after " + backoff.toMillis() + " ms"));
      LOG.debug("load: split a query of {} players after {}", size, failure.kind());
      resumeAfter(backoff, split.first(), split.second());
    } else if (next instanceof QueryPlan.Next.Retry again) {
      event(ReportEvent.Kind.RETRY, size, "query of " + Plural.count(size, "player", "players") + " ended "
          + failure.kind() + " (" + failure.getMessage() + "); attempt " + again.next().attempt() + " after "
          + again.backoff().toMillis() + " ms");
      resumeAfter(again.backoff(), again.next());
    } else {
      for (String player : task.players()) {
        stageFailures.put(player, failure);
        stagePending.remove(player);
      }
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
      if (!ledger.isLoaded(player) && !stageFailures.containsKey(player)) {
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
    delivery.complete(ledger.result(request, stageFailures, strategyDescription, engine.settings().strategy().name(),
        engine.backend().name(), startedAt, deadline));
  }

  private void deliver() {
    delivery.deliver();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void record(Attempt attempt, QueryAttempt.Outcome outcome, long rows, boolean cancelled,
      @Nullable LoaderException failure, Optional<dev.gamehistory.loader.BackendStatistics> statistics) {
    QueryAttempt recorded = ledger.record(attempt, stage.name(), outcome, rows, cancelled, failure, statistics);
    delivery.add(listener -> listener.onQueryEnd(scope, recorded));
  }

  private void event(ReportEvent.Kind kind, int players, String detail) {
    ledger.event(kind, players, detail);
  }

  private LoaderException toLoaderException(@Nullable Throwable cause) {
    if (cause instanceof LoaderException loaderException) {
      return loaderException;
    }
    String name = engine.backend().name();
    String what = cause == null ? "no result" : Futures.describe(cause);
    return BackendException.permanentError("unexpected", "backend " + name + " failed unexpectedly: " + what, cause);
  }
}
