package dev.gamehistory.loader;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What a cached history answers: one player's window and max games. Two requests share an entry only
 * when all four fields are equal.
 *
 * @param player the player's lookup key
 * @param gameDate the game day
 * @param lookbackDays the window length in days
 * @param maxGames the most games
 */
public record CacheKey(String player, LocalDate gameDate, int lookbackDays, int maxGames) {

  /** Checks that no field is null. */
  public CacheKey {
    Objects.requireNonNull(player, "player");
    Objects.requireNonNull(gameDate, "gameDate");
  }

  /** The key of {@code player} in {@code request}. */
  public static CacheKey of(String player, LoadRequest request) {
    return new CacheKey(player, request.gameDate(), request.lookbackDays(), request.maxGames());
  }
}
