package dev.gamehistory.loader.inmemory;

import dev.gamehistory.loader.HistoricalGame;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Rows indexed by player, each player's rows sorted newest first by {@link #ORDER}, answering
 * window queries with the semantics contract: rank in that order, rest days to the next row in that
 * order inside the window.
 */
final class WindowIndex {

  /**
   * The deterministic order of a player's games: {@code game_date DESC, opponent_team_abbr ASC,
   * points DESC NULLS LAST, minutes_played DESC NULLS LAST}. Strings compare by Unicode code point,
   * as BigQuery compares them (not by UTF-16 unit, as {@link String#compareTo} does).
   */
  public static final Comparator<GameRow> ORDER = Comparator.comparing(GameRow::gameDate, Comparator.reverseOrder())
      .thenComparing(GameRow::opponentTeamAbbr, WindowIndex::compareCodePoints)
      .thenComparing(GameRow::points, Comparator.nullsLast(Comparator.<Integer>reverseOrder()))
      .thenComparing(GameRow::minutesPlayed, Comparator.nullsLast(Comparator.<BigDecimal>reverseOrder()));

  private final Map<String, GameRow[]> byPlayer;

  /** Compares two strings by Unicode code point; a prefix sorts first. */
  public static int compareCodePoints(String a, String b) {
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
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private WindowIndex(Map<String, GameRow[]> byPlayer) {
    this.byPlayer = byPlayer;
  }

  /** Indexes the rows. */
  public static WindowIndex of(Collection<GameRow> rows) {
    Map<String, List<GameRow>> lists = new HashMap<>();
    for (GameRow row : rows) {
      lists.computeIfAbsent(row.playerLookup(), p -> new ArrayList<>()).add(row);
    }
    Map<String, GameRow[]> sorted = new HashMap<>(lists.size() * 2);
    lists.forEach((player, list) -> {
      GameRow[] array = list.toArray(new GameRow[0]);
      java.util.Arrays.sort(array, ORDER);
      sorted.put(player, array);
    });
    return new WindowIndex(sorted);
  }

  /**
   * The players' histories in {@code [windowStart, windowEnd)}, at most {@code maxGames} each;
   * players without a game in the window are absent. Keys follow the order of {@code players}.
   */
  public Map<String, List<HistoricalGame>> histories(
      Collection<String> players, LocalDate windowStart, LocalDate windowEnd, int maxGames) {
    Map<String, List<HistoricalGame>> result = new LinkedHashMap<>();
    for (String player : players) {
      if (result.containsKey(player)) {
        continue;
      }
      List<HistoricalGame> games = history(player, windowStart, windowEnd, maxGames);
      if (!games.isEmpty()) {
        result.put(player, games);
      }
    }
    return result;
  }

  /** One player's history in {@code [windowStart, windowEnd)}, at most {@code maxGames}, newest first. */
  public List<HistoricalGame> history(String player, LocalDate windowStart, LocalDate windowEnd, int maxGames) {
    GameRow[] rows = byPlayer.get(player);
    if (rows == null) {
      return List.of();
    }
    int first = firstBefore(rows, windowEnd);
    int end = first;
    while (end < rows.length && !rows[end].gameDate().isBefore(windowStart)) {
      end++;
    }
    int count = Math.min(maxGames, end - first);
    List<HistoricalGame> games = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      GameRow row = rows[first + i];
      int next = first + i + 1;
      OptionalInt restDays = next < end
          ? OptionalInt.of((int) ChronoUnit.DAYS.between(rows[next].gameDate(), row.gameDate()))
          : OptionalInt.empty();
      games.add(new HistoricalGame(
          row.playerLookup(),
          row.gameDate(),
          row.opponentTeamAbbr(),
          row.points() == null ? OptionalInt.empty() : OptionalInt.of(row.points()),
          Optional.ofNullable(row.minutesPlayed()),
          i + 1,
          restDays));
    }
    return games;
  }

  /** How many rows the index holds for the player. */
  public int rowCount(String player) {
    GameRow[] rows = byPlayer.get(player);
    return rows == null ? 0 : rows.length;
  }

  /** The index of the first row (newest first) dated before {@code end}. */
  private static int firstBefore(GameRow[] rows, LocalDate end) {
    int low = 0;
    int high = rows.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (rows[mid].gameDate().isBefore(end)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }
}
