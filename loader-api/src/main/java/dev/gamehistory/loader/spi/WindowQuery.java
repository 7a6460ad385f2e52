package dev.gamehistory.loader.spi;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One backend query: these players' most recent {@code maxGames} games from {@link #windowStart()}
 * (inclusive) to {@link #windowEnd()} (exclusive), with rank and rest days as the semantics contract
 * defines them (see the README).
 *
 * @param players distinct player lookups, never empty
 * @param gameDate the game day; the window ends the day before
 * @param lookbackDays the window's length in days
 * @param maxGames the most games per player
 */
public record WindowQuery(List<String> players, LocalDate gameDate, int lookbackDays, int maxGames) {

  /** Copies the players and checks the fields. */
  public WindowQuery {
    players = List.copyOf(players);
    Objects.requireNonNull(gameDate, "gameDate");
    if (players.isEmpty()) {
      throw new IllegalArgumentException("players must not be empty");
    }
    if (lookbackDays < 1) {
      throw new IllegalArgumentException("lookbackDays must be positive but was " + lookbackDays);
    }
    if (maxGames < 1) {
      throw new IllegalArgumentException("maxGames must be positive but was " + maxGames);
    }
  }

  /** The first day of the window, inclusive. */
  public LocalDate windowStart() {
    return gameDate.minusDays(lookbackDays);
  }

  /** The first day after the window: the game date. */
  public LocalDate windowEnd() {
    return gameDate;
  }
}
