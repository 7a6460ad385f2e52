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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Maps the statement's result rows, as the REST API returns them (every cell's value as text), to
 * {@link HistoricalGame}s and groups them by player in rank order. Column positions are resolved
 * once from the schema; a row is read by index. NULL points, minutes or rest days stay absent;
 * NUMERIC minutes keep one decimal ({@code 34} becomes {@code 34.0}).
 *
 * <p>A row whose player cannot be read, or who was not requested, breaks the whole result. Any other
 * bad value (a number out of range, a malformed date, a NULL where the statement never puts one, a
 * rank past max games, ranks with a gap) fails that player alone, with a message naming the row, the
 * column and the value: see {@link #failures()}. The other players load.
 */
public final class RowMapper implements Ask.Rows {

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
  private final int cellsNeeded;
  private final Map<String, List<HistoricalGame>> games = new HashMap<>();
  private final Map<String, BackendException> failures = new LinkedHashMap<>();
  private long rows;

  /**
   * A mapper for one query's rows.
   *
   * @param schema the result's schema; {@code null} reads the columns in the statement's order
   * @param players the requested players; a row of another player is an error
   * @param maxGames the most games per player; a higher rank fails the player
   */
  public RowMapper(@Nullable TableSchema schema, Set<String> players, int maxGames) {
    this.players = Set.copyOf(players);
    this.maxGames = maxGames;
    int[] index = new int[OUTPUT.size()];
    int highest = 0;
    for (int i = 0; i < index.length; i++) {
      index[i] = schema == null ? i : indexOf(schema.getFields(), OUTPUT.get(i));
      highest = Math.max(highest, index[i]);
    }
    player = index[0];
    date = index[1];
    opponent = index[2];
    points = index[3];
    minutes = index[4];
    rank = index[5];
    rest = index[6];
    cellsNeeded = highest + 1;
  }

  /** The index of the column {@code name}; the result is broken without it. */
  static int indexOf(@Nullable List<TableFieldSchema> fields, String name) {
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
   * Maps one row; a bad value fails the row's player (see the class description).
   *
   * @throws BackendException when the row breaks the whole result
   */
  @Override
  public void add(TableRow row) {
    long number = ++rows;
    List<TableCell> cells = row.getF();
    if (cells == null || cells.size() < cellsNeeded) {
      throw BackendException.permanentError(UNEXPECTED_RESULT, "row " + number + " of the result has "
          + (cells == null ? 0 : cells.size()) + " values, fewer than the statement's " + cellsNeeded, null);
    }
    String lookup = text(cells, player);
    if (lookup == null) {
      throw BackendException.permanentError(UNEXPECTED_RESULT,
          "row " + number + " of the result has a NULL " + GamesSql.PLAYER_LOOKUP, null);
    }
    if (!players.contains(lookup)) {
      throw BackendException.permanentError(UNEXPECTED_RESULT,
          "the result holds player '" + lookup + "', who was not requested", null);
    }
    if (failures.containsKey(lookup)) {
      return;
    }
    try {
      games.computeIfAbsent(lookup, k -> new ArrayList<>()).add(game(cells, lookup));
    } catch (BadValue bad) {
      fail(lookup, "row " + number + " of the result, player '" + lookup + "': " + bad.getMessage(), bad.getCause());
    }
  }

  private HistoricalGame game(List<TableCell> row, String lookup) {
    int gameRank = parse(row, rank, GamesSql.GAME_RANK, true, RowMapper::int32);
    if (gameRank < 1 || gameRank > maxGames) {
      throw new BadValue("column " + GamesSql.GAME_RANK + " holds " + gameRank + " but max games is " + maxGames, null);
    }
    LocalDate gameDate = parse(row, date, GamesSql.GAME_DATE, true, LocalDate::parse);
    String opponentTeam = parse(row, opponent, GamesSql.OPPONENT_TEAM_ABBR, true, v -> v);
    Integer pointsValue = parse(row, points, GamesSql.POINTS, false, RowMapper::int32);
    BigDecimal minutesValue = parse(row, minutes, GamesSql.MINUTES_PLAYED, false, v -> oneDecimal(new BigDecimal(v)));
    Integer restValue = parse(row, rest, GamesSql.REST_DAYS, false, RowMapper::int32);
    return new HistoricalGame(lookup, gameDate, opponentTeam,
        pointsValue == null ? OptionalInt.empty() : OptionalInt.of(pointsValue),
        Optional.ofNullable(minutesValue),
        gameRank,
        restValue == null ? OptionalInt.empty() : OptionalInt.of(restValue));
  }

  private static int int32(String value) {
    return Math.toIntExact(Long.parseLong(value));
  }

  /** The value of a column, parsed; {@code null} for a NULL where one is allowed. */
  private static <T> @Nullable T parse(List<TableCell> row, int index, String column, boolean required,
      Function<String, T> parser) {
    String value = text(row, index);
    if (value == null) {
      if (required) {
        throw new BadValue("column " + column + " is NULL", null);
      }
      return null;
    }
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      throw new BadValue("column " + column + " holds '" + value + "', which cannot be read (" + e + ")", e);
    }
  }

  private static @Nullable String text(List<TableCell> row, int index) {
    Object value = row.get(index).getV();
    return value == null || Data.isNull(value) ? null : value.toString();
  }

  private void fail(String lookup, String message, @Nullable Throwable cause) {
    failures.put(lookup, BackendException.permanentError(UNEXPECTED_RESULT, message, cause));
    games.remove(lookup);
  }

  /** Rows read so far, bad ones included. */
  @Override
  public long rows() {
    return rows;
  }

  /** The players whose rows could not be read, with why; none of them has games. */
  public Map<String, BackendException> failures() {
    return Collections.unmodifiableMap(failures);
  }

  /**
   * The games by player, players in {@code order}, each list by rank; players without rows absent.
   * A player whose ranks are not 1, 2, 3, ... is moved to {@link #failures()}.
   */
  public Map<String, List<HistoricalGame>> games(List<String> order) {
    Map<String, List<HistoricalGame>> result = new LinkedHashMap<>();
    for (String lookup : order) {
      List<HistoricalGame> list = games.get(lookup);
      if (list == null) {
        continue;
      }
      list.sort(Comparator.comparingInt(HistoricalGame::rank));
      boolean ranked = true;
      for (int i = 0; i < list.size() && ranked; i++) {
        ranked = list.get(i).rank() == i + 1;
      }
      if (ranked) {
        result.put(lookup, list);
      } else {
        fail(lookup, "the result's ranks for player '" + lookup + "' are not 1.." + list.size(), null);
      }
    }
    return result;
  }

  /** {@code value} with trailing zeros removed but at least one decimal: 34 → 34.0, 34.50 → 34.5. */
  public static BigDecimal oneDecimal(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 1 ? stripped.setScale(1) : stripped;
  }

  /** A value that cannot be read; it fails its player only. */
  private static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValue(String message, @Nullable Throwable cause) {
      super(message, cause, false, false);
    }
  }
}
