package dev.gamehistory.loader.bigquery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.util.Data;
import com.google.api.services.bigquery.model.TableCell;
import com.google.api.services.bigquery.model.TableRow;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.QueryResult;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatesRowMapperTest {

  private static final LocalDate D1 = LocalDate.of(2024, 1, 10);
  private static final LocalDate D2 = LocalDate.of(2024, 1, 11);
  private static final DatesQuery QUERY = DatesQuery.of(Map.of(D1, List.of("a", "b"), D2, List.of("a")), 90, 2);

  /** A row in the statement's order: for_date, player, game date, opponent, points, minutes, rank, rest days. */
  private static TableRow row(String... values) {
    List<TableCell> cells = new ArrayList<>();
    for (String value : values) {
      cells.add(new TableCell().setV(value == null ? Data.NULL_STRING : value));
    }
    return new TableRow().setF(cells);
  }

  @Test
  void results_rowsOfSeveralDates_eachDateItsOwnGamesAndRanks() {
    DatesRowMapper mapper = new DatesRowMapper(null, QUERY);

    mapper.add(row("2024-01-11", "a", "2024-01-10", "BOS", "3", "30", "1", "2"));
    mapper.add(row("2024-01-10", "a", "2024-01-08", "MIA", "1", "10", "1", null));
    mapper.add(row("2024-01-11", "a", "2024-01-08", "MIA", "1", "10", "2", null));

    Map<LocalDate, QueryResult> results = mapper.results();
    assertThat(mapper.rows()).isEqualTo(3);
    assertThat(results).containsOnlyKeys(D1, D2);
    assertThat(results.get(D1).games().get("a")).extracting(HistoricalGame::gameDate).containsExactly(LocalDate.of(2024, 1, 8));
    assertThat(results.get(D1).games()).doesNotContainKey("b");
    assertThat(results.get(D1).rows()).isEqualTo(1);
    assertThat(results.get(D2).games().get("a")).extracting(HistoricalGame::rank).containsExactly(1, 2);
    assertThat(results.get(D2).rows()).isEqualTo(2);
  }

  @Test
  void add_playerNotAskedOnThatDate_breaksTheResult() {
    DatesRowMapper mapper = new DatesRowMapper(null, QUERY);

    assertThatThrownBy(() -> mapper.add(row("2024-01-11", "b", "2024-01-10", "BOS", "3", "30", "1", null)))
        .isInstanceOf(BackendException.class).hasMessageContaining("'b'");
  }

  @Test
  void add_dateNotAsked_breaksTheResultNamingIt() {
    DatesRowMapper mapper = new DatesRowMapper(null, QUERY);

    assertThatThrownBy(() -> mapper.add(row("2024-01-12", "a", "2024-01-10", "BOS", "3", "30", "1", null)))
        .isInstanceOf(BackendException.class).hasMessageContaining("2024-01-12");
    assertThatThrownBy(() -> mapper.add(row(null, "a", "2024-01-10", "BOS", "3", "30", "1", null)))
        .isInstanceOf(BackendException.class).hasMessageContaining("for_date");
    assertThatThrownBy(() -> mapper.add(row("soon", "a", "2024-01-10", "BOS", "3", "30", "1", null)))
        .isInstanceOf(BackendException.class).hasMessageContaining("'soon'");
  }

  @Test
  void add_badValue_failsThatPlayerOnThatDateOnly() {
    DatesRowMapper mapper = new DatesRowMapper(null, QUERY);

    mapper.add(row("2024-01-10", "a", "2024-01-08", "MIA", "many", "10", "1", null));
    mapper.add(row("2024-01-11", "a", "2024-01-08", "MIA", "1", "10", "1", null));

    Map<LocalDate, QueryResult> results = mapper.results();
    assertThat(results.get(D1).failures()).containsOnlyKeys("a");
    assertThat(results.get(D1).failures().get("a")).hasMessageContaining("points").hasMessageContaining("many");
    assertThat(results.get(D2).failures()).isEmpty();
    assertThat(results.get(D2).games().get("a")).hasSize(1);
  }

  @Test
  void requestBytes_escapedCharacters_countedAtTheirEscape() {
    long ascii = Ask.requestBytes(DatesQuery.of(Map.of(D1, List.of("abcd")), 90, 30));
    long escaped = Ask.requestBytes(DatesQuery.of(Map.of(D1, List.of("é\\c\"")), 90, 30));

    assertThat(ascii).isEqualTo(4096 + 2 * (12 + 4) + 25);
    assertThat(escaped).isEqualTo(4096 + 2 * (12 + 6 + 2 + 1 + 2) + 25);
  }
}
