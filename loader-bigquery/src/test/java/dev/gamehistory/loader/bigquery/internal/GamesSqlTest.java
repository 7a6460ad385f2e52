package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.QueryParameter;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GamesSqlTest {

  private static final TableRef TABLE = new TableRef("test", "nba", "games");

  private static Map<Column, String> defaults() {
    Map<Column, String> columns = new EnumMap<>(Column.class);
    for (Column column : Column.values()) {
      columns.put(column, column.field());
    }
    return columns;
  }

  @Test
  void sql_qualifyForm_isTheDocumentedStatement() {
    GamesSql sql = new GamesSql(TABLE, defaults(), GamesSql.Form.QUALIFY);

    assertThat(sql.sql()).isEqualTo("""
        SELECT
          `player_lookup` AS player_lookup,
          `game_date` AS game_date,
          `opponent_team_abbr` AS opponent_team_abbr,
          `points` AS points,
          `minutes_played` AS minutes_played,
          ROW_NUMBER() OVER recent AS game_rank,
          DATE_DIFF(`game_date`, LEAD(`game_date`) OVER recent, DAY) AS rest_days
        FROM `test`.`nba`.`games`
        WHERE `game_date` >= @window_start
          AND `game_date` < @window_end
          AND `player_lookup` IN UNNEST(@players)
        QUALIFY game_rank <= @max_games
        WINDOW recent AS (
          PARTITION BY `player_lookup`
          ORDER BY `game_date` DESC, `opponent_team_abbr` ASC, `points` DESC NULLS LAST, `minutes_played` DESC NULLS LAST)""");
  }

  @Test
  void sql_arrayAggForm_limitsEachPlayerByParameter() {
    GamesSql sql = new GamesSql(TABLE, defaults(), GamesSql.Form.ARRAY_AGG);

    assertThat(sql.sql())
        .contains("ARRAY_AGG(STRUCT(game_date, opponent_team_abbr, points, minutes_played, rest_days)\n"
            + "      ORDER BY game_date DESC, opponent_team_abbr ASC, points DESC NULLS LAST, minutes_played DESC"
            + " NULLS LAST LIMIT @max_games) AS games")
        .contains("DATE_DIFF(`game_date`, LEAD(`game_date`) OVER recent, DAY) AS rest_days")
        .contains("`player_lookup` IN UNNEST(@players)")
        .endsWith("), UNNEST(games) AS game WITH OFFSET AS position");
  }

  @Test
  void sql_mappedColumns_backquotedEverywhere() {
    Map<Column, String> columns = defaults();
    columns.put(Column.PLAYER_LOOKUP, "lookup");
    columns.put(Column.GAME_DATE, "date");
    columns.put(Column.POINTS, "pts");

    String sql = new GamesSql(TABLE, columns, GamesSql.Form.QUALIFY).sql();

    assertThat(sql)
        .contains("`lookup` AS player_lookup", "`date` AS game_date", "`pts` AS points")
        .contains("WHERE `date` >= @window_start", "`lookup` IN UNNEST(@players)", "PARTITION BY `lookup`")
        .contains("ORDER BY `date` DESC, `opponent_team_abbr` ASC, `pts` DESC NULLS LAST")
        .doesNotContain("`player_lookup`", "`points`");
  }

  @Test
  void configuration_everyValueIsANamedParameter() {
    GamesSql sql = new GamesSql(TABLE, defaults(), GamesSql.Form.QUALIFY);
    List<String> players = List.of("o'neal`; DROP TABLE games; --", "jokic");
    WindowQuery query = new WindowQuery(players, LocalDate.of(2024, 1, 10), 90, 30);

    QueryJobConfiguration config = sql.configuration(query).build();

    assertThat(config.getQuery()).isEqualTo(sql.sql()).doesNotContain("o'neal").doesNotContain("2023");
    assertThat(config.useLegacySql()).isFalse();
    Map<String, QueryParameterValue> parameters = config.getNamedParameters();
    assertThat(parameters).containsOnlyKeys("window_start", "window_end", "players", "max_games");
    assertThat(parameters.get("window_start")).isEqualTo(QueryParameterValue.date("2023-10-12"));
    assertThat(parameters.get("window_end")).isEqualTo(QueryParameterValue.date("2024-01-10"));
    assertThat(parameters.get("max_games")).isEqualTo(QueryParameterValue.int64(30L));
    assertThat(parameters.get("players").getArrayType()).isEqualTo(StandardSQLTypeName.STRING);
    assertThat(parameters.get("players").getArrayValues()).extracting(QueryParameterValue::getValue)
        .containsExactlyElementsOf(players);
  }

  @Test
  void parameters_restForm_sameNamesTypesAndValuesAsTheClientForm() {
    GamesSql sql = new GamesSql(TABLE, defaults(), GamesSql.Form.QUALIFY);
    List<String> players = List.of("o'neal`; DROP TABLE games; --", "jokic");
    WindowQuery query = new WindowQuery(players, LocalDate.of(2024, 1, 10), 90, 30);

    List<com.google.api.services.bigquery.model.QueryParameter> parameters = sql.parameters(query);

    assertThat(parameters).extracting(p -> p.getName() + ":" + p.getParameterType().getType())
        .containsExactly("window_start:DATE", "window_end:DATE", "players:ARRAY", "max_games:INT64");
    assertThat(parameters.get(0).getParameterValue().getValue()).isEqualTo("2023-10-12");
    assertThat(parameters.get(1).getParameterValue().getValue()).isEqualTo("2024-01-10");
    assertThat(parameters.get(2).getParameterType().getArrayType().getType()).isEqualTo("STRING");
    assertThat(parameters.get(2).getParameterValue().getArrayValues())
        .extracting(com.google.api.services.bigquery.model.QueryParameterValue::getValue)
        .containsExactlyElementsOf(players);
    assertThat(parameters.get(3).getParameterValue().getValue()).isEqualTo("30");
  }

  @Test
  void datesSql_mappedColumns_backquotedAndEveryValueAParameter() {
    Map<Column, String> columns = defaults();
    columns.put(Column.PLAYER_LOOKUP, "lookup");
    columns.put(Column.GAME_DATE, "date");

    String sql = new GamesSql(TABLE, columns, GamesSql.Form.ARRAY_AGG).datesSql();

    assertThat(sql)
        .contains("`lookup` AS player_lookup", "`date` AS game_date")
        .contains("WHERE `date` >= @scan_start", "AND `date` < @scan_end", "`lookup` IN UNNEST(@players)")
        .contains("FROM UNNEST(@pair_players) AS pair_player WITH OFFSET AS player_index")
        .contains("JOIN UNNEST(@pair_dates) AS pair_date WITH OFFSET AS date_index ON player_index = date_index")
        .contains("JOIN pair USING (player_lookup)")
        .contains("game.game_date >= DATE_SUB(pair.pair_date, INTERVAL @lookback_days DAY)")
        .contains("PARTITION BY player_lookup, pair.pair_date", "QUALIFY game_rank <= @max_games")
        .startsWith("WITH pair AS (")
        .doesNotContain("`player_lookup`", "`game_date`");
  }

  @Test
  void datesParameters_pairsZippedInDateOrder_distinctPlayersAndTheScanSpan() {
    GamesSql sql = new GamesSql(TABLE, defaults(), GamesSql.Form.QUALIFY);
    DatesQuery query = DatesQuery.of(Map.of(
        LocalDate.of(2024, 1, 12), List.of("jokic"),
        LocalDate.of(2024, 1, 10), List.of("o'neal`; --", "jokic")), 90, 30);

    List<QueryParameter> parameters = sql.datesParameters(query);

    assertThat(parameters).extracting(QueryParameter::getName)
        .containsExactly("pair_players", "pair_dates", "players", "scan_start", "scan_end", "lookback_days", "max_games");
    assertThat(values(parameters.get(0))).containsExactly("o'neal`; --", "jokic", "jokic");
    assertThat(values(parameters.get(1))).containsExactly("2024-01-10", "2024-01-10", "2024-01-12");
    assertThat(parameters.get(1).getParameterType().getArrayType().getType()).isEqualTo("DATE");
    assertThat(values(parameters.get(2))).containsExactly("o'neal`; --", "jokic");
    assertThat(parameters.get(3).getParameterValue().getValue()).isEqualTo("2023-10-12");
    assertThat(parameters.get(4).getParameterValue().getValue()).isEqualTo("2024-01-12");
    assertThat(parameters.get(5).getParameterType().getType()).isEqualTo("INT64");
  }

  private static List<String> values(QueryParameter parameter) {
    return parameter.getParameterValue().getArrayValues().stream()
        .map(com.google.api.services.bigquery.model.QueryParameterValue::getValue).toList();
  }
}
