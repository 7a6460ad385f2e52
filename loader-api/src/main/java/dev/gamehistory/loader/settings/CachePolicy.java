package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.internal.Internals;
import java.time.Duration;
import java.util.Objects;

/**
 * The result cache of a loader: whether loads go through it, how many players' histories it keeps
 * and for how long. A cached history is keyed by (player, game date, lookback days, max games); only
 * loaded players are kept, never a failure. See {@link dev.gamehistory.loader.CachingLoader}.
 *
 * @param enabled whether {@link dev.gamehistory.loader.HistoricalGamesLoader.Builder#build()} and
 *     {@link dev.gamehistory.loader.HistoricalGamesLoader#fromSettings} put a cache in front of the engine
 * @param maximumPlayers the most histories kept, 1..10,000,000; beyond it the least useful go first
 * @param expireAfterWrite how long a history is kept after it was loaded; positive
 */
public record CachePolicy(boolean enabled, int maximumPlayers, Duration expireAfterWrite) {

  /** The default bound: 10,000 histories. */
  public static final int DEFAULT_MAXIMUM_PLAYERS = 10_000;
  /** The largest bound. */
  public static final int MAX_MAXIMUM_PLAYERS = 10_000_000;
  /** The default lifetime of a history: 10 minutes. */
  public static final Duration DEFAULT_EXPIRE_AFTER_WRITE = Duration.ofMinutes(10);

  /** Validates the bounds. */
  public CachePolicy {
    Objects.requireNonNull(expireAfterWrite, "expireAfterWrite");
    if (maximumPlayers < 1 || maximumPlayers > MAX_MAXIMUM_PLAYERS) {
      throw new IllegalArgumentException(
          "maximumPlayers must be between 1 and " + MAX_MAXIMUM_PLAYERS + " but was " + maximumPlayers);
    }
    TimeoutPolicy.requirePositive("expireAfterWrite", expireAfterWrite);
  }

  /** No cache (the default), with the default bounds should it be enabled. */
  public static CachePolicy disabled() {
    return new CachePolicy(false, DEFAULT_MAXIMUM_PLAYERS, DEFAULT_EXPIRE_AFTER_WRITE);
  }

  /** An enabled cache keeping at most {@code maximumPlayers} histories for {@code expireAfterWrite} each. */
  public static CachePolicy of(int maximumPlayers, Duration expireAfterWrite) {
    return new CachePolicy(true, maximumPlayers, expireAfterWrite);
  }

  /** A readable description, e.g. {@code cache 10000 players for 600000 ms} or {@code no cache}. */
  public String describe() {
    return enabled ? "cache " + Internals.count(maximumPlayers, "player", "players") + " for " + expireAfterWrite.toMillis()
        + " ms" : "no cache";
  }
}
