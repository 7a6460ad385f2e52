package dev.gamehistory.loader.cache.internal;

import dev.gamehistory.loader.CacheKey;
import dev.gamehistory.loader.DeadlineExceededException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.internal.concurrent.Futures;
import dev.gamehistory.loader.internal.concurrent.TimeMath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One load of the wrapped loader, for the keys one caller's load found absent from the cache, under
 * that load's time left. While it runs, each of its keys maps in the cache to its {@link KeyFuture},
 * so overlapping loads find it and {@linkplain #subscribe subscribe}. It ends exactly once
 * ({@link #settle}): with the wrapped load's outcomes, or with a failure of all its players when the
 * wrapped loader throws, has not answered {@link CaffeineCachingLoader#FLIGHT_GRACE_NANOS} after the
 * flight's deadline, or the loader closes. Then failed keys leave the cache first, loaded keys'
 * futures complete (Caffeine keeps them unless they were invalidated meanwhile), and every
 * subscriber hears its players' outcomes. A flight nobody waits for any more is cancelled.
 */
final class Flight {

  private final CaffeineCachingLoader loader;
  /** The load that started it: the flight runs under its deadline and belongs in its report. */
  final CachedLoad owner;
  final long deadlineNanos;
  /** Filled by the owner's thread before {@link #launch()}, read only afterwards. */
  private final Map<String, KeyFuture> keys = new LinkedHashMap<>();

  // Guarded by this.
  private final List<Subscription> subscribers = new ArrayList<>();
  private @Nullable Map<String, PlayerOutcome> outcomes;
  private @Nullable CompletableFuture<LoadResult> wrapped;
  private @Nullable ScheduledFuture<?> hardStop;
  private boolean launched;
  private boolean settling;
  private boolean abandoned;
  private long endedNanos;

  Flight(CaffeineCachingLoader loader, CachedLoad owner) {
    this.loader = loader;
    this.owner = owner;
    this.deadlineNanos = owner.deadlineNanos;
  }

  /** The future of {@code key}, claimed for this flight; called inside the cache's mapping function. */
  KeyFuture add(CacheKey key) {
    KeyFuture future = new KeyFuture(this, key);
    keys.put(key.player(), future);
    return future;
  }

  /** Runs the flight: one load of the wrapped loader for its players, with its owner's time left. */
  void launch() {
    List<String> players = List.copyOf(keys.keySet());
    boolean abandon;
    synchronized (this) {
      launched = true;
      // The owner subscribed before launching, unless it has ended already.
      abandoned |= subscribers.isEmpty();
      abandon = abandoned;
    }
    if (loader.closed.get()) {
      settle(failAll(LoadCancelledException.of("loader closed")), null);
      return;
    }
    if (abandon) {
      settle(failAll(LoadCancelledException.of("every load waiting for the query ended")), null);
      return;
    }
    long now = loader.time.nanoTime();
    long left = deadlineNanos - now;
    if (left <= 0) {
      settle(failAll(DeadlineExceededException.of(owner.deadline)), null);
      return;
    }
    loader.flights.add(this);
    // Bounded whatever the wrapped loader does: never answers, answers late.
    ScheduledFuture<?> stop = loader.schedule(this::stop, TimeMath.plusSaturated(deadlineNanos,
        CaffeineCachingLoader.FLIGHT_GRACE_NANOS));
    if (stop == null) {
      settle(failAll(LoadCancelledException.of("loader closed")), null);
      return;
    }
    boolean ended;
    synchronized (this) {
      hardStop = stop;
      ended = settling;
    }
    if (ended) {
      // Ended meanwhile (the loader closed): the stop is not needed.
      stop.cancel(false);
      return;
    }
    LoadRequest request = LoadRequest.builder(owner.request.gameDate())
        .players(players)
        .lookbackDays(owner.request.lookbackDays())
        .maxGames(owner.request.maxGames())
        .deadline(Duration.ofNanos(left))
        .build();
    CompletableFuture<LoadResult> future;
    try {
      future = loader.delegate.loadAsync(request);
      if (future == null) {
        throw new NullPointerException("the loader returned no future");
      }
    } catch (Throwable e) {
      // Whatever it throws, the flight's players fail with it and its keys are free again.
      settle(failAll(loader.causeOf(e)), null);
      return;
    }
    boolean cancel;
    synchronized (this) {
      wrapped = future;
      cancel = abandoned || settling;
    }
    if (cancel) {
      future.cancel(true);
    }
    long offset = now - owner.startNanos;
    future.whenComplete((result, error) -> {
      if (result != null) {
        Map<String, PlayerOutcome> byPlayer = new HashMap<>();
        for (String player : players) {
          PlayerOutcome outcome = result.outcomes().get(player);
          byPlayer.put(player, outcome != null ? outcome : Futures.missingOutcome(player));
        }
        settle(byPlayer, new OffsetReport(result.report(), offset));
      } else {
        settle(failAll(loader.causeOf(error)), null);
      }
    });
  }

  /** The wrapped loader has not answered by the flight's deadline and grace: its players fail with the deadline. */
  private void stop() {
    CompletableFuture<LoadResult> running;
    synchronized (this) {
      running = wrapped;
    }
    settle(failAll(DeadlineExceededException.of(owner.deadline)), null);
    if (running != null) {
      running.cancel(true);
    }
  }

  /** Ends the flight with {@code cause} for all its players (the loader is closing) and cancels the wrapped load. */
  void end(LoaderException cause) {
    CompletableFuture<LoadResult> running;
    synchronized (this) {
      running = wrapped;
    }
    settle(failAll(cause), null);
    if (running != null) {
      running.cancel(true);
    }
  }

  /**
   * Tells {@code load} the outcomes of {@code players} when the flight ends, at once when it has.
   * Not to be called holding the load's lock.
   */
  void subscribe(CachedLoad load, List<String> players) {
    Map<String, PlayerOutcome> ended;
    synchronized (this) {
      ended = outcomes;
      if (ended == null) {
        subscribers.add(new Subscription(load, players));
      }
    }
    if (ended != null) {
      load.flightEnded(this, players, ended, null);
    }
  }

  /** {@code load} no longer waits; a running flight nobody waits for is cancelled. */
  void unsubscribe(CachedLoad load) {
    CompletableFuture<LoadResult> cancel = null;
    synchronized (this) {
      if (settling || !subscribers.removeIf(subscription -> subscription.load == load) || !subscribers.isEmpty()
          || !launched) {
        return;
      }
      abandoned = true;
      cancel = wrapped;
    }
    if (cancel != null) {
      cancel.cancel(true);
    }
  }

  /**
   * Whether {@code failure} ended the flight for the load that started it rather than for the player:
   * its deadline passed, or it was cancelled because no load waited for it any more. A load with
   * time left queries such a player again instead of taking the failure.
   */
  synchronized boolean endedForItsOwner(PlayerOutcome.Failed failure) {
    return failure.kind() == FailureKind.CANCELLED && abandoned
        || failure.kind() == FailureKind.DEADLINE && endedNanos - deadlineNanos >= 0;
  }

  /**
   * Ends the flight once: failed keys leave the cache before anyone can see the flight ended (so a
   * load that queries them again starts afresh), loaded keys' futures complete (and are kept unless
   * invalidated meanwhile), then the subscribers hear their players' outcomes.
   */
  private void settle(Map<String, PlayerOutcome> byPlayer, @Nullable OffsetReport report) {
    ScheduledFuture<?> stop;
    synchronized (this) {
      if (settling) {
        return;
      }
      settling = true;
      endedNanos = loader.time.nanoTime();
      stop = hardStop;
    }
    if (stop != null) {
      stop.cancel(false);
    }
    loader.flights.remove(this);
    List<KeyFuture> failed = new ArrayList<>();
    keys.forEach((player, future) -> {
      if (byPlayer.get(player) instanceof PlayerOutcome.Loaded loaded) {
        future.complete(loaded.games());
      } else {
        loader.cache.asMap().remove(future.key, future);
        failed.add(future);
      }
    });
    List<Subscription> told;
    synchronized (this) {
      outcomes = byPlayer;
      told = List.copyOf(subscribers);
      subscribers.clear();
    }
    // Completed with no history: Caffeine drops it (it is out of the map already).
    failed.forEach(future -> future.complete(null));
    for (Subscription subscription : told) {
      subscription.load.flightEnded(this, subscription.players, byPlayer, report);
    }
  }

  private Map<String, PlayerOutcome> failAll(LoaderException cause) {
    Map<String, PlayerOutcome> failed = new HashMap<>();
    keys.keySet().forEach(player -> failed.put(player, new PlayerOutcome.Failed(player, cause)));
    return failed;
  }

  /** The future a key maps to in the cache while its flight runs, and its history once loaded. */
  static final class KeyFuture extends CompletableFuture<List<HistoricalGame>> {
    final Flight flight;
    final CacheKey key;

    KeyFuture(Flight flight, CacheKey key) {
      this.flight = flight;
      this.key = key;
    }
  }

  /** A load waiting for some of the flight's players. */
  private record Subscription(CachedLoad load, List<String> players) {}

  /** A flight's report and when, after the start of the load that ran it, the flight started. */
  record OffsetReport(LoadReport report, long offsetNanos) {}
}
