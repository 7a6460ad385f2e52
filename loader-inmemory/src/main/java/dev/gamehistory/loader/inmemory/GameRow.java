package dev.gamehistory.loader.inmemory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of the {@code player_game_summary} table, as far as the loader reads it.
 *
 * <p>Minutes played are kept with exactly one decimal, as the table's {@code NUMERIC(5,1)} column
 * holds them: {@code 34} becomes {@code 34.0}; a value with more decimals is rejected.
 *
 * @param playerLookup the player's lookup key, e.g. {@code lebronjames}; not blank
 * @param gameDate the game's date
 * @param opponentTeamAbbr the opponent's abbreviation; not blank
 * @param points points scored; {@code null} when the source has no value
 * @param minutesPlayed minutes played, one decimal; {@code null} when the source has no value
 * @param teamAbbr the player's team; {@code null} when unknown
 * @param gameId the game's id; {@code null} when unknown
 */
public record GameRow(
    String playerLookup,
    LocalDate gameDate,
    String opponentTeamAbbr,
    @Nullable Integer points,
    @Nullable BigDecimal minutesPlayed,
    @Nullable String teamAbbr,
    @Nullable String gameId) {

  /** The largest magnitude {@code NUMERIC(5,1)} holds. */
  private static final BigDecimal MAX_MINUTES = new BigDecimal("9999.9");

  /**
   * Validates the fields and brings minutes played to one decimal.
   *
   * @throws IllegalArgumentException naming the field and the value when one is invalid
   */
  public GameRow {
    Objects.requireNonNull(playerLookup, "playerLookup");
    Objects.requireNonNull(gameDate, "gameDate");
    Objects.requireNonNull(opponentTeamAbbr, "opponentTeamAbbr");
    if (playerLookup.isBlank()) {
      throw new IllegalArgumentException("playerLookup must not be blank but was '" + playerLookup + "'");
    }
    if (opponentTeamAbbr.isBlank()) {
      throw new IllegalArgumentException("opponentTeamAbbr must not be blank but was '" + opponentTeamAbbr + "'");
    }
    if (minutesPlayed != null) {
      minutesPlayed = oneDecimal(minutesPlayed);
    }
  }

  /** A row without team and game id. */
  public static GameRow of(
      String playerLookup,
      LocalDate gameDate,
      String opponentTeamAbbr,
      @Nullable Integer points,
      @Nullable BigDecimal minutesPlayed) {
    return new GameRow(playerLookup, gameDate, opponentTeamAbbr, points, minutesPlayed, null, null);
  }

  /**
   * A row without team and game id, from text: the date as {@code 2024-02-28}, minutes as {@code
   * "31.5"} ({@code null} for absent).
   *
   * @throws java.time.format.DateTimeParseException when the date is not {@code yyyy-mm-dd}
   * @throws NumberFormatException when the minutes are not a number
   */
  public static GameRow of(
      String playerLookup, String gameDate, String opponentTeamAbbr, @Nullable Integer points, @Nullable String minutes) {
    return of(playerLookup, LocalDate.parse(gameDate), opponentTeamAbbr, points,
        minutes == null ? null : new BigDecimal(minutes));
  }

  private static BigDecimal oneDecimal(BigDecimal minutes) {
    BigDecimal scaled;
    try {
      scaled = minutes.setScale(1, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException moreDecimals) {
      throw new IllegalArgumentException(
          "minutesPlayed must have at most one decimal but was " + minutes.toPlainString(), moreDecimals);
    }
    if (scaled.abs().compareTo(MAX_MINUTES) > 0) {
      throw new IllegalArgumentException(
          "minutesPlayed must be between -9999.9 and 9999.9 but was " + minutes.toPlainString());
    }
    return scaled;
  }
}
