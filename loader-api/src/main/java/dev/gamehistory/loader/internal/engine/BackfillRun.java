package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillReport;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A backfill on the engine: its dates in parts of consecutive dates with one window, each part a
 * {@link LoadRun} whose queries hold up to {@code backfill.dates-per-query} dates, the parts run one
 * after another, each date handed to the reader in date order as soon as it and every date before it
 * ended. A part starts when the one before it ended, none of its backend calls still runs (so that the
 * parts together never run more calls than the strategy's parallelism, even over a backend that
 * ignores cancels) and the reader took every date before that one: at most two parts' dates are held
 * at once, whatever the season's length. Once the backfill's deadline passes, the parts left start at
 * once and end at once, without a query.
 */
final class BackfillRun implements Backfill {

  private final Engine engine;
  private final TimeSource time;
  private final List<LoadRequest> dates;
  private final List<List<LoadRequest>> parts;
  private final BackfillPolicy policy;
  private final Duration deadline;
  private final long startNanos;
  private final Instant startedAt;

  // Guarded by this.
  /** The result of each date not handed out yet: empty futures, but for the dates of started parts. */
  private final Map<LocalDate, CompletableFuture<LoadResult>> results = new HashMap<>();
  /** Each started part's run, until it ended and its queries went into {@link #tally}. */
  private final List<@Nullable LoadRun> partRuns = new ArrayList<>();
  private final BackfillTally tally = new BackfillTally();
  private final List<CompletableFuture<Void>> partEnds = new ArrayList<>();
  /** Per started part: done once it ended and none of its backend calls still runs. */
  private final List<CompletableFuture<Void>> partIdle = new ArrayList<>();
  /** Whether the backfill's deadline passed: parts then start at once, and end at once. */
  private boolean deadlinePassed;
  private @Nullable ScheduledFuture<?> deadlineTimer;
  /** How many dates went to the reader. */
  private int handedOut;
  private @Nullable String cancelled;
  private @Nullable Duration finishedAfter;

  BackfillRun(Engine engine, BackfillRequest request) {
    this.engine = engine;
    this.time = engine.time();
    this.dates = request.dates();
    this.policy = engine.settings().backfill();
    this.deadline = request.deadline().orElse(policy.deadline());
    this.parts = parts(dates, partSize(engine.settings().strategy(), policy));
    this.startNanos = time.nanoTime();
    this.startedAt = time.instant();
    for (LoadRequest date : dates) {
      results.put(date.gameDate(), new CompletableFuture<>());
    }
  }

  /** Dates of one part: as many as the first stage runs queries at once, each of {@code dates-per-query} dates. */
  private static int partSize(Strategy strategy, BackfillPolicy policy) {
    Strategy first = strategy instanceof Strategy.Fallback fallback ? fallback.stages().get(0) : strategy;
    return Math.max(1, QueryPlan.parallelism(first)) * policy.datesPerQuery();
  }

  /** Consecutive dates of one window, at most {@code size} a part. */
  static List<List<LoadRequest>> parts(List<LoadRequest> dates, int size) {
    List<List<LoadRequest>> parts = new ArrayList<>();
    List<LoadRequest> part = new ArrayList<>();
    for (LoadRequest request : dates) {
      if (!part.isEmpty() && (part.size() == size || part.get(0).lookbackDays() != request.lookbackDays()
          || part.get(0).maxGames() != request.maxGames())) {
        parts.add(part);
        part = new ArrayList<>();
      }
      part.add(request);
    }
    parts.add(part);
    return parts;
  }

  /**
   * The queries a backfill of {@code dates} starts with under {@code policy}, before a strategy
   * chunks their pairs: consecutive dates of one window, at most the policy's dates and pairs a query.
   */
  static List<DatesQuery> firstQueries(List<LoadRequest> dates, BackfillPolicy policy) {
    List<DatesQuery> queries = new ArrayList<>();
    for (List<LoadRequest> window : parts(dates, Integer.MAX_VALUE)) {
      SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
      window.forEach(request -> slates.put(request.gameDate(), request.players()));
      for (SortedMap<LocalDate, List<String>> group : QueryPlan.groups(slates, policy)) {
        queries.add(new DatesQuery(group, window.get(0).lookbackDays(), window.get(0).maxGames()));
      }
    }
    return queries;
  }

