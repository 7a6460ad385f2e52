package dev.gamehistory.loader.spi;

import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoaderException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend query returned: each player's games, newest first, and the players the backend
 * could not load although the query ran (a malformed row, say). A requested player absent from both
 * maps has no game in the window; a player that was not requested must not appear. The engine
 * fails only the players in {@link #failures()}; the others load.
 *
 * @param games games by player, newest first, ranked from 1
 * @param rows rows read from the backend
 * @param statistics what the backend knows about the query
 * @param failures why each of these players could not be loaded; none of them is in {@code games}
 */
public record QueryResult(Map<String, List<HistoricalGame>> games, long rows, Optional<BackendStatistics> statistics,
    Map<String, LoaderException> failures) {

  /** Copies the maps and checks the fields. */
  public QueryResult {
    Map<String, List<HistoricalGame>> copy = new LinkedHashMap<>();
    games.forEach((player, list) -> copy.put(player, List.copyOf(list)));
    games = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(statistics, "statistics");
    // Copied first, then checked: the copy is what the engine reads, whatever the given map does.
    Map<String, LoaderException> failed = new LinkedHashMap<>(failures);
    for (Map.Entry<String, LoaderException> entry : failed.entrySet()) {
      String player = entry.getKey();
      Objects.requireNonNull(player, "failures: a player is null");
      // A failure without a cause would read as "loaded, no games": the failure this library exists to prevent.
      Objects.requireNonNull(entry.getValue(), () -> "failures: the failure of player '" + player + "' is null");
    }
    failures = Collections.unmodifiableMap(failed);
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative but was " + rows);
    }
    for (String player : failures.keySet()) {
      if (games.containsKey(player)) {
        throw new IllegalArgumentException("player '" + player + "' has both games and a failure");
      }
    }
  }

  /** A result where every player loaded. */
  public QueryResult(Map<String, List<HistoricalGame>> games, long rows, Optional<BackendStatistics> statistics) {
    this(games, rows, statistics, Map.of());
  }

  /** A result without statistics, counting one row per game. */
  public static QueryResult of(Map<String, List<HistoricalGame>> games) {
    long rows = games.values().stream().mapToLong(List::size).sum();
    return new QueryResult(games, rows, Optional.empty());
  }
}
