package dev.gamehistory.loader.testkit;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.League;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The contract computed plainly, for {@link LoaderContractTest}'s check of many players: a seeded
 * slate, the rows around its window, and each player's expected history.
 */
final class ContractReference {

  private ContractReference() {}

  /** 360 players: those on the slate of the game date, topped up with others in a seeded order. */
  static List<String> manyPlayers(League league, LocalDate gameDate) {
    Set<String> players = new LinkedHashSet<>(league.slate(gameDate));
    List<String> others = new ArrayList<>(league.players());
    Collections.shuffle(others, new Random(11));
    for (String player : others) {
      if (players.size() >= 360) {
        break;
      }
      players.add(player);
    }
    return List.copyOf(players).subList(0, 360);
  }

  /**
   * The requested players' rows from 10 days before the window to 5 days after the game date, plus
   * the rows of 10 players that are not requested.
   */
  static List<GameRow> rowsAround(League league, LoadRequest request) {
    Set<String> requested = new HashSet<>(request.players());
    List<String> unrequested = league.players().stream()
        .filter(p -> !requested.contains(p) && !league.rowsOf(p).isEmpty())
        .limit(10)
        .toList();
    Set<String> included = new HashSet<>(requested);
    included.addAll(unrequested);
    LocalDate from = request.windowStart().minusDays(10);
    LocalDate to = request.gameDate().plusDays(5);
    List<GameRow> rows = new ArrayList<>(league.rows().stream()
        .filter(r -> included.contains(r.playerLookup()))
        .filter(r -> !r.gameDate().isBefore(from) && !r.gameDate().isAfter(to))
        .map(r -> GameRow.of(r.playerLookup(), r.gameDate(), r.opponentTeamAbbr(), r.points(), r.minutesPlayed()))
        .toList());
    Collections.shuffle(rows, new Random(5));
    return rows;
  }

  /** The contract, computed plainly: filter the window, sort by the documented key, rank, rest days. */
  static Map<String, List<HistoricalGame>> reference(List<GameRow> rows, LoadRequest request) {
    Map<String, List<HistoricalGame>> expected = new LinkedHashMap<>();
    for (String player : request.players()) {
      List<GameRow> window = new ArrayList<>();
      for (GameRow r : rows) {
        if (r.playerLookup().equals(player) && !r.gameDate().isBefore(request.windowStart())
            && r.gameDate().isBefore(request.gameDate())) {
          window.add(r);
        }
      }
      window.sort(ContractReference::compareNewestFirst);
      List<HistoricalGame> games = new ArrayList<>();
      for (int i = 0; i < window.size() && i < request.maxGames(); i++) {
        GameRow r = window.get(i);
        Integer rest = i + 1 < window.size()
            ? (int) ChronoUnit.DAYS.between(window.get(i + 1).gameDate(), r.gameDate())
            : null;
        games.add(new HistoricalGame(player, r.gameDate(), r.opponentTeamAbbr(),
            r.points() == null ? OptionalInt.empty() : OptionalInt.of(r.points()),
            Optional.ofNullable(r.minutesPlayed()), i + 1,
            rest == null ? OptionalInt.empty() : OptionalInt.of(rest)));
      }
      expected.put(player, games);
    }
    return expected;
  }

  /** {@code game_date DESC, opponent_team_abbr ASC, points DESC NULLS LAST, minutes_played DESC NULLS LAST}. */
  private static int compareNewestFirst(GameRow a, GameRow b) {
    int c = b.gameDate().compareTo(a.gameDate());
    if (c != 0) {
      return c;
    }
    c = a.opponentTeamAbbr().compareTo(b.opponentTeamAbbr());
    if (c != 0) {
      return c;
    }
    c = descendingNullsLast(a.points(), b.points());
    if (c != 0) {
      return c;
    }
    return descendingNullsLast(a.minutesPlayed(), b.minutesPlayed());
  }

  private static <T extends Comparable<T>> int descendingNullsLast(@Nullable T a, @Nullable T b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return b.compareTo(a);
  }
}
