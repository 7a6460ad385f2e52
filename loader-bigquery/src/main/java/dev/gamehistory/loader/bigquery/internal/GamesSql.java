package dev.gamehistory.loader.bigquery.internal;

import com.google.api.services.bigquery.model.QueryParameter;
import com.google.api.services.bigquery.model.QueryParameterType;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.gamehistory.loader.spi.DatesQuery;
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
  /** The output column of a multi-date statement's pair date: the game date the row's history is for. */
  public static final String FOR_DATE = "for_date";

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
  private final String datesSql;

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
    this.datesSql = dates();
  }

  /** The statement's text. */
  public String sql() {
    return sql;
  }

  /**
   * The multi-date statement's text: the (date, player) pairs as two parameters of equal length,
   * {@code @pair_players} (ARRAY&lt;STRING&gt;) and {@code @pair_dates} (ARRAY&lt;DATE&gt;), zipped by
   * offset and joined to the table's rows on the player ({@code USING}) and the pair's own window
   * ({@code @lookback_days} days before its date, up to the date, exclusive); the partition filter,
   * in the table's subquery, is the constant span of every window, {@code @scan_start} (DATE, the earliest date minus the lookback) to
   * {@code @scan_end} (DATE, the latest date, exclusive), and {@code @players} (the distinct players)
   * prunes clustered blocks. Rank and rest days are counted per (player, date). Always the
   * {@link Form#QUALIFY} form. The pairs are two arrays rather than one ARRAY&lt;STRUCT&gt; so that
   * the same statement runs on BigQuery and on the emulator, which cannot bind STRUCT parameters;
   * the {@code CAST} is an identity on BigQuery, where the emulator binds DATE array values as text;
   * the join is {@code USING} the player, which the emulator runs as an indexed equality join (an
   * {@code ON} condition there compares row by row, several times slower).
   */
  public String datesSql() {
    return datesSql;
  }

  /** The named parameters of {@link #datesSql()} for {@code query}, in the REST model. */
  public List<QueryParameter> datesParameters(DatesQuery query) {
    int pairs = query.pairs();
    List<com.google.api.services.bigquery.model.QueryParameterValue> players = new ArrayList<>(pairs);
    List<com.google.api.services.bigquery.model.QueryParameterValue> dates = new ArrayList<>(pairs);
    query.slates().forEach((date, slate) -> {
      String text = date.toString();
      for (String player : slate) {
        players.add(new com.google.api.services.bigquery.model.QueryParameterValue().setValue(player));
        dates.add(new com.google.api.services.bigquery.model.QueryParameterValue().setValue(text));
      }
    });
    List<com.google.api.services.bigquery.model.QueryParameterValue> distinct = new ArrayList<>();
    for (String player : query.players()) {
      distinct.add(new com.google.api.services.bigquery.model.QueryParameterValue().setValue(player));
    }
    return List.of(
        array("pair_players", "STRING", players),
        array("pair_dates", "DATE", dates),
        array("players", "STRING", distinct),
        scalar("scan_start", "DATE", query.scanStart().toString()),
        scalar("scan_end", "DATE", query.scanEnd().toString()),
        scalar("lookback_days", "INT64", Integer.toString(query.lookbackDays())),
        scalar("max_games", "INT64", Integer.toString(query.maxGames())));
  }

  private static QueryParameter array(String name, String type,
      List<com.google.api.services.bigquery.model.QueryParameterValue> values) {
    return new QueryParameter().setName(name)
        .setParameterType(new QueryParameterType().setType("ARRAY").setArrayType(new QueryParameterType().setType(type)))
        .setParameterValue(new com.google.api.services.bigquery.model.QueryParameterValue().setArrayValues(values));
  }

  /**
   * The distinct (game date, player) of every game from {@code @from} to {@code @to} (DATE, both
   * inclusive): who played on each date, for a backfill's slates.
   */
  public String playedSql() {
    String date = col(Column.GAME_DATE);
    return "SELECT DISTINCT " + date + " AS " + GAME_DATE + ", " + col(Column.PLAYER_LOOKUP) + " AS " + PLAYER_LOOKUP
        + "\nFROM " + table.sql() + "\nWHERE " + date + " >= @from AND " + date + " <= @to";
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

  private String dates() {
    String date = col(Column.GAME_DATE);
    return "WITH pair AS (\n"
        + "  SELECT pair_player AS " + PLAYER_LOOKUP + ", CAST(pair_date AS DATE) AS pair_date\n"
        + "  FROM UNNEST(@pair_players) AS pair_player WITH OFFSET AS player_index\n"
        + "  JOIN UNNEST(@pair_dates) AS pair_date WITH OFFSET AS date_index ON player_index = date_index\n"
        + "), game AS (\n"
        + "  SELECT\n"
        + "    " + col(Column.PLAYER_LOOKUP) + " AS " + PLAYER_LOOKUP + ",\n"
        + "    " + date + " AS " + GAME_DATE + ",\n"
        + "    " + col(Column.OPPONENT_TEAM_ABBR) + " AS " + OPPONENT_TEAM_ABBR + ",\n"
        + "    " + col(Column.POINTS) + " AS " + POINTS + ",\n"
        + "    " + col(Column.MINUTES_PLAYED) + " AS " + MINUTES_PLAYED + "\n"
        + "  FROM " + table.sql() + "\n"
        + "  WHERE " + date + " >= @scan_start\n"
        + "    AND " + date + " < @scan_end\n"
        + "    AND " + col(Column.PLAYER_LOOKUP) + " IN UNNEST(@players)\n"
        + ")\n"
        + "SELECT\n"
        + "  pair.pair_date AS " + FOR_DATE + ",\n"
        + "  " + PLAYER_LOOKUP + ",\n"
        + "  game." + GAME_DATE + ",\n"
        + "  game." + OPPONENT_TEAM_ABBR + ",\n"
        + "  game." + POINTS + ",\n"
        + "  game." + MINUTES_PLAYED + ",\n"
        + "  ROW_NUMBER() OVER recent AS " + GAME_RANK + ",\n"
        + "  DATE_DIFF(game." + GAME_DATE + ", LEAD(game." + GAME_DATE + ") OVER recent, DAY) AS " + REST_DAYS + "\n"
        + "FROM game JOIN pair USING (" + PLAYER_LOOKUP + ")\n"
        + "WHERE game." + GAME_DATE + " >= DATE_SUB(pair.pair_date, INTERVAL @lookback_days DAY)\n"
        + "  AND game." + GAME_DATE + " < pair.pair_date\n"
        + "QUALIFY " + GAME_RANK + " <= @max_games\n"
        + "WINDOW recent AS (\n"
        + "  PARTITION BY " + PLAYER_LOOKUP + ", pair.pair_date\n"
        + "  ORDER BY game." + GAME_DATE + " DESC, game." + OPPONENT_TEAM_ABBR + " ASC, game." + POINTS
        + " DESC NULLS LAST, game." + MINUTES_PLAYED + " DESC NULLS LAST)";
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
