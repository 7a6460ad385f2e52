package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.Backfill;
import dev.gamehistory.loader.BackfillReport;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The backfill of any loader: each date one load, in date order, one at a time as the reader asks,
 * each with the time left of the backfill's deadline. Dates reached after the deadline or a cancel
 * fail without a query; a load the loader has not answered 100 ms after the deadline is cancelled
 * and its date fails with the deadline; a load that fails whole fails each of its players.
 */
public final class SequentialBackfill implements Backfill {

  private final HistoricalGamesLoader loader;
  private final List<LoadRequest> dates;
  private final Duration deadline;
  /** How long past the deadline a loader that has not answered is waited for. */
  private static final long LATE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final @Nullable TimeSource time;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final Instant startedAt;

  // Guarded by this.
  private int handedOut;
  private @Nullable String cancelled;
  private @Nullable CompletableFuture<LoadResult> current;
  private final BackfillTally tally = new BackfillTally();
  private @Nullable Duration finishedAfter;

  /** A backfill of {@code request} over {@code loader}. */
  public SequentialBackfill(HistoricalGamesLoader loader, BackfillRequest request) {
    this.loader = loader;
    this.dates = request.dates();
    this.deadline = request.deadline().orElse(loader.settings().backfill().deadline());
    this.time = loader.timeSource().orElse(null);
    this.nanoTime = time != null ? time::nanoTime : System::nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.startedAt = time != null ? time.instant() : Instant.now();
  }

  @Override
  public synchronized boolean hasNext() {
    return handedOut < dates.size();
  }

  @Override
  public DateResult next() {
    LoadRequest request;
    String why;
    synchronized (this) {
      if (handedOut == dates.size()) {
        throw new NoSuchElementException("every date of the backfill was handed out");
      }
      request = dates.get(handedOut);
      why = cancelled;
    }
    long left = TimeMath.plusSaturated(startNanos, TimeMath.toNanosSaturated(deadline)) - nanoTime.getAsLong();
    LoadResult result;
    if (why != null) {
      result = stopped(request, LoadCancelledException.of(why), ReportEvent.Kind.CANCELLED, "load cancelled: " + why);
    } else if (left <= 0) {
      result = stopped(request, DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE,
          "deadline of " + deadline.toMillis() + " ms passed");
    } else {
      LoadRequest bounded = request.toBuilder().deadline(Duration.ofNanos(left)).build();
      try {
        // Through the loader's time source when it tells one (a manual clock drives itself there),
        // else through the work its load noted.
        result = time != null ? Futures.await(time.work(), bounded(request, bounded, left))
            : Futures.awaitNoted(() -> bounded(request, bounded, left));
      } catch (LoadCancelledException interrupted) {
        cancel("the reading thread was interrupted");
        throw interrupted;
      }
    }
    synchronized (this) {
      current = null;
      handedOut++;
      tally.date(request, result);
      tally.queries(result.report().attempts());
      if (handedOut == dates.size()) {
        finishedAfter = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - startNanos));
      }
    }
    return new DateResult(request.gameDate(), result);
  }

  /**
   * Starts the date's load and returns its result, bounded: a loader that does not answer by the
   * backfill's deadline (plus {@link #LATE_GRACE_NANOS}) is cancelled and the date fails with the
   * deadline; a load that fails whole, or is cancelled, fails each of the date's players.
   */
  private CompletableFuture<LoadResult> bounded(LoadRequest request, LoadRequest bounded, long left) {
    CompletableFuture<LoadResult> load;
    try {
      load = loader.loadAsync(bounded);
    } catch (RuntimeException refused) {
      load = CompletableFuture.failedFuture(refused);
    }
    boolean stop;
    synchronized (this) {
      current = load;
      // A cancel that came while the loader's loadAsync ran found no load to cancel: cancel it now.
      stop = cancelled != null;
    }
    if (stop) {
      load.cancel(true);
    }
    CompletableFuture<LoadResult> answer = new CompletableFuture<>();
    load.whenComplete((result, error) -> {
      if (result != null) {
        answer.complete(result);
      } else {
        answer.complete(failedWhole(request, error));
      }
    });
    long wait = TimeMath.plusSaturated(left, LATE_GRACE_NANOS);
    CompletableFuture<LoadResult> finalLoad = load;
    Runnable late = () -> {
      if (answer.complete(stopped(request, DeadlineExceededException.of(deadline), ReportEvent.Kind.DEADLINE,
          "deadline of " + deadline.toMillis() + " ms passed and the loader had not answered"))) {
        finalLoad.cancel(true);
      }
    };
    if (time != null) {
      ScheduledFuture<?> timer = time.scheduler().schedule(late, wait, TimeUnit.NANOSECONDS);
      answer.whenComplete((result, error) -> timer.cancel(false));
    } else {
      CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(late);
    }
    return answer;
  }

  /** The result of a date whose load failed whole or was cancelled: each player fails with a typed cause. */
  private LoadResult failedWhole(LoadRequest request, Throwable error) {
    Throwable cause = Futures.unwrap(error);
    String why;
    synchronized (this) {
      why = cancelled;
    }
    if (cause instanceof CancellationException || why != null) {
      String reason = why != null ? why : "the date's load was cancelled";
      return stopped(request, LoadCancelledException.of(reason), ReportEvent.Kind.CANCELLED, "load cancelled: " + reason);
    }
    LoaderException failure = cause instanceof LoaderException loaderException ? loaderException
        : BackendException.permanentError("load-failed", "the loader's load of " + request.gameDate()
            + " failed: " + Futures.describe(cause), cause);
    return stopped(request, failure, null, "");
  }

  /**
   * A date's result without a query of its own: every player failed with {@code failure}, with an
   * event of {@code kind} saying {@code why} when a kind is given.
   */
  private LoadResult stopped(LoadRequest request, LoaderException failure, ReportEvent.@Nullable Kind kind, String why) {
    List<PlayerOutcome> outcomes = request.players().stream()
        .<PlayerOutcome>map(player -> new PlayerOutcome.Failed(player, failure)).toList();
    Duration elapsed = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - startNanos));
    List<ReportEvent> events = kind == null ? List.of() : List.of(new ReportEvent(kind, elapsed, outcomes.size(),
        why + "; " + Plural.count(outcomes.size(), "player", "players") + " outstanding, 0 queries cancelled"));
    LoadReport report = new LoadReport(loader.settings().strategy().describe(), loader.settings().strategy().name(),
        loader.settings().backend(), startedAt, deadline, elapsed, List.of(), events);
    return LoadResult.of(outcomes, report);
  }

  @Override
  public void cancel() {
    cancel("cancelled by the caller");
  }

  private void cancel(String why) {
    CompletableFuture<LoadResult> running;
    synchronized (this) {
      if (cancelled != null || handedOut == dates.size()) {
        return;
      }
      cancelled = why;
      running = current;
    }
    if (running != null) {
      running.cancel(true);
    }
  }

  @Override
  public void close() {
    cancel("the backfill was closed");
  }

  @Override
  public synchronized BackfillReport report() {
    Duration elapsed = finishedAfter != null ? finishedAfter : Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - startNanos));
    return tally.report(List.of(), elapsed, deadline);
  }
}
