package dev.gamehistory.loader.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ManualTimeTest {

  private final ManualTime time = ManualTime.create();
  private final ScheduledExecutorService scheduler = time.scheduler();
  private final List<String> ran = new ArrayList<>();

  @Test
  void create_startsAtZeroAndTheDefaultInstant() {
    assertThat(time.nanoTime()).isZero();
    assertThat(time.instant()).isEqualTo(ManualTime.DEFAULT_START);
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void advance_movesNanoTimeAndInstantTogether() {
    ManualTime clock = ManualTime.startingAt(Instant.parse("2025-01-01T00:00:00Z"));

    clock.advance(Duration.ofMillis(1500));

    assertThat(clock.nanoTime()).isEqualTo(1_500_000_000L);
    assertThat(clock.instant()).isEqualTo(Instant.parse("2025-01-01T00:00:01.500Z"));
    assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void advance_negativeDuration_isRejected() {
    assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must not be negative but was PT-0.001S");
  }

  @Test
  void schedule_runsOnlyWhenTimeReachesTheTask() {
    scheduler.schedule(() -> ran.add("a"), 100, TimeUnit.MILLISECONDS);

    time.advance(Duration.ofMillis(99));
    assertThat(ran).isEmpty();
    assertThat(time.pendingTasks()).isEqualTo(1);

    time.advance(Duration.ofMillis(1));
    assertThat(ran).containsExactly("a");
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void advance_runsDueTasksInTimeOrderThenSchedulingOrder() {
    scheduler.schedule(() -> ran.add("late"), 300, TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("first-at-100"), 100, TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("second-at-100"), 100, TimeUnit.MILLISECONDS);
    scheduler.schedule(() -> ran.add("too-late"), 301, TimeUnit.MILLISECONDS);

    time.advance(Duration.ofMillis(300));

    assertThat(ran).containsExactly("first-at-100", "second-at-100", "late");
  }

  @Test
  void advance_clockReadsEachTasksTimeWhileItRuns() {
    List<Long> seen = new ArrayList<>();
    scheduler.schedule(() -> seen.add(time.nanoTime()), 20, TimeUnit.NANOSECONDS);
    scheduler.schedule(() -> seen.add(time.nanoTime()), 70, TimeUnit.NANOSECONDS);

    time.advance(Duration.ofNanos(100));

    assertThat(seen).containsExactly(20L, 70L);
    assertThat(time.nanoTime()).isEqualTo(100);
  }

  @Test
  void advance_taskScheduledByATaskWithinTheTarget_runsInTheSameAdvance() {
    scheduler.schedule(() -> {
      ran.add("outer");
      scheduler.schedule(() -> ran.add("inner-in-time"), 50, TimeUnit.MILLISECONDS);
      scheduler.schedule(() -> ran.add("inner-too-late"), 500, TimeUnit.MILLISECONDS);
    }, 100, TimeUnit.MILLISECONDS);

    time.advance(Duration.ofMillis(200));

    assertThat(ran).containsExactly("outer", "inner-in-time");
    assertThat(time.pendingTasks()).isEqualTo(1);
    assertThat(time.nextTaskDelay()).contains(Duration.ofMillis(400));
  }

  @Test
  void schedule_zeroOrNegativeDelay_runsAtOnceOnTheCallingThread() throws Exception {
    Thread caller = Thread.currentThread();
    List<Thread> threads = new ArrayList<>();

    ScheduledFuture<?> zero = scheduler.schedule(() -> threads.add(Thread.currentThread()), 0, TimeUnit.SECONDS);
    ScheduledFuture<String> negative = scheduler.schedule(() -> "done", -5, TimeUnit.SECONDS);

    assertThat(zero.isDone()).isTrue();
    assertThat(negative.get()).isEqualTo("done");
    assertThat(threads).containsExactly(caller);
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void executeAndSubmit_runAtOnceOnTheCallingThread() throws Exception {
    scheduler.execute(() -> ran.add("executed"));
    Future<String> submitted = scheduler.submit(() -> "submitted");

    assertThat(ran).containsExactly("executed");
    assertThat(submitted.get()).isEqualTo("submitted");
  }

  @Test
  void cancel_removesThePendingTask() {
    ScheduledFuture<?> future = scheduler.schedule(() -> ran.add("cancelled"), 1, TimeUnit.SECONDS);

    assertThat(future.cancel(false)).isTrue();
    time.advance(Duration.ofSeconds(2));

    assertThat(ran).isEmpty();
    assertThat(future.isCancelled()).isTrue();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void getDelay_followsTheClock() {
    ScheduledFuture<?> future = scheduler.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);

    time.advance(Duration.ofMillis(400));

    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(600);
  }

  @Test
  void callable_resultIsAvailableAfterItsTime() throws Exception {
    ScheduledFuture<Integer> future = scheduler.schedule(() -> 42, 10, TimeUnit.SECONDS);
    assertThat(future.isDone()).isFalse();

    time.advance(Duration.ofSeconds(10));

    assertThat(future.get(0, TimeUnit.SECONDS)).isEqualTo(42);
  }

  @Test
  void failingTask_completesItsFutureExceptionallyAndLaterTasksStillRun() {
    ScheduledFuture<Object> failing = scheduler.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 1, TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("after"), 2, TimeUnit.SECONDS);

    time.advance(Duration.ofSeconds(3));

    assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
    assertThat(ran).containsExactly("after");
  }

  @Test
  void scheduleAtFixedRate_runsOncePerPeriodUntilCancelled() {
    List<Long> at = new ArrayList<>();
    ScheduledFuture<?> future = scheduler.scheduleAtFixedRate(() -> at.add(time.elapsed().toMillis()), 100, 250,
        TimeUnit.MILLISECONDS);

    time.advance(Duration.ofMillis(700));
    future.cancel(false);
    time.advance(Duration.ofSeconds(5));

    assertThat(at).containsExactly(100L, 350L, 600L);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void scheduleWithFixedDelay_waitsTheDelayAfterEachRun() {
    List<Long> at = new ArrayList<>();
    scheduler.scheduleWithFixedDelay(() -> at.add(time.elapsed().toMillis()), 50, 100, TimeUnit.MILLISECONDS);

    time.advance(Duration.ofMillis(260));

    assertThat(at).containsExactly(50L, 150L, 250L);
  }

  @Test
  void scheduleAtFixedRate_nonPositivePeriod_isRejected() {
    assertThatThrownBy(() -> scheduler.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period must be positive but was 0 SECONDS");
  }

  @Test
  void shutdown_rejectsNewTasksAndCancelsPendingOnes() throws Exception {
    ScheduledFuture<?> pending = scheduler.schedule(() -> ran.add("never"), 1, TimeUnit.SECONDS);

    scheduler.shutdown();

    assertThat(scheduler.isShutdown()).isTrue();
    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(scheduler.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
    assertThat(pending.isCancelled()).isTrue();
    assertThatThrownBy(() -> scheduler.schedule(() -> { }, 1, TimeUnit.SECONDS))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessage("the manual scheduler is shut down");
    assertThatThrownBy(() -> scheduler.execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class);
    time.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
  }

  @Test
  void shutdownNow_returnsThePendingTasks() {
    scheduler.schedule(() -> ran.add("a"), 1, TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("b"), 2, TimeUnit.SECONDS);

    List<Runnable> pending = scheduler.shutdownNow();

    assertThat(pending).hasSize(2);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void awaitPendingTasks_wakesWhenAnotherThreadSchedules() throws Exception {
    CompletableFuture<Void> other = CompletableFuture.runAsync(
        () -> scheduler.schedule(() -> ran.add("from another thread"), 1, TimeUnit.SECONDS));

    assertThat(time.awaitPendingTasks(1, Duration.ofSeconds(30))).isTrue();
    other.join();
    time.advance(Duration.ofSeconds(1));

    assertThat(ran).containsExactly("from another thread");
  }

  @Test
  void awaitPendingTasks_timesOutWhenNothingIsScheduled() throws Exception {
    assertThat(time.awaitPendingTasks(1, Duration.ofMillis(1))).isFalse();
  }

  @Test
  void timeLimiter_firesOnlyWhenTimeIsAdvancedAndItsTimerIsCancelledOnSuccess() {
    TimeLimiter limiter = TimeLimiter.of(TimeLimiterConfig.custom()
        .timeoutDuration(Duration.ofSeconds(2))
        .cancelRunningFuture(false)
        .build());
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> fast = new CompletableFuture<>();

    CompletionStage<String> timedSlow = limiter.executeCompletionStage(scheduler, () -> slow);
    CompletionStage<String> timedFast = limiter.executeCompletionStage(scheduler, () -> fast);
    fast.complete("fast");
    time.advance(Duration.ofMillis(1999));
    assertThat(timedSlow.toCompletableFuture()).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(timedFast.toCompletableFuture()).isCompletedWithValue("fast");
    assertThat(timedSlow.toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(() -> timedSlow.toCompletableFuture().join()).hasCauseInstanceOf(TimeoutException.class);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void schedule_hugeDelay_saturatesInsteadOfOverflowing() {
    time.advance(Duration.ofSeconds(1));
    ScheduledFuture<?> future = scheduler.schedule(() -> ran.add("never"), Long.MAX_VALUE, TimeUnit.NANOSECONDS);

    time.advance(Duration.ofDays(365));

    assertThat(ran).isEmpty();
    assertThat(future.getDelay(TimeUnit.NANOSECONDS)).isPositive();
  }
}
