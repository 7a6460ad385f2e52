package dev.gamehistory.loader.bigquery;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One row for {@link BigQueryTableSeeder}: a player's game.
 *
 * @param playerLookup the player's lookup key
 * @param gameDate the game's date
 * @param teamAbbr the player's team
 * @param opponentTeamAbbr the opponent
 * @param gameId the game's id
 * @param points points scored, absent for NULL
 * @param minutesPlayed minutes played, at most one decimal and below 10000, absent for NULL
 */
public record SeedRow(
    String playerLookup,
    LocalDate gameDate,
    String teamAbbr,
    String opponentTeamAbbr,
    String gameId,
    OptionalInt points,
    Optional<BigDecimal> minutesPlayed) {

  /** Checks that no field is null and that minutes fit {@code NUMERIC(5,1)}. */
  public SeedRow {
    Objects.requireNonNull(playerLookup, "playerLookup");
    Objects.requireNonNull(gameDate, "gameDate");
    Objects.requireNonNull(teamAbbr, "teamAbbr");
    Objects.requireNonNull(opponentTeamAbbr, "opponentTeamAbbr");
    Objects.requireNonNull(gameId, "gameId");
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(minutesPlayed, "minutesPlayed");
    minutesPlayed.ifPresent(minutes -> {
      BigDecimal stripped = minutes.stripTrailingZeros();
      if (stripped.scale() > 1 || minutes.abs().compareTo(BigDecimal.valueOf(10_000)) >= 0) {
        throw new IllegalArgumentException("minutesPlayed must fit NUMERIC(5,1) but was " + minutes);
      }
    });
  }
}
