package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.RecordedQuery;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.testkit.InMemoryLoaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The deadline bound in real time, under races: 30 generated {@link RaceScenario}s per run, each
 * starting 8..32 concurrent loads with deadlines of 300..800 ms on one loader over an in-memory
 * backend where some queries hang, some are slow and some fail; callers cancel some loads at random
 * moments, and the loader may be closed while they run, with one more load started as it closes.
 * For every load:
 *
 * <ul>
 *   <li>its future completes by its deadline plus {@link HistoricalGamesLoader#DEADLINE_GRACE_MILLIS}
 *       after {@code loadAsync} was called, the one timing bound the library documents and the only
 *       one asserted;
 *   <li>a result has exactly one outcome per distinct requested player, every loaded history equals
 *       {@link ContractModel}'s, a {@code BACKEND} failure has an injected reason, and
 *       {@code CANCELLED} appears only once the loader is closing; {@code TIMEOUT} and
 *       {@code DEADLINE} depend on real time and are allowed everywhere;
 *   <li>a future completes exceptionally only when its caller cancelled it;
 * </ul>
 *
 * and after {@code close()} every backend call has ended (hung ones cancelled) and no thread the
 * loader started is alive. Waits are bounded real-time waits on futures and joins; nothing sleeps.
 *
 * <p><b>Replaying a failure:</b> as for {@link LoaderContractPropertyTest}, with
 * {@code -Dtest=DeadlineRacePropertyTest} and the seeds the failure prints; a real-time race need
 * not fail again on replay, so the printed sample and its shrunk form are the record.
 */
class DeadlineRacePropertyTest {

  private static final int TRIES = 30;
  /** A bound on waits for things that must happen, far beyond any deadline; never reached when all is well. */
  private static final Duration SAFETY = Duration.ofSeconds(10);
  private static final ContractModel MODEL = new ContractModel(Scenarios.ROWS);

  private final List<Long> overshoots = new ArrayList<>();
  private String worst = "none";
  private long worstNanos = Long.MIN_VALUE;
  private final AtomicInteger loads = new AtomicInteger();
  private final AtomicInteger cancelledByCaller = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger shared = new AtomicInteger();
  private final AtomicInteger hits = new AtomicInteger();
  private final Map<FailureKind, Integer> failures = new EnumMap<>(FailureKind.class);

  @Test
  void loadAsync_hangsCancelsAndClose_everyLoadEndsByItsDeadlineWithOneOutcomePerPlayer() {
    run("loadAsync_hangsCancelsAndClose_everyLoadEndsByItsDeadlineWithOneOutcomePerPlayer", false);
  }

  /** Runs the property; {@code cached} puts a caching loader (loader-cache) in front, every load in one window. */
  void run(String name, boolean cached) {
    long started = System.nanoTime();
    int tries = PropertyRunner.of(name, TRIES, RaceScenario::race, RaceScenario::shrink,
        race -> check(cached ? race.sharedWindow() : race, cached)).run();
    synchronized (failures) {
      List<Long> sorted = new ArrayList<>(overshoots);
      sorted.sort(null);
      System.out.printf("%s: %d tries in"
              + " %.1f s; %d loads (%d cancelled by their caller, %d refused by a closed loader), failed players by"
              + " kind %s; loads with a result returned at %s from their deadline (median, 99th percentile, latest;"
              + " allowed: +%d ms), the latest %s%n", name, tries, (System.nanoTime() - started) / 1e9, loads.get(),
          cancelledByCaller.get(), refused.get(), failures, sorted.isEmpty() ? "-" : millis(sorted.get(sorted.size() / 2))
              + ", " + millis(sorted.get(sorted.size() * 99 / 100)) + ", " + millis(sorted.get(sorted.size() - 1)),
          HistoricalGamesLoader.DEADLINE_GRACE_MILLIS, worst);
      if (cached) {
        System.out.printf("%s: %d players answered by another load's query, %d from the cache%n", name, shared.get(),
            hits.get());
        if (shared.get() == 0) {
          throw new AssertionError(name + ": no load waited for another's query; the races did not overlap");
        }
      }
    }
  }

  private static String millis(long nanos) {
    return String.format("%+.1f ms", nanos / 1e6);
  }

  void check(RaceScenario race, boolean cached) throws InterruptedException {
    Set<Thread> baseline = LoaderThreads.live();
    InMemoryGamesQuery memory = InMemoryGamesQuery.builder().rows(Scenarios.ROWS).faults(race.faults()).build();
    LoaderSettings settings = cached
        ? race.settings().toBuilder().cache(CachePolicy.of(100_000, Duration.ofMinutes(10))).build()
        : race.settings();
    HistoricalGamesLoader loader = InMemoryLoaders.create(settings, memory);
    AtomicInteger actionThreads = new AtomicInteger();
    ScheduledExecutorService actions = Executors.newScheduledThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "property-race-" + actionThreads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    List<Started> runs = new ArrayList<>();
    AtomicLong closingSince = new AtomicLong(Long.MAX_VALUE);
    AtomicReference<Started> lateLoad = new AtomicReference<>();
    try {
      long first = System.nanoTime();
      for (RaceScenario.Load load : race.loads()) {
        runs.add(start(loader, race, load, actions));
      }
      if (race.closeAtMillis().isPresent()) {
        long delay = Math.max(0, TimeUnit.MILLISECONDS.toNanos(race.closeAtMillis().getAsInt()) - (System.nanoTime() - first));
        if (race.loadWhileClosing()) {
          RaceScenario.Load load = race.loads().get(0);
          actions.schedule(() -> lateLoad.set(start(loader, race, load, null)), delay, TimeUnit.NANOSECONDS);
        }
        actions.schedule(() -> {
          closingSince.compareAndSet(Long.MAX_VALUE, System.nanoTime());
          loader.close();
        }, delay, TimeUnit.NANOSECONDS);
      }
      for (Started run : runs) {
        run.await();
      }
      if (race.closeAtMillis().isPresent()) {
        actions.shutdown();
        if (!actions.awaitTermination(SAFETY.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("close() did not return within " + SAFETY.toSeconds() + " s");
        }
      }
      if (lateLoad.get() != null) {
        lateLoad.get().await();
        runs.add(lateLoad.get());
      }
      for (Started run : runs) {
        checkRun(race, run, closingSince.get());
      }
      if (race.closeAtMillis().isEmpty()) {
        awaitIdle(memory, "before close(): every hung query ends by its own load's deadline or its caller's cancel");
      }
    } finally {
      actions.shutdownNow();
      loader.close();
    }
    List<RecordedQuery> calls = awaitIdle(memory, "after close()");
    for (RecordedQuery call : calls) {
      if (call.faults().contains(Fault.hang()) && !call.cancelled()) {
        throw new AssertionError("hung query #" + call.number() + " ended without being cancelled: " + call);
      }
    }
    List<String> alive = LoaderThreads.awaitEnded(baseline, SAFETY);
    if (!alive.isEmpty()) {
      throw new AssertionError("threads of the closed loader still alive: " + alive);
    }
  }

  private static List<RecordedQuery> awaitIdle(InMemoryGamesQuery memory, String when) {
    try {
      return memory.awaitIdle(SAFETY);
    } catch (IllegalStateException stillRunning) {
      throw new AssertionError(when + ": " + stillRunning.getMessage(), stillRunning);
    }
  }

  /** Starts one load now; schedules its caller's cancel, if any. */
  private Started start(HistoricalGamesLoader loader, RaceScenario race, RaceScenario.Load load,
      ScheduledExecutorService actions) {
    Started run = new Started(race.asScenario(load), load.deadlineMillis(), load.cancelAtMillis().isPresent());
    run.startedAt = System.nanoTime();
    try {
      run.future = loader.loadAsync(load.request());
    } catch (IllegalStateException closed) {
      run.refused = closed;
      return run;
    }
    run.observed = run.future.whenComplete((result, error) -> run.endedAt = System.nanoTime());
    if (actions != null && load.cancelAtMillis().isPresent()) {
      CompletableFuture<LoadResult> future = run.future;
      actions.schedule(() -> future.cancel(true), load.cancelAtMillis().getAsInt(), TimeUnit.MILLISECONDS);
    }
    return run;
  }

  private void checkRun(RaceScenario race, Started run, long closingSince) {
    loads.incrementAndGet();
    if (run.refused != null) {
      if (closingSince == Long.MAX_VALUE) {
        throw new AssertionError("loadAsync refused a load although the loader was not closed: " + run.refused);
      }
      refused.incrementAndGet();
      return;
    }
    long overshoot = run.endedAt - run.startedAt - TimeUnit.MILLISECONDS.toNanos(run.deadlineMillis);
    LoadResult ended = run.future.isCompletedExceptionally() ? null : run.future.getNow(null);
    if (ended != null) {
      synchronized (failures) {
        overshoots.add(overshoot);
        if (overshoot > worstNanos) {
          long finished = ended.report().elapsed().toNanos() - TimeUnit.MILLISECONDS.toNanos(run.deadlineMillis);
          worstNanos = overshoot;
          worst = "finished by the engine at " + millis(finished) + ", handed over " + millis(overshoot - finished)
              + " later (" + ended.outcomes().size() + " players, " + race.loads().size() + " loads at once, "
              + race.strategy().describe() + ")";
        }
      }
    }
    if (overshoot > TimeUnit.MILLISECONDS.toNanos(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS)) {
      throw new AssertionError("a load with a deadline of " + run.deadlineMillis + " ms returned after "
          + (run.endedAt - run.startedAt) / 1_000_000 + " ms, more than the deadline plus "
          + HistoricalGamesLoader.DEADLINE_GRACE_MILLIS + " ms" + (run.cancelled ? " (its caller cancelled it)" : ""));
    }
    LoadResult result;
    try {
      result = run.future.getNow(null);
    } catch (CancellationException cancelled) {
      if (!run.cancelled) {
        throw new AssertionError("a load nobody cancelled ended cancelled", cancelled);
      }
      cancelledByCaller.incrementAndGet();
      return;
    } catch (CompletionException error) {
      throw new AssertionError("a load ended with an exception instead of a result", error.getCause());
    }
    ContractChecks.oneOutcomePerPlayer(run.scenario, result);
    result.report().cache().ifPresent(use -> {
      shared.addAndGet(use.shared());
      hits.addAndGet(use.hits());
    });
    FaultAnalysis analysis = new FaultAnalysis(run.scenario);
    boolean closing = closingSince <= run.endedAt;
    for (PlayerOutcome outcome : result.outcomes().values()) {
      String player = outcome.player();
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        ContractChecks.historyAsModel(MODEL, run.scenario, player, loaded.games());
        continue;
      }
      PlayerOutcome.Failed failed = (PlayerOutcome.Failed) outcome;
      synchronized (failures) {
        failures.merge(failed.kind(), 1, Integer::sum);
      }
      if (failed.kind() == FailureKind.CANCELLED && !closing) {
        throw new AssertionError(ContractChecks.describe(player, failed) + ", but the loader was not closing");
      }
      if (failed.kind() == FailureKind.BACKEND) {
        ContractChecks.injectedBackendError(analysis, player, failed);
      }
    }
  }

  /** One started load and what became of it. */
  private static final class Started {
    final Scenario scenario;
    final int deadlineMillis;
    final boolean cancelled;
    long startedAt;
    volatile long endedAt;
    CompletableFuture<LoadResult> future;
    CompletableFuture<LoadResult> observed;
    IllegalStateException refused;

    Started(Scenario scenario, int deadlineMillis, boolean cancelled) {
      this.scenario = scenario;
      this.deadlineMillis = deadlineMillis;
      this.cancelled = cancelled;
    }

    /** Waits for the load's future and the stamp of its end. */
    void await() throws InterruptedException {
      if (observed == null) {
        return;
      }
      try {
        observed.get(SAFETY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | CancellationException ended) {
        // Judged by checkRun from the load's own future.
      } catch (TimeoutException e) {
        throw new AssertionError("a load with a deadline of " + deadlineMillis + " ms did not return within "
            + SAFETY.toSeconds() + " s", e);
      }
    }
  }
}
