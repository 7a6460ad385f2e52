package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.inmemory.GameRow;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The semantics contract (README "Semantics", DESIGN.md section 2) computed from the rows alone, written
 * from the text of the contract and sharing no code with the in-memory backend: the window runs from
 * {@code gameDate - lookbackDays} inclusive to {@code gameDate} exclusive; a player's games in it are
 * ordered {@code game_date DESC, opponent_team_abbr ASC (by code point), points DESC NULLS LAST,
 * minutes_played DESC NULLS LAST}; the first {@code maxGames} are ranked 1..n; a game's rest days are
 * the days back to the next game in that order inside the window (even beyond {@code maxGames}),
 * absent when there is none.
 */
final class ContractModel {

  /** The documented tie-break, newest first. */
  static final Comparator<GameRow> ORDER = Comparator.comparing(GameRow::gameDate).reversed()
      .thenComparing(GameRow::opponentTeamAbbr, ContractModel::compareByCodePoint)
      .thenComparing(GameRow::points, ContractModel::descendingNullsLast)
      .thenComparing(GameRow::minutesPlayed, ContractModel::descendingNullsLast);

  private final Map<String, List<GameRow>> rowsByPlayer = new HashMap<>();

  /** A model over the rows (the same rows the backend answers from). */
  ContractModel(Collection<GameRow> rows) {
    for (GameRow row : rows) {
      rowsByPlayer.computeIfAbsent(row.playerLookup(), player -> new ArrayList<>()).add(row);
    }
  }

  /** The player's history as the contract defines it; empty for a player without a game in the window. */
  List<HistoricalGame> history(String player, LocalDate gameDate, int lookbackDays, int maxGames) {
    LocalDate windowStart = gameDate.minusDays(lookbackDays);
    List<GameRow> window = new ArrayList<>();
    for (GameRow row : rowsByPlayer.getOrDefault(player, List.of())) {
      if (!row.gameDate().isBefore(windowStart) && row.gameDate().isBefore(gameDate)) {
        window.add(row);
      }
    }
    window.sort(ORDER);
    List<HistoricalGame> games = new ArrayList<>();
    for (int i = 0; i < Math.min(maxGames, window.size()); i++) {
      GameRow row = window.get(i);
      OptionalInt restDays = i + 1 < window.size()
          ? OptionalInt.of((int) ChronoUnit.DAYS.between(window.get(i + 1).gameDate(), row.gameDate()))
          : OptionalInt.empty();
      games.add(new HistoricalGame(player, row.gameDate(), row.opponentTeamAbbr(),
          row.points() == null ? OptionalInt.empty() : OptionalInt.of(row.points()),
          Optional.ofNullable(row.minutesPlayed()), i + 1, restDays));
    }
    return games;
  }

  /** Whether the rows hold any game of the player. */
  boolean knows(String player) {
    return rowsByPlayer.containsKey(player);
  }

  /** Compares two strings by Unicode code point, as BigQuery orders STRING values. */
  static int compareByCodePoint(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static <T extends Comparable<T>> int descendingNullsLast(T a, T b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return b.compareTo(a);
  }

  /** The games with minutes in one canonical scale, so that {@code 34.0} and {@code 34.00} compare equal. */
  static List<HistoricalGame> byValue(List<HistoricalGame> games) {
    return games.stream().map(game -> new HistoricalGame(game.playerLookup(), game.gameDate(),
        game.opponentTeamAbbr(), game.points(), game.minutesPlayed().map(BigDecimal::stripTrailingZeros),
        game.rank(), game.restDays())).toList();
  }
}
