package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.util.Data;
import com.google.api.services.bigquery.model.TableCell;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGame;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps the statement's result rows, as the REST API returns them (every cell's value as text), to
 * {@link HistoricalGame}s and groups them by player in rank order. Column positions are resolved
 * once from the schema; a row is read by index. NULL points,
 * minutes or rest days stay absent; NUMERIC minutes keep one decimal ({@code 34} becomes
 * {@code 34.0}).
 */
public final class RowMapper {

  /** The reason of a result that breaks the statement's contract. */
  public static final String UNEXPECTED_RESULT = "unexpectedResult";

  private static final List<String> OUTPUT = List.of(
      GamesSql.PLAYER_LOOKUP, GamesSql.GAME_DATE, GamesSql.OPPONENT_TEAM_ABBR, GamesSql.POINTS,
      GamesSql.MINUTES_PLAYED, GamesSql.GAME_RANK, GamesSql.REST_DAYS);

  private final Set<String> players;
  private final int maxGames;
  private final int player;
  private final int date;
  private final int opponent;
  private final int points;
  private final int minutes;
  private final int rank;
  private final int rest;
  private final Map<String, List<HistoricalGame>> games = new HashMap<>();
  private long rows;

  /**
   * A mapper for one query's rows.
   *
   * @param schema the result's schema; {@code null} reads the columns in the statement's order
   * @param players the requested players; a row of another player is an error
   * @param maxGames the most games per player; a higher rank is an error
   */
  public RowMapper(@Nullable TableSchema schema, Set<String> players, int maxGames) {
    this.players = Set.copyOf(players);
    this.maxGames = maxGames;
    int[] index = new int[OUTPUT.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = schema == null ? i : indexOf(schema.getFields(), OUTPUT.get(i));
    }
    player = index[0];
    date = index[1];
    opponent = index[2];
    points = index[3];
    minutes = index[4];
    rank = index[5];
    rest = index[6];
  }

  private static int indexOf(@Nullable List<TableFieldSchema> fields, String name) {
    if (fields != null) {
      for (int i = 0; i < fields.size(); i++) {
        if (name.equals(fields.get(i).getName())) {
          return i;
        }
      }
    }
    throw BackendException.permanentError(UNEXPECTED_RESULT, "the result has no column " + name, null);
  }

  /**
   * Maps one row.
   *
   * @throws BackendException when the row breaks the statement's contract
   */
  public void add(TableRow row) {
    try {
      addRow(row.getF());
    } catch (BackendException e) {
      throw e;
    } catch (RuntimeException e) {
      throw BackendException.permanentError(UNEXPECTED_RESULT, "the result holds a malformed row: " + e, e);
    }
  }

  private void addRow(List<TableCell> row) {
    String lookup = required(row, player, GamesSql.PLAYER_LOOKUP);
    if (!players.contains(lookup)) {
      throw BackendException.permanentError(UNEXPECTED_RESULT,
          "the result holds player '" + lookup + "', who was not requested", null);
    }
    int gameRank = Math.toIntExact(Long.parseLong(required(row, rank, GamesSql.GAME_RANK)));
    if (gameRank < 1 || gameRank > maxGames) {
      throw BackendException.permanentError(UNEXPECTED_RESULT,
          "the result holds rank " + gameRank + " for player '" + lookup + "' but max games is " + maxGames, null);
    }
    HistoricalGame game = new HistoricalGame(
        lookup,
        date(required(row, date, GamesSql.GAME_DATE)),
        required(row, opponent, GamesSql.OPPONENT_TEAM_ABBR),
        optionalInt(text(row, points)),
        minutes(text(row, minutes)),
        gameRank,
        optionalInt(text(row, rest)));
    games.computeIfAbsent(lookup, k -> new ArrayList<>()).add(game);
    rows++;
  }

  /** Rows mapped so far. */
  public long rows() {
    return rows;
  }

  /**
   * The games by player, players in {@code order}, each list by rank; players without rows absent.
   *
   * @throws BackendException when a player's ranks are not 1, 2, 3, ...
   */
  public Map<String, List<HistoricalGame>> games(List<String> order) {
    Map<String, List<HistoricalGame>> result = new LinkedHashMap<>();
    for (String lookup : order) {
      List<HistoricalGame> list = games.get(lookup);
      if (list == null) {
        continue;
      }
      list.sort(Comparator.comparingInt(HistoricalGame::rank));
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).rank() != i + 1) {
          throw BackendException.permanentError(UNEXPECTED_RESULT,
              "the result's ranks for player '" + lookup + "' are not 1.." + list.size(), null);
        }
      }
      result.put(lookup, list);
    }
    return result;
  }

  private static @Nullable String text(List<TableCell> row, int index) {
    Object value = row.get(index).getV();
    return value == null || Data.isNull(value) ? null : value.toString();
  }

  private static String required(List<TableCell> row, int index, String column) {
    String value = text(row, index);
    if (value == null) {
      throw BackendException.permanentError(UNEXPECTED_RESULT, "the result holds a NULL " + column, null);
    }
    return value;
  }

  private static LocalDate date(String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw BackendException.permanentError(UNEXPECTED_RESULT, "the result holds a malformed date: " + e.getMessage(), e);
    }
  }

  private static OptionalInt optionalInt(@Nullable String value) {
    return value == null ? OptionalInt.empty() : OptionalInt.of(Math.toIntExact(Long.parseLong(value)));
  }

  private static Optional<BigDecimal> minutes(@Nullable String value) {
    return value == null ? Optional.empty() : Optional.of(oneDecimal(new BigDecimal(value)));
  }

  /** {@code value} with trailing zeros removed but at least one decimal: 34 → 34.0, 34.50 → 34.5. */
  public static BigDecimal oneDecimal(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 1 ? stripped.setScale(1) : stripped;
  }
}
