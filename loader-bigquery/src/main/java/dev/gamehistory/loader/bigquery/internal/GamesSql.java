package dev.gamehistory.loader.bigquery.internal;

import com.google.api.services.bigquery.model.QueryParameter;
import com.google.api.services.bigquery.model.QueryParameterType;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.gamehistory.loader.spi.WindowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The loader's one statement, for every strategy: a batch is a chunk of all players, one player a
 * chunk of one. Only identifiers (validated, backquoted) are written into the text; every value is
 * a query parameter:
 *
 * <ul>
 *   <li>{@code @window_start} (DATE, inclusive) and {@code @window_end} (DATE, exclusive), computed in
 *       Java, so the partition filter is constant and prunes partitions;
 *   <li>{@code @players} (ARRAY&lt;STRING&gt;) used as {@code IN UNNEST(@players)}, which prunes
 *       clustered blocks;
 *   <li>{@code @max_games} (INT64).
 * </ul>
 *
 * <p>The order within a player is the contract's tie-break key, shared with the in-memory backend:
 * {@code game_date DESC, opponent_team_abbr ASC, points DESC NULLS LAST, minutes_played DESC NULLS LAST}.
 * {@code rest_days} is {@code DATE_DIFF} to the next row in that order (the previous game), computed
 * with {@code LEAD} over the whole window before the top-N filter, so the previous game may lie
 * beyond {@code max_games}.
 */
public final class GamesSql {

  /** The output column of the player lookup. */
  public static final String PLAYER_LOOKUP = "player_lookup";
  /** The output column of the game date. */
  public static final String GAME_DATE = "game_date";
  /** The output column of the opponent. */
  public static final String OPPONENT_TEAM_ABBR = "opponent_team_abbr";
  /** The output column of the points. */
  public static final String POINTS = "points";
  /** The output column of the minutes played. */
  public static final String MINUTES_PLAYED = "minutes_played";
  /** The output column of the rank, 1 for the most recent game. */
  public static final String GAME_RANK = "game_rank";
  /** The output column of the rest days. */
  public static final String REST_DAYS = "rest_days";

  /** Two ways to keep each player's top N rows. */
  public enum Form {
    /**
     * {@code ROW_NUMBER() ... QUALIFY game_rank <= @max_games}: the default. {@code rest_days} needs
     * a window over every row of the player in the window anyway ({@code LEAD} must see games beyond
     * {@code max_games}), and {@code ROW_NUMBER} shares that window's partitioning and sort, so one
     * sort per player serves both. The ARRAY_AGG form adds an aggregation, a second sort of the same
     * rows and an UNNEST on top of it. Both read exactly the same columns and partitions, so their
     * dry-run bytes are equal: the choice rests on the work after the scan.
     */
    QUALIFY,
    /**
     * {@code ARRAY_AGG(STRUCT(...) ORDER BY ... LIMIT @max_games)} per player, then UNNEST with the
     * offset as rank: kept for comparison (see {@code hgl explain}).
     */
    ARRAY_AGG
  }

  private final TableRef table;
  private final Map<Column, String> columns;
  private final Form form;
  private final String sql;

  /**
   * The statement over {@code table} with the given column names.
   *
   * @param table the table, validated
   * @param columns the column of each queried field, validated
   * @param form how the top N are kept
   */
  public GamesSql(TableRef table, Map<Column, String> columns, Form form) {
    this.table = Objects.requireNonNull(table, "table");
    this.columns = Map.copyOf(columns);
    this.form = Objects.requireNonNull(form, "form");
    for (Column column : Column.queried()) {
      if (!this.columns.containsKey(column)) {
        throw new IllegalArgumentException("no column name for field " + column.field());
      }
    }
    this.sql = form == Form.QUALIFY ? qualify() : arrayAgg();
  }

  /** The statement's text. */
  public String sql() {
    return sql;
  }

  /** The form of the statement. */
  public Form form() {
    return form;
  }

  /** The table it reads. */
  public TableRef table() {
    return table;
  }

  /** A job configuration running the statement for {@code query}, every value a named parameter. */
  public QueryJobConfiguration.Builder configuration(WindowQuery query) {
    return QueryJobConfiguration.newBuilder(sql)
        .setUseLegacySql(false)
        .addNamedParameter("window_start", QueryParameterValue.date(query.windowStart().toString()))
        .addNamedParameter("window_end", QueryParameterValue.date(query.windowEnd().toString()))
        .addNamedParameter("players",
            QueryParameterValue.array(query.players().toArray(new String[0]), StandardSQLTypeName.STRING))
        .addNamedParameter("max_games", QueryParameterValue.int64((long) query.maxGames()));
  }

