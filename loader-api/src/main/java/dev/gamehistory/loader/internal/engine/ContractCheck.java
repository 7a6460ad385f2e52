package dev.gamehistory.loader.internal.engine;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.internal.text.Plural;
import dev.gamehistory.loader.spi.QueryResult;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Whether a backend's answer keeps the semantics contract: only the players asked for, at most max
 * games each, ranked newest first inside the window, with rest days to the next game. A load fails
 * an answer that breaks it rather than pass it on.
 */
final class ContractCheck {

  private ContractCheck() {}

  /**
   * What is wrong with {@code byDate} as the answer to a query of {@code task}'s pairs, each date's
   * window taken from {@code requests}; empty when nothing.
   */
  static Optional<String> violation(Map<LocalDate, LoadRequest> requests, Task task, Map<LocalDate, QueryResult> byDate) {
    for (LocalDate date : byDate.keySet()) {
      if (!task.slates().containsKey(date)) {
        return Optional.of("returned a result for game date " + date + ", which the query did not ask for");
      }
    }
    for (Map.Entry<LocalDate, List<String>> entry : task.slates().entrySet()) {
      QueryResult result = byDate.get(entry.getKey());
      if (result == null) {
        return Optional.of("returned no result for game date " + entry.getKey() + ", which the query asked for");
      }
      Optional<String> violation = violation(requests.get(entry.getKey()), entry.getValue(), result);
      if (violation.isPresent()) {
        return task.isSingleDate() ? violation : Optional.of("on " + entry.getKey() + ": " + violation.get());
      }
    }
    return Optional.empty();
  }

  /** What is wrong with {@code queryResult} as the answer to a query of {@code players}; empty when nothing. */
  static Optional<String> violation(LoadRequest request, List<String> players, QueryResult queryResult) {
    Set<String> asked = new LinkedHashSet<>(players);
    for (String player : queryResult.failures().keySet()) {
      if (!asked.contains(player)) {
        return Optional.of("returned a failure for player '" + player + "', which the query did not ask for");
      }
    }
    for (Map.Entry<String, List<HistoricalGame>> entry : queryResult.games().entrySet()) {
      String player = entry.getKey();
      if (!asked.contains(player)) {
        return Optional.of("returned games for player '" + player + "', which the query did not ask for");
      }
      List<HistoricalGame> games = entry.getValue();
      if (games.size() > request.maxGames()) {
        return Optional.of("returned " + games.size() + " games for player '" + player + "', more than max games " + request.maxGames());
      }
      for (int i = 0; i < games.size(); i++) {
        HistoricalGame game = games.get(i);
        if (!game.playerLookup().equals(player) || game.rank() != i + 1
            || game.gameDate().isBefore(request.windowStart()) || !game.gameDate().isBefore(request.windowEnd())) {
          return Optional.of("game " + (i + 1) + " of player '" + player + "' is out of place: " + game);
        }
        if (i + 1 < games.size() && games.get(i + 1).gameDate().isAfter(game.gameDate())) {
          return Optional.of("games of player '" + player + "' are not newest first: game " + (i + 2) + " on "
              + games.get(i + 1).gameDate() + " follows " + game.gameDate());
        }
        Optional<String> rest = restDaysViolation(request, player, games, i);
        if (rest.isPresent()) {
          return rest;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Rest days of game {@code i}: the days back to the next game in the list; for the last game,
   * absent when the list holds every game of the window (fewer than max games), otherwise absent or
   * reaching no further back than the window's start.
   */
  private static Optional<String> restDaysViolation(LoadRequest request, String player, List<HistoricalGame> games, int i) {
    HistoricalGame game = games.get(i);
    OptionalInt rest = game.restDays();
    if (i + 1 < games.size()) {
      long expected = ChronoUnit.DAYS.between(games.get(i + 1).gameDate(), game.gameDate());
      if (rest.isEmpty() || rest.getAsInt() != expected) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days "
            + (rest.isEmpty() ? "absent" : rest.getAsInt()) + " but the next game is " + Plural.count(expected, "day", "days") + " before it");
      }
    } else if (rest.isPresent()) {
      if (games.size() < request.maxGames()) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days " + rest.getAsInt()
            + " but is the player's earliest game in the window");
      }
      if (rest.getAsInt() < 0 || game.gameDate().minusDays(rest.getAsInt()).isBefore(request.windowStart())) {
        return Optional.of("game " + (i + 1) + " of player '" + player + "' has rest days " + rest.getAsInt()
            + ", reaching before the window's start " + request.windowStart());
      }
    }
    return Optional.empty();
  }
}
