package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.HistoricalGame;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend query returned: each player's games, newest first. A requested player absent from
 * the map has no game in the window; a player that was not requested must not appear.
 *
 * @param games games by player, newest first, ranked from 1
 * @param rows rows read from the backend
 * @param statistics what the backend knows about the query
 */
public record QueryResult(Map<String, List<HistoricalGame>> games, long rows, Optional<BackendStatistics> statistics) {

  /** Copies the games and checks the fields. */
  public QueryResult {
    Map<String, List<HistoricalGame>> copy = new LinkedHashMap<>();
    games.forEach((player, list) -> copy.put(player, List.copyOf(list)));
    games = java.util.Collections.unmodifiableMap(copy);
    Objects.requireNonNull(statistics, "statistics");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative but was " + rows);
    }
  }

  /** A result without statistics, counting one row per game. */
  public static QueryResult of(Map<String, List<HistoricalGame>> games) {
    long rows = games.values().stream().mapToLong(List::size).sum();
    return new QueryResult(games, rows, Optional.empty());
  }
}