  /**
   * The same named parameters as {@link #configuration}, in the REST model that {@code jobs.query}
   * takes.
   */
  public List<QueryParameter> parameters(WindowQuery query) {
    List<com.google.api.services.bigquery.model.QueryParameterValue> players = new ArrayList<>(query.players().size());
    for (String player : query.players()) {
      players.add(new com.google.api.services.bigquery.model.QueryParameterValue().setValue(player));
    }
    return List.of(
        scalar("window_start", "DATE", query.windowStart().toString()),
        scalar("window_end", "DATE", query.windowEnd().toString()),
        new QueryParameter().setName("players")
            .setParameterType(new QueryParameterType().setType("ARRAY")
                .setArrayType(new QueryParameterType().setType("STRING")))
            .setParameterValue(new com.google.api.services.bigquery.model.QueryParameterValue().setArrayValues(players)),
        scalar("max_games", "INT64", Integer.toString(query.maxGames())));
  }

  private static QueryParameter scalar(String name, String type, String value) {
    return new QueryParameter().setName(name)
        .setParameterType(new QueryParameterType().setType(type))
        .setParameterValue(new com.google.api.services.bigquery.model.QueryParameterValue().setValue(value));
  }

  private String col(Column column) {
    return Identifiers.quote(columns.get(column));
  }

  private String source() {
    String player = col(Column.PLAYER_LOOKUP);
    String date = col(Column.GAME_DATE);
    return "FROM " + table.sql() + "\n"
        + "WHERE " + date + " >= @window_start\n"
        + "  AND " + date + " < @window_end\n"
        + "  AND " + player + " IN UNNEST(@players)\n";
  }

  private String window() {
    return "WINDOW recent AS (\n"
        + "  PARTITION BY " + col(Column.PLAYER_LOOKUP) + "\n"
        + "  ORDER BY " + col(Column.GAME_DATE) + " DESC, " + col(Column.OPPONENT_TEAM_ABBR) + " ASC, "
        + col(Column.POINTS) + " DESC NULLS LAST, " + col(Column.MINUTES_PLAYED) + " DESC NULLS LAST)";
  }

  private String columnsAs() {
    return "  " + col(Column.PLAYER_LOOKUP) + " AS " + PLAYER_LOOKUP + ",\n"
        + "  " + col(Column.GAME_DATE) + " AS " + GAME_DATE + ",\n"
        + "  " + col(Column.OPPONENT_TEAM_ABBR) + " AS " + OPPONENT_TEAM_ABBR + ",\n"
        + "  " + col(Column.POINTS) + " AS " + POINTS + ",\n"
        + "  " + col(Column.MINUTES_PLAYED) + " AS " + MINUTES_PLAYED + ",\n";
  }

  private String restDays() {
    String date = col(Column.GAME_DATE);
    return "DATE_DIFF(" + date + ", LEAD(" + date + ") OVER recent, DAY) AS " + REST_DAYS;
  }

  private String qualify() {
    return "SELECT\n"
        + columnsAs()
        + "  ROW_NUMBER() OVER recent AS " + GAME_RANK + ",\n"
        + "  " + restDays() + "\n"
        + source()
        + "QUALIFY " + GAME_RANK + " <= @max_games\n"
        + window();
  }

  private String arrayAgg() {
    String order = GAME_DATE + " DESC, " + OPPONENT_TEAM_ABBR + " ASC, " + POINTS + " DESC NULLS LAST, "
        + MINUTES_PLAYED + " DESC NULLS LAST";
    return "SELECT\n"
        + "  " + PLAYER_LOOKUP + ",\n"
        + "  game." + GAME_DATE + " AS " + GAME_DATE + ",\n"
        + "  game." + OPPONENT_TEAM_ABBR + " AS " + OPPONENT_TEAM_ABBR + ",\n"
        + "  game." + POINTS + " AS " + POINTS + ",\n"
        + "  game." + MINUTES_PLAYED + " AS " + MINUTES_PLAYED + ",\n"
        + "  position + 1 AS " + GAME_RANK + ",\n"
        + "  game." + REST_DAYS + " AS " + REST_DAYS + "\n"
        + "FROM (\n"
        + "  SELECT " + PLAYER_LOOKUP + ",\n"
        + "    ARRAY_AGG(STRUCT(" + GAME_DATE + ", " + OPPONENT_TEAM_ABBR + ", " + POINTS + ", " + MINUTES_PLAYED
        + ", " + REST_DAYS + ")\n"
        + "      ORDER BY " + order + " LIMIT @max_games) AS games\n"
        + "  FROM (\n"
        + "SELECT\n"
        + columnsAs()
        + "  " + restDays() + "\n"
        + source()
        + window() + "\n"
        + "  )\n"
        + "  GROUP BY " + PLAYER_LOOKUP + "\n"
        + "), UNNEST(games) AS game WITH OFFSET AS position";
  }
}