  /** Arms the backfill's deadline and starts the first part. */
  BackfillRun start() {
    Runnable first;
    synchronized (this) {
      first = preparePart(0);
      if (parts.size() > 1) {
        long delay = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline)) - time.nanoTime();
        try {
          deadlineTimer = time.scheduler().schedule(this::onDeadline, Math.max(0, delay), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
          deadlinePassed = true;
        }
      }
    }
    first.run();
    return this;
  }

  private void onDeadline() {
    synchronized (this) {
      deadlinePassed = true;
      deadlineTimer = null;
    }
    startNextPart();
  }

  /** Cancels the deadline's timer once every part started. Under this lock. */
  private void disarmIfAllStarted() {
    if (partRuns.size() == parts.size() && deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
  }

  /**
   * Prepares part {@code index} under this lock: its dates' results get a place; returns what starts
   * its run (stopped after a cancel), to be run outside this lock.
   */
  private Runnable preparePart(int index) {
    List<LoadRequest> part = parts.get(index);
    CompletableFuture<Void> end = new CompletableFuture<>();
    int[] left = {part.size()};
    LoadRun run = new LoadRun(engine, part, policy, (request, result) -> {
      CompletableFuture<LoadResult> future;
      boolean last;
      synchronized (this) {
        future = results.get(request.gameDate());
        last = --left[0] == 0;
        if (last) {
          // Every attempt of an ended part is recorded: its totals are kept, not the run.
          LoadRun ended = partRuns.get(index);
          if (ended != null) {
            tally.queries(ended.attempts());
            partRuns.set(index, null);
          }
        }
      }
      if (future != null) {
        future.complete(result);
      }
      if (last) {
        end.complete(null);
        startNextPart();
      }
    }, deadline, startNanos, startedAt);
    CompletableFuture<Void> idle = new CompletableFuture<>();
    partRuns.add(run);
    partEnds.add(end);
    partIdle.add(idle);
    disarmIfAllStarted();
    String why = cancelled;
    return () -> {
      engine.startPart(run, why);
      run.whenIdle(() -> {
        idle.complete(null);
        startNextPart();
      });
    };
  }

  /**
   * Starts the next part once the last one started ended and the reader took every date before it.
   * Called without this lock: a run starts (and may tell its listeners) outside it.
   */
  private void startNextPart() {
    Runnable next = null;
    synchronized (this) {
      int started = partRuns.size();
      if (started == parts.size() || !partEnds.get(started - 1).isDone()
          || !(partIdle.get(started - 1).isDone() || deadlinePassed || cancelled != null)) {
        return;
      }
      int before = 0;
      for (int i = 0; i < started - 1; i++) {
        before += parts.get(i).size();
      }
      if (handedOut >= before) {
        next = preparePart(started);
      }
    }
    if (next != null) {
      next.run();
    }
  }

  @Override
  public synchronized boolean hasNext() {
    return handedOut < dates.size();
  }

  @Override
  public DateResult next() {
    LoadRequest request;
    synchronized (this) {
      if (handedOut == dates.size()) {
        throw new NoSuchElementException("every date of the backfill was handed out");
      }
      request = dates.get(handedOut);
    }
    startNextPart();
    CompletableFuture<LoadResult> future;
    synchronized (this) {
      // The date's part starts when the part before it ends: every date before it was handed out.
      future = results.get(request.gameDate());
    }
    LoadResult result;
    try {
      // A copy: an interrupt cancels the copy, and the date's result still arrives for a later read.
      result = Futures.await(time.work(), future.copy());
    } catch (LoadCancelledException interrupted) {
      cancel("the reading thread was interrupted");
      throw interrupted;
    }
    synchronized (this) {
      results.remove(request.gameDate());
      handedOut++;
      tally.date(request, result);
      if (handedOut == dates.size()) {
        finishedAfter = Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos));
      }
    }
    startNextPart();
    return new DateResult(request.gameDate(), result);
  }

  @Override
  public void cancel() {
    cancel("cancelled by the caller");
  }

  private void cancel(String why) {
    List<LoadRun> running;
    synchronized (this) {
      if (cancelled != null || handedOut == dates.size()) {
        return;
      }
      cancelled = why;
      running = partRuns.stream().filter(Objects::nonNull).toList();
      if (deadlineTimer != null) {
        deadlineTimer.cancel(false);
        deadlineTimer = null;
      }
    }
    running.forEach(run -> run.cancel(why));
    // The parts not started yet start stopped, as the reader reaches them.
    startNextPart();
  }

  @Override
  public void close() {
    cancel("the backfill was closed");
  }

  /** Under this lock, then each running part's (this lock is always taken before a run's, never after). */
  @Override
  public synchronized BackfillReport report() {
    List<QueryAttempt> running = new ArrayList<>();
    for (LoadRun run : partRuns) {
      if (run != null) {
        running.addAll(run.attempts());
      }
    }
    Duration elapsed = finishedAfter != null ? finishedAfter : Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos));
    return tally.report(running, elapsed, deadline);
  }

  @Override
  public String toString() {
    synchronized (this) {
      return "Backfill{" + handedOut + " of " + dates.size() + " dates handed out, " + parts.size() + " parts}";
    }
  }
}
