package dev.gamehistory.loader.internal.batching;

import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.internal.concurrent.DaemonPool;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.SystemTimeSource;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import dev.gamehistory.loader.internal.settings.DurationParser;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.spi.TimeSource;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers single-player calls into loads: calls for the same window wait together until the first
 * has waited {@link BatchingPolicy#maxDelay()} or {@link BatchingPolicy#maxPlayers()} distinct
 * players are waiting, then go to the loader as one request. The load's deadline is the loader's
 * deadline less the time its first call waited, so no call waits past its own deadline.
 */
public final class Batcher {

  private final HistoricalGamesLoader loader;
  private final BatchingPolicy policy;
  private final TimeSource time;
  private final boolean ownsTime;
  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<Window, Gathering> open = new HashMap<>();
  private boolean closed;
  /** The loads being sent or running, for close(). */
  private final Set<Send> sending = ConcurrentHashMap.newKeySet();
  private final AtomicLong loadsSent = new AtomicLong();
  /** Sends the gatherings whose window ended and fails the calls of a load that never answered, off the timer thread. */
  private final DaemonPool senders;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

  /**
   * How long past a batched load's deadline its calls wait for a loader that has not answered: then
   * they fail with the deadline and the load is cancelled.
   */
  static final long LOAD_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * Gathers calls to {@code loader} as {@code policy} says, timed on {@code time} (shut down on close when owned).
   *
   * @throws IllegalArgumentException when the window is not shorter than the loader's deadline
   */
  public Batcher(HistoricalGamesLoader loader, BatchingPolicy policy, @Nullable TimeSource time) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.policy = Objects.requireNonNull(policy, "policy");
    Duration deadline = loader.settings().timeouts().deadline();
    if (policy.maxDelay().compareTo(deadline) >= 0) {
      throw new IllegalArgumentException("batching.max-delay (" + DurationParser.format(policy.maxDelay())
          + ") must be shorter than the loader's deadline (" + DurationParser.format(deadline) + ")");
    }
    this.ownsTime = time == null;
    this.time = time == null ? new SystemTimeSource() : time;
    this.senders = DaemonPool.create("hgl-batch-" + INSTANCES.incrementAndGet(), this);
  }

  /**
   * Waits for a call's outcome through the time source's work hook (a manual clock drives itself there).
   *
   * @throws dev.gamehistory.loader.LoadCancelledException when the calling thread is interrupted
   */
  public <T> T await(CompletableFuture<T> future) {
    return Futures.await(time.work(), future);
  }

  /** The policy. */
  public BatchingPolicy policy() {
    return policy;
  }

  /** How many loads were sent to the loader so far. */
  public long loadsSent() {
    return loadsSent.get();
  }

  /**
   * Adds a call for {@code player}'s window; its future completes with the player's outcome.
   *
   * @throws IllegalArgumentException naming the field for a bad player or window
   * @throws IllegalStateException when closed
   */
  public CompletableFuture<PlayerOutcome> submit(String player, LocalDate gameDate, int lookbackDays, int maxGames) {
    // Validates the player and the window the way a request does.
    LoadRequest.builder(gameDate).players(player).lookbackDays(lookbackDays).maxGames(maxGames).build();
    return time.work().enter(() -> gather(player, gameDate, lookbackDays, maxGames));
  }

  private CompletableFuture<PlayerOutcome> gather(String player, LocalDate gameDate, int lookbackDays, int maxGames) {
    Window window = new Window(gameDate, lookbackDays, maxGames);
    CompletableFuture<PlayerOutcome> call = new CompletableFuture<>();
    Gathering gathering;
    boolean first;
    boolean full;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("client is closed");
      }
      gathering = open.get(window);
      first = gathering == null;
      if (first) {
        gathering = new Gathering(window, time.nanoTime());
        open.put(window, gathering);
      }
      gathering.calls.computeIfAbsent(player, p -> new ArrayList<>()).add(call);
      full = gathering.calls.size() >= policy.maxPlayers();
      if (full) {
        open.remove(window);
        gathering.taken = true;
      }
    }
    if (full) {
      send(gathering);
    } else if (first) {
      // Scheduled outside the lock: a time source may run a due task on this thread.
      Gathering scheduled = gathering;
      ScheduledFuture<?> timer;
      try {
        timer = time.scheduler().schedule(() -> windowEnded(scheduled),
            TimeMath.toNanosSaturated(policy.maxDelay()), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException stopped) {
        // The timer stopped (closing, or a time source shut down): send at once.
        windowEnded(scheduled);
        return call;
      }
      boolean taken;
      synchronized (lock) {
        taken = scheduled.taken;
        if (!taken) {
          scheduled.timer = timer;
        }
      }
      if (taken) {
        timer.cancel(false);
      }
    }
    return call;
  }

  /** The window of {@code gathering} ended: it is sent from a thread of the batcher's own, never the timer's. */
  private void windowEnded(Gathering gathering) {
    synchronized (lock) {
      if (gathering.taken) {
        return;
      }
      gathering.taken = true;
      open.remove(gathering.window, gathering);
    }
    handOff(() -> send(gathering));
  }

  /** Runs {@code task} on one of the client's threads, through the time source's work hook; here once closed. */
  private void handOff(Runnable task) {
    try {
      time.work().execute(senders, task);
    } catch (RejectedExecutionException closed) {
      task.run();
    }
  }

  /** Sends one load for the gathering's players whose callers still wait. */
  private void send(Gathering gathering) {
    ScheduledFuture<?> timer;
    synchronized (lock) {
      timer = gathering.timer;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    Map<String, List<CompletableFuture<PlayerOutcome>>> waiting = new LinkedHashMap<>();
    gathering.calls.forEach((player, calls) -> {
      List<CompletableFuture<PlayerOutcome>> live = calls.stream().filter(c -> !c.isDone()).toList();
      if (!live.isEmpty()) {
        waiting.put(player, live);
      }
    });
    if (waiting.isEmpty()) {
      return;
    }
    Duration deadline = loader.settings().timeouts().deadline();
    long deadlineNanos = TimeMath.plusSaturated(gathering.firstNanos, TimeMath.toNanosSaturated(deadline));
    long left = deadlineNanos - time.nanoTime();
    if (left <= 0) {
      failAll(waiting, DeadlineExceededException.of(deadline));
      return;
    }
    Send send = new Send(waiting);
    sending.add(send);
    // Bounded whatever the loader does (never returns from loadAsync, never answers, answers late):
    // at the load's deadline and a grace, its calls still waiting fail with the deadline. Armed
    // before the loader is called.
    try {
      send.stop = time.scheduler().schedule(() -> handOff(() -> send.end(null, DeadlineExceededException.of(deadline))),
          Math.max(0, TimeMath.plusSaturated(deadlineNanos, LOAD_GRACE_NANOS) - time.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      send.end(null, LoadCancelledException.of("client closed"));
      return;
    }
    Window window = gathering.window;
    LoadRequest request = LoadRequest.builder(window.gameDate())
        .players(waiting.keySet())
        .lookbackDays(window.lookbackDays())
        .maxGames(window.maxGames())
        .deadline(Duration.ofNanos(left))
        .build();
    CompletableFuture<LoadResult> load;
    try {
      load = loader.loadAsync(request);
      if (load == null) {
        throw new NullPointerException("the loader returned no future");
      }
    } catch (IllegalStateException e) {
      send.end(null, LoadCancelledException.of("loader closed"));
      return;
    } catch (Throwable e) {
      // Whatever the loader throws, these calls fail with it.
      send.end(null, causeOf(e));
      return;
    }
    loadsSent.incrementAndGet();
    boolean cancel;
    synchronized (lock) {
      send.load = load;
      cancel = closed || send.ended;
    }
    if (cancel) {
      load.cancel(true);
    }
    // When every caller of the load has given up (cancelled, or completed by someone else) before
    // it ended, so does the load.
    List<CompletableFuture<PlayerOutcome>> calls = waiting.values().stream().flatMap(List::stream).toList();
    AtomicInteger live = new AtomicInteger(calls.size());
    for (CompletableFuture<PlayerOutcome> call : calls) {
      call.whenComplete((outcome, error) -> {
        if (!load.isDone() && live.decrementAndGet() == 0) {
          load.cancel(true);
        }
      });
    }
    load.whenComplete((result, error) -> send.end(result, error == null ? null : causeOf(error)));
  }

  /** One load sent for a gathering's calls: the calls, the load once the loader gave it, its hard stop. */
  private final class Send {
    final Map<String, List<CompletableFuture<PlayerOutcome>>> waiting;
    // Guarded by the batcher's lock.
    @Nullable CompletableFuture<LoadResult> load;
    @Nullable ScheduledFuture<?> stop;
    boolean ended;

    Send(Map<String, List<CompletableFuture<PlayerOutcome>>> waiting) {
      this.waiting = waiting;
    }

    /**
     * Ends the send once: with the load's result, or with {@code failure} for every call; cancels
     * the load and the hard stop, and answers the calls on one of the client's threads, never the
     * loader's or a timer's.
     */
    void end(@Nullable LoadResult result, @Nullable LoaderException failure) {
      CompletableFuture<LoadResult> running;
      ScheduledFuture<?> timer;
      synchronized (lock) {
        if (ended) {
          return;
        }
        ended = true;
        running = load;
        timer = stop;
      }
      sending.remove(this);
      if (timer != null) {
        timer.cancel(false);
      }
      if (running != null && !running.isDone()) {
        running.cancel(true);
      }
      handOff(() -> waiting.forEach((player, waiters) -> {
        PlayerOutcome outcome = result != null ? result.outcomes().get(player) : null;
        if (outcome == null) {
          outcome = failure != null ? new PlayerOutcome.Failed(player, failure) : Futures.missingOutcome(player);
        }
        PlayerOutcome answer = outcome;
        waiters.forEach(w -> w.complete(answer));
      }));
    }
  }

  private static void failAll(Map<String, List<CompletableFuture<PlayerOutcome>>> waiting, LoaderException cause) {
    waiting.forEach((player, calls) -> {
      PlayerOutcome.Failed failed = new PlayerOutcome.Failed(player, cause);
      calls.forEach(call -> call.complete(failed));
    });
  }

  private static LoaderException causeOf(Throwable error) {
    return Futures.causeOf(error, "the batched load was cancelled");
  }

  /**
   * Fails the calls still gathering and cancels the loads sent (their calls fail as cancelled);
   * ends the timer thread when owned. The loader stays open. Idempotent.
   */
  public void close() {
    List<Gathering> gathering;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      gathering = List.copyOf(open.values());
      gathering.forEach(g -> g.taken = true);
      open.clear();
    }
    LoadCancelledException cause = LoadCancelledException.of("client closed");
    for (Gathering g : gathering) {
      if (g.timer != null) {
        g.timer.cancel(false);
      }
      g.calls.forEach((player, calls) -> {
        PlayerOutcome.Failed failed = new PlayerOutcome.Failed(player, cause);
        calls.forEach(call -> call.complete(failed));
      });
    }
    List.copyOf(sending).forEach(send -> send.end(null, cause));
    senders.shutdown();
    if (ownsTime) {
      time.scheduler().shutdownNow();
    }
    // From one of the client's own threads (a caller's callback), waiting would wait for itself.
    if (!DaemonPool.runsOn(this)) {
      if (!senders.awaitThreads(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS)) {
        LOG.warn("PlayerHistoryClient closed while {} still running a caller's callback; it ends when the callback"
            + " returns", Plural.count(senders.getActiveCount(), "thread is", "threads are"));
      }
      if (ownsTime) {
        Futures.awaitQuietly(time.scheduler());
      }
    }
  }

  /** The calls of one window gathered so far. */
  private record Window(LocalDate gameDate, int lookbackDays, int maxGames) {}

  private static final class Gathering {
    final Window window;
    final long firstNanos;
    /** Each player's callers, in first-call order; guarded by the batcher's lock until taken. */
    final Map<String, List<CompletableFuture<PlayerOutcome>>> calls = new LinkedHashMap<>();
    @Nullable ScheduledFuture<?> timer;
    boolean taken;

    Gathering(Window window, long firstNanos) {
      this.window = window;
      this.firstNanos = firstNanos;
    }
  }
}
