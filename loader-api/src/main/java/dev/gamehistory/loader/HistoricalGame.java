package dev.gamehistory.loader;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One game in a player's history.
 *
 * <p>{@code rank} 1 is the most recent game before the request's game date. {@code restDays} is the
 * number of days since the same player's previous game inside the window (that game may lie beyond
 * the request's max games); it is absent when the window holds no earlier game. Points and minutes
 * played are absent where the source has no value; absent never means zero.
 *
 * @param playerLookup the player's lookup key, as requested
 * @param gameDate the game's date, before the request's game date
 * @param opponentTeamAbbr the opponent's team abbreviation
 * @param points points scored, absent when unknown
 * @param minutesPlayed minutes played with one decimal, absent when unknown
 * @param rank 1 for the most recent game in the window, 2 for the one before, ...
 * @param restDays days since the previous game in the window, absent when there is none
 */
public record HistoricalGame(
    String playerLookup,
    LocalDate gameDate,
    String opponentTeamAbbr,
    OptionalInt points,
    Optional<BigDecimal> minutesPlayed,
    int rank,
    OptionalInt restDays) {

  /** Validates the fields; see the class description. */
  public HistoricalGame {
    Objects.requireNonNull(playerLookup, "playerLookup");
    Objects.requireNonNull(gameDate, "gameDate");
    Objects.requireNonNull(opponentTeamAbbr, "opponentTeamAbbr");
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(minutesPlayed, "minutesPlayed");
    Objects.requireNonNull(restDays, "restDays");
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be at least 1 but was " + rank);
    }
    if (restDays.isPresent() && restDays.getAsInt() < 0) {
      throw new IllegalArgumentException("restDays must not be negative but was " + restDays.getAsInt());
    }
  }
}
