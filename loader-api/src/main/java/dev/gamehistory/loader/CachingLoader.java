package dev.gamehistory.loader;

import dev.gamehistory.loader.settings.CachePolicy;

/**
 * A loader that keeps loaded histories and shares running queries between overlapping loads,
 * in front of another loader (see {@link HistoricalGamesLoader#caching(HistoricalGamesLoader, CachePolicy)},
 * or {@code cache.enabled=true} in the settings).
 *
 * <p>A load answers each player from, in turn: the cache; a query another load is running for the
 * same (player, game date, lookback days, max games); a query of its own, one load of the wrapped
 * loader for all such players, with the request's strategy. Its result has every requested player
 * in request order, and its {@link LoadReport#cache() report} says how many came from where.
 *
 * <p>The contract is the wrapped loader's: every player ends with exactly one outcome and the load
 * returns by its deadline (plus {@link HistoricalGamesLoader#DEADLINE_GRACE_MILLIS}), whatever the
 * wrapped loader does: a query it has not answered 100 ms after its deadline is given up, and a
 * player it leaves out, or a failure it throws, fails that query's players. Only loaded histories are
 * kept, never a failure: a failed player is queried again by the next load. A failure of a shared
 * query reaches every load waiting for it as that player's own failed outcome. A waiting load whose
 * deadline comes first fails those players with {@link DeadlineExceededException} and leaves the
 * query running for the others. A shared query runs under the deadline of the load that started it:
 * when it ends by that deadline, a waiting load with time left queries those players again itself. A
 * cancelled load stops waiting; a query no load waits for any more is cancelled.
 *
 * <p>Invalidation is linearizable: once an {@code invalidate} method returns, no load that starts
 * later gets a history read before it, and nothing read before it is kept (a query running then
 * still answers the loads waiting for it, but its result is not stored).
 *
 * <p>A load answered wholly from the cache completes on the calling thread; any other completes, and
 * its listeners are told, on one of this loader's daemon threads ({@code hgl-cache-N}), never on a
 * timer thread or the thread of a query other loads wait for.
 */
public interface CachingLoader extends HistoricalGamesLoader {

  /** Forgets every cached history of {@code player}, in every window. */
  void invalidate(String player);

  /** Forgets the cached histories of {@code request}'s players in its window and max games. */
  void invalidate(LoadRequest request);

  /** Forgets every cached history. */
  void invalidateAll();

  /** About how many histories are cached now. */
  long cachedHistories();

  /** The cache's bounds. */
  CachePolicy cachePolicy();
}
