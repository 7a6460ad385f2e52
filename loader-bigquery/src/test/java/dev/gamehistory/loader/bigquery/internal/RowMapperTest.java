package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowMapperTest {

  // The result's columns in another order than the statement's, to show mapping is by name.
  private static final TableSchema SCHEMA = new TableSchema().setFields(List.of(
      field("game_rank", "INTEGER"),
      field("player_lookup", "STRING"),
      field("game_date", "DATE"),
      field("opponent_team_abbr", "STRING"),
      field("points", "INTEGER"),
      field("minutes_played", "NUMERIC"),
      field("rest_days", "INTEGER")));

  private static TableFieldSchema field(String name, String type) {
    return new TableFieldSchema().setName(name).setType(type);
  }

  /** A row as the REST API sends it: every value as text, NULL as JSON null. */
  private static TableRow row(String... values) {
    List<TableCell> cells = new ArrayList<>();
    for (String value : values) {
      cells.add(new TableCell().setV(value == null ? Data.NULL_STRING : value));
    }
    return new TableRow().setF(cells);
  }

  @Test
  void games_rowsInAnyOrder_groupedByPlayerInRankOrder() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a", "b", "c"), 30);

    mapper.add(row("2", "a", "2024-01-05", "NYK", null, null, null));
    mapper.add(row("1", "b", "2024-01-06", "BOS", "7", "12", "1"));
    mapper.add(row("1", "a", "2024-01-08", "BOS", "31", "36.50", "3"));

    assertThat(mapper.rows()).isEqualTo(3);
    assertThat(mapper.games(List.of("c", "b", "a"))).containsExactly(
        java.util.Map.entry("b", List.of(new HistoricalGame("b", LocalDate.of(2024, 1, 6), "BOS", OptionalInt.of(7),
            Optional.of(new BigDecimal("12.0")), 1, OptionalInt.of(1)))),
        java.util.Map.entry("a", List.of(
            new HistoricalGame("a", LocalDate.of(2024, 1, 8), "BOS", OptionalInt.of(31),
                Optional.of(new BigDecimal("36.5")), 1, OptionalInt.of(3)),
            new HistoricalGame("a", LocalDate.of(2024, 1, 5), "NYK", OptionalInt.empty(), Optional.empty(), 2,
                OptionalInt.empty()))));
  }

  @Test
  void games_noSchema_readsStatementOrder() {
    RowMapper mapper = new RowMapper(null, Set.of("a"), 30);

    mapper.add(row("a", "2024-01-08", "BOS", "0", "0", "1", "0"));

    assertThat(mapper.games(List.of("a")).get("a")).containsExactly(new HistoricalGame("a", LocalDate.of(2024, 1, 8),
        "BOS", OptionalInt.of(0), Optional.of(new BigDecimal("0.0")), 1, OptionalInt.of(0)));
  }

  @Test
  void add_rankBeyondMaxGames_failsThatPlayerOnly() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a", "b"), 2);

    mapper.add(row("3", "a", "2024-01-08", "BOS", "1", "1", null));
    mapper.add(row("1", "b", "2024-01-08", "BOS", "1", "1", null));

    assertThat(mapper.games(List.of("a", "b"))).containsOnlyKeys("b");
    assertThat(mapper.failures()).containsOnlyKeys("a");
    assertThat(mapper.failures().get("a"))
        .hasMessage("row 1 of the result, player 'a': column game_rank holds 3 but max games is 2")
        .satisfies(e -> {
          assertThat(e.reason()).isEqualTo("unexpectedResult");
          assertThat(e.isRetryable()).isFalse();
        });
  }

  @Test
  void add_pointsPastInt32_failsThatPlayerNamingRowColumnAndValue() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a", "b"), 30);

    mapper.add(row("1", "b", "2024-01-09", "LAL", "27", "34", null));
    mapper.add(row("1", "a", "2024-01-08", "BOS", "3000000000", "1", null));
    mapper.add(row("2", "a", "2024-01-06", "BOS", "12", "1", null));

    assertThat(mapper.rows()).isEqualTo(3);
    assertThat(mapper.games(List.of("a", "b"))).containsOnlyKeys("b");
    assertThat(mapper.failures().get("a").getMessage()).isEqualTo("row 2 of the result, player 'a': column points"
        + " holds '3000000000', which cannot be read (java.lang.ArithmeticException: integer overflow)");
  }

  @Test
  void add_malformedValues_failTheirPlayers() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a", "b", "c"), 30);

    mapper.add(row("1", "a", "08/01/2024", "BOS", "1", "1", null));
    mapper.add(row("1", "b", "2024-01-08", "BOS", "many", "1", null));
    mapper.add(row("1", "c", "2024-01-08", null, "1", "1", null));

    assertThat(mapper.games(List.of("a", "b", "c"))).isEmpty();
    assertThat(mapper.failures().get("a").getMessage()).startsWith("row 1 of the result, player 'a': column"
        + " game_date holds '08/01/2024', which cannot be read (java.time.format.DateTimeParseException: Text");
    assertThat(mapper.failures().get("b").getMessage()).startsWith("row 2 of the result, player 'b': column"
        + " points holds 'many', which cannot be read (java.lang.NumberFormatException");
    assertThat(mapper.failures().get("c").getMessage())
        .isEqualTo("row 3 of the result, player 'c': column opponent_team_abbr is NULL");
  }

  @Test
  void add_unrequestedOrNullPlayer_breaksTheWholeResult() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a"), 30);

    assertThatThrownBy(() -> mapper.add(row("1", "z", "2024-01-08", "BOS", "1", "1", null)))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("unexpectedResult");
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessage("the result holds player 'z', who was not requested");
    assertThatThrownBy(() -> mapper.add(row("1", null, "2024-01-08", "BOS", "1", "1", null)))
        .isInstanceOf(BackendException.class)
        .hasMessage("row 2 of the result has a NULL player_lookup");
    assertThatThrownBy(() -> mapper.add(row("1", "a")))
        .isInstanceOf(BackendException.class)
        .hasMessage("row 3 of the result has 2 values, fewer than the statement's 7");
  }

  @Test
  void new_schemaWithoutAColumn_permanentError() {
    TableSchema schema = new TableSchema().setFields(List.of(field("player_lookup", "STRING")));

    assertThatThrownBy(() -> new RowMapper(schema, Set.of("a"), 30))
        .isInstanceOf(BackendException.class)
        .hasMessage("the result has no column game_date");
  }

  @Test
  void games_gapInRanks_failsThatPlayer() {
    RowMapper mapper = new RowMapper(SCHEMA, Set.of("a"), 30);
    mapper.add(row("1", "a", "2024-01-08", "BOS", "1", "1", null));
    mapper.add(row("3", "a", "2024-01-06", "BOS", "1", "1", null));

    assertThat(mapper.games(List.of("a"))).isEmpty();
    assertThat(mapper.failures().get("a")).hasMessage("the result's ranks for player 'a' are not 1..2");
  }

  @Test
  void oneDecimal_variousScales_keepsOneDecimalAtLeast() {
    assertThat(RowMapper.oneDecimal(new BigDecimal("34"))).isEqualTo(new BigDecimal("34.0"));
    assertThat(RowMapper.oneDecimal(new BigDecimal("34.50"))).isEqualTo(new BigDecimal("34.5"));
    assertThat(RowMapper.oneDecimal(new BigDecimal("3.4E+1"))).isEqualTo(new BigDecimal("34.0"));
    assertThat(RowMapper.oneDecimal(new BigDecimal("0"))).isEqualTo(new BigDecimal("0.0"));
    assertThat(RowMapper.oneDecimal(new BigDecimal("12.25"))).isEqualTo(new BigDecimal("12.25"));
  }
}
