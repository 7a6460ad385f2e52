package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.HistoricalGame;
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
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load of one or more game dates (a backfill's part): runs the strategy's stages over the
 * backend, bounds every query with its own timer on the shared scheduler (armed when the call
 * starts, cancelled however the attempt ends), retries, splits, falls back, and ends every (date,
 * player) pair with exactly one outcome by the deadline. A date ends as soon as its pairs are
 * decided and none waits for a fallback stage.
 *
 * <p>All state is guarded by {@code this}. Nothing under the lock blocks: backend calls run on the
 * worker executor, timers on the scheduler, and results are handed over outside the lock.
 *
 * <p>This file is the load's state machine alone: its stages, slots, timers and stops, whose every
 * transition reads and writes the same state under the one lock, so it stays one class. What to
 * query next is {@link QueryPlan}'s, one query's call {@link Attempt}'s, the check of an answer
 * {@link ContractCheck}'s, the record and the results {@link Ledger}'s, the telling and handing over
 * {@link Delivery}'s.
 */
final class LoadRun {

  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  /** Where a backfill's dates go as they end, after their listeners heard the end; never throws. */
  interface DateSink {
    void dateDone(LoadRequest request, LoadResult result);
  }

  private final Engine engine;
  private final TimeSource time;
  private final List<LoadRequest> requests;
  private final Map<LocalDate, LoadRequest> byDate = new LinkedHashMap<>();
  private final Map<LocalDate, LoadScope> scopes = new HashMap<>();
  private final int lookbackDays;
  private final int maxGames;
  private final @Nullable BackfillPolicy grouping;
  private final @Nullable DateSink sink;
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
  private final Delivery delivery;
  private final Ledger ledger;

  // Guarded by this.
  private int stageIndex = -1;
  private Strategy stage;
  private int parallelism = 1;
  private final Deque<Task> queue = new ArrayDeque<>();
  private final Set<Attempt> running = new LinkedHashSet<>();
  private int callsInFlight;
  private Set<Pair> stagePending = new LinkedHashSet<>();
  private Map<Pair, LoaderException> stageFailures = new LinkedHashMap<>();
  /** Pairs of each date not decided yet in this stage. */
  private final Map<LocalDate, Integer> open = new HashMap<>();
  /** Dates with a pair that failed in this stage. */
  private final Set<LocalDate> failedInStage = new HashSet<>();
  private final Set<LocalDate> ended = new HashSet<>();
  private final Set<ScheduledFuture<?>> backoffs = new LinkedHashSet<>();
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private int attemptIds;
  private boolean pumping;
  private boolean pumpAgain;
  private boolean done;
  /** Whether {@link #start} or {@link #startCancelled} ran; a cancel before either waits for it. */
  private boolean started;
  private @Nullable String cancelledBeforeStart;
  /** Run once the load is done and no backend call of it is still running; see {@link #whenIdle}. */
  private @Nullable Runnable onIdle;

  /** A load of one game date, whose result completes {@link #result()}. */
  LoadRun(Engine engine, LoadRequest request) {
    this(engine, List.of(request), null, null,
        request.deadline().orElse(engine.settings().timeouts().deadline()), engine.time().nanoTime(),
        engine.time().instant());
  }

  /**
   * Part of a backfill: dates of one window, grouped into queries by {@code grouping}, the whole
   * ending by {@code deadline} from {@code startNanos} (the backfill's), each date's result going to
   * {@code sink}.
   */
  LoadRun(Engine engine, List<LoadRequest> requests, @Nullable BackfillPolicy grouping, @Nullable DateSink sink,
      Duration deadline, long startNanos, Instant startedAt) {
    this.engine = engine;
    this.time = engine.time();
    this.requests = List.copyOf(requests);
    for (LoadRequest request : requests) {
      byDate.put(request.gameDate(), request);
      scopes.put(request.gameDate(), new LoadScope(request));
    }
    this.lookbackDays = requests.get(0).lookbackDays();
    this.maxGames = requests.get(0).maxGames();
    this.grouping = grouping;
    this.sink = sink;
    Strategy strategy = engine.settings().strategy();
    this.stages = strategy instanceof Strategy.Fallback fallback ? fallback.stages() : List.of(strategy);
    this.stage = stages.get(0);
    this.strategyDescription = strategy.describe();
    this.timeouts = engine.settings().timeouts();
    this.retry = engine.settings().retry();
    this.deadline = deadline;
    this.random = new SplittableRandom(time.jitterSeed());
    this.delivery = new Delivery(engine, this);
    this.startNanos = startNanos;
    this.startedAt = startedAt;
    this.deadlineNanos = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline));
    this.ledger = new Ledger(time, startNanos);
  }

  /** The result of a load of one game date. */
  CompletableFuture<LoadResult> result() {
    return result;
  }

  /** Arms the deadline and starts the first stage. */
  void start() {
    synchronized (this) {
      if (done || started) {
        return;
      }
      if (cancelledBeforeStart != null) {
        startCancelled(cancelledBeforeStart);
        return;
      }
      started = true;
      SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
      for (LoadRequest request : requests) {
        LoadScope scope = scopes.get(request.gameDate());
        delivery.add(listener -> listener.onLoadStart(scope));
        slates.put(request.gameDate(), request.players());
      }
      try {
        deadlineTimer = time.scheduler().schedule(this::onDeadline, deadlineNanos - time.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        stopLocked(LoadCancelledException.of("loader closed"), ReportEvent.Kind.CANCELLED, "load cancelled: loader closed");
      }
      if (!done) {
        startStage(0, slates);
      }
    }
    deliver();
  }

  /**
   * Starts the load already stopped, as a backfill does with the parts it reaches after a cancel:
   * the listeners hear each date start and end, and every pair fails as cancelled.
   */
  void startCancelled(String why) {
    synchronized (this) {
      if (done || started) {
        return;
      }
      started = true;
      for (LoadRequest request : requests) {
        LoadScope scope = scopes.get(request.gameDate());
        delivery.add(listener -> listener.onLoadStart(scope));
      }
      stopLocked(LoadCancelledException.of(why), ReportEvent.Kind.CANCELLED, "load cancelled: " + why);
    }
    deliver();
  }

  /** Every query attempt so far, each once. */
  synchronized List<QueryAttempt> attempts() {
    return ledger.attempts();
  }

  /**
   * Ends the load at once: outstanding players fail as cancelled, running queries are cancelled. A
   * cancel before the load started is kept for its start, so that the listeners hear each date start
   * before it ends.
   */
  void cancel(String why) {
    synchronized (this) {
      if (!started) {
        if (cancelledBeforeStart == null) {
          cancelledBeforeStart = why;
        }
        return;
      }
      stopLocked(LoadCancelledException.of(why), ReportEvent.Kind.CANCELLED, "load cancelled: " + why);
    }
    deliver();
  }

  private void onDeadline() {
    synchronized (this) {
      stopAtDeadline();
    }
    deliver();
  }

  private void stopAtDeadline() {
    stopLocked(DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE, "deadline of " + deadline.toMillis() + " ms passed");
  }

  // ---- stages -------------------------------------------------------------------------------

  private void startStage(int index, SortedMap<LocalDate, List<String>> slates) {
    stageIndex = index;
    stage = stages.get(index);
    stagePending = new LinkedHashSet<>();
    stageFailures = new LinkedHashMap<>();
    open.clear();
    failedInStage.clear();
    slates.forEach((date, players) -> {
      players.forEach(player -> stagePending.add(new Pair(date, player)));
      open.put(date, players.size());
    });
    parallelism = QueryPlan.parallelism(stage);
    queue.addAll(QueryPlan.initialTasks(stage, slates, grouping));
    pump();
  }

  private void checkStageDone() {
    if (done || !stagePending.isEmpty()) {
      return;
    }
    if (!stageFailures.isEmpty() && stageIndex + 1 < stages.size()) {
      SortedMap<LocalDate, List<String>> failed = new TreeMap<>();
      for (LoadRequest request : requests) {
        for (String player : request.players()) {
          if (stageFailures.containsKey(new Pair(request.gameDate(), player))) {
            failed.computeIfAbsent(request.gameDate(), d -> new ArrayList<>()).add(player);
          }
        }
      }
      int pairs = failed.values().stream().mapToInt(List::size).sum();
      Strategy next = stages.get(stageIndex + 1);
      event(ReportEvent.Kind.FALLBACK, pairs, count(pairs) + " failed under " + stage.describe() + "; trying "
          + next.describe(), failed.keySet());
      LOG.debug("load: {} fall back from {} to {}", count(pairs), stage.describe(), next.describe());
      startStage(stageIndex + 1, failed);
    } else {
      finishLocked();
    }
  }

  /** A pair loaded in this stage. */
  private void loaded(Pair pair, List<HistoricalGame> games) {
    ledger.loaded(pair, games);
    if (stagePending.remove(pair)) {
      decided(pair.gameDate());
    }
  }

  /** A pair failed in this stage; a later stage may still take it. */
  private void failed(Pair pair, LoaderException failure) {
    stageFailures.put(pair, failure);
    if (stagePending.remove(pair)) {
      failedInStage.add(pair.gameDate());
      decided(pair.gameDate());
    }
  }

  /** One more pair of {@code date} decided: the date ends when it was the last and none waits for a fallback. */
  private void decided(LocalDate date) {
    int left = open.merge(date, -1, Integer::sum);
    if (left == 0 && (!failedInStage.contains(date) || stageIndex + 1 == stages.size())) {
      endDate(date);
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
      stopAtDeadline();
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
    Attempt.Returned returned = attempt.call(engine.backend(), lookbackDays, maxGames, context);
    onCallReturned(attempt, returned);
    deliver();
    if (returned.error() instanceof VirtualMachineError fatal) {
      // Recorded as the query's failure and its slot freed; the JVM's own trouble still surfaces.
      throw fatal;
    }
  }

  /** Starts the attempt's clock: its context and its timer. Under the lock. */
  private AttemptContext start(Attempt attempt) {
    long now = time.nanoTime();
    long left = Math.max(1, deadlineNanos - now);
    long policyNanos = TimeMath.toNanosSaturated(timeouts.queryTimeoutFor(attempt.task.pairs()));
    boolean deadlineBound = policyNanos >= left;
    long timeoutNanos = deadlineBound ? left : policyNanos;
    AttemptContext context = new AttemptContext(engine.nextQueryId(), attempt.task.attempt(), time,
        Duration.ofNanos(timeoutNanos), engine::run);
    attempt.started(context, Duration.ofNanos(timeoutNanos), deadlineBound, now);
    QueryStart started = new QueryStart(attempt.id, engine.backend().name(), stage.name(), attempt.task.players(),
        attempt.task.attempt(), Duration.ofNanos(Math.max(0, now - startNanos)), Duration.ofNanos(timeoutNanos));
    LoadScope scope = scopeOf(attempt.task);
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
        stopAtDeadline();
      } else {
        attempt.decided = true;
        running.remove(attempt);
        context.cancel();
        QueryTimeoutException failure = QueryTimeoutException.of(attempt.timeout, attempt.task.pairs());
        record(attempt, QueryAttempt.Outcome.TIMED_OUT, Map.of(), true, failure, Optional.empty());
        onFailure(attempt.task, failure);
        checkStageDone();
        pump();
      }
    }
    deliver();
  }

  /** The backend call returned: frees the slot, cancels the timer, and decides unless the timer or a stop did. */
  private void onCallReturned(Attempt attempt, Attempt.Returned returned) {
    synchronized (this) {
      callsInFlight--;
      if (attempt.timer != null) {
        attempt.timer.cancel(false);
      }
      if (!done && !attempt.decided) {
        attempt.decided = true;
        running.remove(attempt);
        Map<LocalDate, QueryResult> byDateResult = returned.byDate();
        if (returned.error() == null && byDateResult != null) {
          accept(attempt, byDateResult, returned.statistics());
        } else {
          Throwable error = returned.error();
          LoaderException failure = toLoaderException(error == null ? null : Futures.unwrap(error));
          record(attempt, QueryAttempt.Outcome.FAILED, Map.of(), attempt.context().isCancelled(), failure, Optional.empty());
          onFailure(attempt.task, failure);
        }
        checkStageDone();
      }
      pump();
    }
  }

  private void accept(Attempt attempt, Map<LocalDate, QueryResult> results, Optional<BackendStatistics> statistics) {
    Task task = attempt.task;
    Optional<String> violation = ContractCheck.violation(byDate, task, results);
    if (violation.isPresent()) {
      LOG.warn("backend {} broke the contract: {}", engine.backend().name(), violation.get());
      BackendException failure = BackendException.permanentError("contractViolation",
          "backend " + engine.backend().name() + " broke the contract: " + violation.get(), null);
      record(attempt, QueryAttempt.Outcome.FAILED, Map.of(), false, failure, statistics);
      onFailure(task, failure);
      return;
    }
    Map<LocalDate, Long> rows = new HashMap<>();
    results.forEach((date, dateResult) -> rows.put(date, dateResult.rows()));
    record(attempt, QueryAttempt.Outcome.SUCCEEDED, rows, false, null, statistics);
    // Players the backend could not load fail alone, grouped by their failure; the others load.
    Map<LoaderException, SortedMap<LocalDate, List<String>>> failedBy = new LinkedHashMap<>();
    task.slates().forEach((date, players) -> {
      QueryResult dateResult = results.get(date);
      for (String player : players) {
        LoaderException failure = dateResult.failures().get(player);
        if (failure != null) {
          failedBy.computeIfAbsent(failure, f -> new TreeMap<>()).computeIfAbsent(date, d -> new ArrayList<>()).add(player);
        } else {
          loaded(new Pair(date, player), dateResult.games().getOrDefault(player, List.of()));
        }
      }
    });
    failedBy.forEach((failure, slates) -> onFailure(new Task(slates, task.attempt()), failure));
  }

  /**
   * Carries out what the plan says a failed query's players do next: split, retry after a backoff,
   * or fail (then a fallback stage may take them).
   */
  private void onFailure(Task task, LoaderException failure) {
    QueryPlan.Next next = QueryPlan.afterFailure(stage, retry, task, failure, random::nextDouble, this::endsBeforeDeadline);
    if (next instanceof QueryPlan.Next.Split split) {
      Duration backoff = split.backoff();
      event(ReportEvent.Kind.SPLIT, task.pairs(), "query of " + task.describe() + " ended " + failure.kind()
          + "; split into " + split.first().size() + " + " + split.second().size() + (task.isSingleDate() ? "" : " dates")
          + (backoff.isZero() ? "" : " after " + backoff.toMillis() + " ms"), task.slates().keySet());
      LOG.debug("load: split a query of {} after {}", task.describe(), failure.kind());
      resumeAfter(backoff, split.first(), split.second());
    } else if (next instanceof QueryPlan.Next.Retry again) {
      event(ReportEvent.Kind.RETRY, task.pairs(), "query of " + task.describe() + " ended "
          + failure.kind() + " (" + failure.getMessage() + "); attempt " + again.next().attempt() + " after "
          + again.backoff().toMillis() + " ms", task.slates().keySet());
      resumeAfter(again.backoff(), again.next());
    } else {
      task.slates().forEach((date, players) -> players.forEach(player -> failed(new Pair(date, player), failure)));
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

  /** Ends the load now: running queries are cancelled, outstanding pairs fail with {@code failure}. */
  private void stopLocked(LoaderException failure, ReportEvent.Kind kind, String why) {
    if (done) {
      return;
    }
    int cancelled = 0;
    for (Attempt attempt : running) {
      attempt.decided = true;
      if (attempt.isStarted()) {
        attempt.context().cancel();
        record(attempt, QueryAttempt.Outcome.CANCELLED, Map.of(), true, failure, Optional.empty());
        cancelled++;
      }
    }
    running.clear();
    queue.clear();
    backoffs.forEach(backoff -> backoff.cancel(false));
    backoffs.clear();
    int outstanding = 0;
    for (LoadRequest request : requests) {
      if (ended.contains(request.gameDate())) {
        continue;
      }
      for (String player : request.players()) {
        Pair pair = new Pair(request.gameDate(), player);
        if (!ledger.isLoaded(pair) && !stageFailures.containsKey(pair)) {
          stageFailures.put(pair, failure);
          outstanding++;
        }
      }
    }
    String counts = count(outstanding) + " outstanding, " + Plural.count(cancelled, "query", "queries") + " cancelled";
    event(kind, outstanding, why + "; " + counts, null);
    LOG.debug("load: {}; {}", why, counts);
    finishLocked();
  }

  /** Ends every date not ended yet, in date order. */
  private void finishLocked() {
    for (LoadRequest request : requests) {
      if (!ended.contains(request.gameDate())) {
        endDate(request.gameDate());
      }
    }
  }

  /** Makes a date's result and hands it over; the last date ends the load. */
  private void endDate(LocalDate date) {
    ended.add(date);
    LoadRequest request = byDate.get(date);
    LoadResult dateResult = ledger.result(request, stageFailures, strategyDescription,
        engine.settings().strategy().name(), engine.backend().name(), startedAt, deadline);
    Runnable then = sink == null ? () -> result.complete(dateResult) : () -> sink.dateDone(request, dateResult);
    if (ended.size() == requests.size()) {
      done = true;
      if (deadlineTimer != null) {
        deadlineTimer.cancel(false);
      }
      Runnable handOver = then;
      then = () -> {
        engine.finished(this);
        handOver.run();
      };
    }
    delivery.end(scopes.get(date), dateResult, then);
  }

  private void deliver() {
    delivery.deliver();
    Runnable idle = null;
    synchronized (this) {
      if (done && callsInFlight == 0 && onIdle != null) {
        idle = onIdle;
        onIdle = null;
      }
    }
    if (idle != null) {
      idle.run();
    }
  }

  /**
   * Runs {@code action} once the load is done and none of its backend calls still runs (a backend
   * that ignores a cancel holds its slot until it returns): at once when that is so, else on the
   * thread that frees the last slot. A backfill starts its next part then, so that its parts
   * together never run more calls than the strategy's parallelism.
   */
  void whenIdle(Runnable action) {
    synchronized (this) {
      if (!(done && callsInFlight == 0)) {
        onIdle = action;
        return;
      }
    }
    action.run();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The scope whose listeners hear a query: that of its first date. */
  private LoadScope scopeOf(Task task) {
    return scopes.get(task.slates().firstKey());
  }

  /** {@code 3 players} for a load of one date, {@code 3 pairs} for a backfill's part. */
  private String count(int pairs) {
    return grouping == null ? Plural.count(pairs, "player", "players") : Plural.count(pairs, "pair", "pairs");
  }

  private void record(Attempt attempt, QueryAttempt.Outcome outcome, Map<LocalDate, Long> rows, boolean cancelled,
      @Nullable LoaderException failure, Optional<BackendStatistics> statistics) {
    QueryAttempt recorded = ledger.record(attempt, stage.name(), outcome, rows, cancelled, failure, statistics);
    LoadScope scope = scopeOf(attempt.task);
    delivery.add(listener -> listener.onQueryEnd(scope, recorded));
  }

  private void event(ReportEvent.Kind kind, int pairs, String detail, @Nullable Set<LocalDate> dates) {
    ledger.event(kind, pairs, detail, dates);
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
