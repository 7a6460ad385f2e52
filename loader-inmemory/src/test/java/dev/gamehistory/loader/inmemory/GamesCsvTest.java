package dev.gamehistory.loader.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GamesCsvTest {

  private static final String HEADER = "player_lookup,game_date,opponent_team_abbr,points,minutes_played\n";

  @TempDir
  Path dir;

  @Test
  void parse_requiredColumns_givesRowsWithAbsentCellsAsNull() {
    List<GameRow> rows = GamesCsv.parse(HEADER
        + "lebronjames,2024-02-28,BOS,31,36.5\n"
        + "lebronjames,2024-02-26,MIA,,34\n"
        + "anthonydavis,2024-02-26,MIA,22,\n", "games.csv");

    assertThat(rows).containsExactly(
        new GameRow("lebronjames", LocalDate.of(2024, 2, 28), "BOS", 31, new BigDecimal("36.5"), null, null),
        new GameRow("lebronjames", LocalDate.of(2024, 2, 26), "MIA", null, new BigDecimal("34.0"), null, null),
        new GameRow("anthonydavis", LocalDate.of(2024, 2, 26), "MIA", 22, null, null, null));
  }

  @Test
  void parse_columnsInAnyOrderWithOptionalOnes() {
    List<GameRow> rows = GamesCsv.parse(
        "game_id,minutes_played,points,opponent_team_abbr,game_date,team_abbr,player_lookup\n"
            + "20240228_LAL_BOS,36.5,31,BOS,2024-02-28,LAL,lebronjames\n"
            + ",,,BOS,2024-02-28,,anthonydavis\n", "games.csv");

    assertThat(rows).containsExactly(
        new GameRow("lebronjames", LocalDate.of(2024, 2, 28), "BOS", 31, new BigDecimal("36.5"), "LAL", "20240228_LAL_BOS"),
        new GameRow("anthonydavis", LocalDate.of(2024, 2, 28), "BOS", null, null, null, null));
  }

  @Test
  void parse_quotedFieldsCrlfBlankLinesAndByteOrderMark_areTolerated() {
    List<GameRow> rows = GamesCsv.parse("\uFEFF" + HEADER.replace("\n", "\r\n")
        + "\"lebronjames\",\"2024-02-28\",\"BOS\",\"31\",\"36.5\"\r\n"
        + "\r\n"
        + "\"o\"\"neal, jr\",2024-02-27,\"NY\nK\",10,20.0\n\n", "games.csv");

    assertThat(rows).extracting(GameRow::playerLookup).containsExactly("lebronjames", "o\"neal, jr");
    assertThat(rows.get(1).opponentTeamAbbr()).isEqualTo("NY\nK");
  }

  @Test
  void writeThenParse_givesEqualRows() {
    List<GameRow> rows = List.of(
        new GameRow("lebronjames", LocalDate.of(2024, 2, 28), "BOS", 31, new BigDecimal("36.5"), "LAL", "g1"),
        new GameRow("o\"neal, jr", LocalDate.of(2024, 2, 27), "NY\nK", null, null, null, null),
        new GameRow("zero", LocalDate.of(2024, 2, 27), "MIA", 0, new BigDecimal("0.0"), "DEN", null));

    String csv = GamesCsv.toCsv(rows);

    assertThat(csv).startsWith(
        "player_lookup,game_date,opponent_team_abbr,points,minutes_played,team_abbr,game_id\n"
            + "lebronjames,2024-02-28,BOS,31,36.5,LAL,g1\n"
            + "\"o\"\"neal, jr\",2024-02-27,\"NY\nK\",,,,\n");
    assertThat(GamesCsv.parse(csv, "round trip")).isEqualTo(rows);
  }

  @Test
  void writeThenRead_file_givesEqualRows() {
    List<GameRow> rows = LeagueGenerator.generate(5, 1).rows().subList(0, 500);
    Path file = dir.resolve("league.csv");

    GamesCsv.write(rows, file);

    assertThat(GamesCsv.read(file)).isEqualTo(rows);
  }

  @Test
  void read_missingFile_failsNamingTheFile() {
    Path missing = dir.resolve("missing.csv");

    assertThatThrownBy(() -> GamesCsv.read(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot read games CSV " + missing + ": " + missing);
  }

  @Test
  void read_badRow_failsNamingFileAndLine() throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, HEADER + "a,2024-02-28,BOS,31,36.5\nb,2024-02-30,BOS,31,36.5\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> GamesCsv.read(file))
        .isInstanceOfSatisfying(CsvFormatException.class, e -> {
          assertThat(e.source()).isEqualTo(file.toString());
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.problem()).isEqualTo("game_date is not a date (yyyy-mm-dd)");
          assertThat(e.value()).isEqualTo("2024-02-30");
        })
        .hasMessage(file + ":3: game_date is not a date (yyyy-mm-dd); got '2024-02-30'");
  }

  @Test
  void parse_badValues_failWithExactMessages() {
    assertBad(HEADER + "a,2024-02-28,BOS,31.5,36.5\n", "games.csv:2: points is not a whole number; got '31.5'");
    assertBad(HEADER + "a,2024-02-28,BOS,x,36.5\n", "games.csv:2: points is not a whole number; got 'x'");
    assertBad(HEADER + "a,28/02/2024,BOS,31,36.5\n", "games.csv:2: game_date is not a date (yyyy-mm-dd); got '28/02/2024'");
    assertBad(HEADER + "a,,BOS,31,36.5\n", "games.csv:2: game_date is not a date (yyyy-mm-dd); got ''");
    assertBad(HEADER + "a,2024-02-28,BOS,31,36.25\n",
        "games.csv:2: minutes_played is not a number with at most one decimal (at most 9999.9); got '36.25'");
    assertBad(HEADER + "a,2024-02-28,BOS,31,abc\n",
        "games.csv:2: minutes_played is not a number with at most one decimal (at most 9999.9); got 'abc'");
    assertBad(HEADER + "ok,2024-02-28,BOS,31,36.5\n ,2024-02-28,BOS,31,36.5\n",
        "games.csv:3: player_lookup is blank; got ' '");
    assertBad(HEADER + "a,2024-02-28,,31,36.5\n", "games.csv:2: opponent_team_abbr is blank; got ''");
  }

  @Test
  void parse_wrongFieldCount_failsShowingTheRecord() {
    assertBad(HEADER + "a,2024-02-28,BOS,31\n", "games.csv:2: expected 5 fields but found 4; got 'a,2024-02-28,BOS,31'");
    assertBad(HEADER + "\n\na,2024-02-28,BOS,31,36.5,extra\n",
        "games.csv:4: expected 5 fields but found 6; got 'a,2024-02-28,BOS,31,36.5,extra'");
  }

  @Test
  void parse_badHeader_failsNamingTheColumn() {
    assertBad("", "games.csv:1: missing header; got ''");
    assertBad("player_lookup,game_date,opponent_team_abbr,minutes_played\n",
        "games.csv:1: missing column 'points'; got 'player_lookup,game_date,opponent_team_abbr,minutes_played'");
    assertBad("player_lookup,game_date,opponent_team_abbr,pts,points,minutes_played\n",
        "games.csv:1: unknown column (expected player_lookup, game_date, opponent_team_abbr, points, minutes_played, "
            + "team_abbr, game_id); got 'pts'");
    assertBad("player_lookup,game_date,opponent_team_abbr,points,points,minutes_played\n",
        "games.csv:1: duplicate column; got 'points'");
  }

  @Test
  void parse_badQuoting_failsAtTheRecordsLine() {
    assertBad(HEADER + "a,2024-02-28,BOS,31,36.5\n\"b,2024-02-28,BOS,31,36.5\n",
        "games.csv:3: unterminated quoted field; got '\"b,2024-02-28,BOS,31,36.5\n'");
    assertBad(HEADER + "\"a\"x,2024-02-28,BOS,31,36.5\n",
        "games.csv:2: unexpected character after a closing quote; got '\"a\"x,2024-02-28,BOS,31,36.5'");
  }

  @Test
  void parse_lineNumbers_countLineBreaksInsideQuotes() {
    assertBad(HEADER + "\"multi\nline\",2024-02-28,BOS,31,36.5\nb,2024-02-28,BOS,x,36.5\n",
        "games.csv:4: points is not a whole number; got 'x'");
  }

  @Test
  void message_longValue_isCut() {
    String longValue = "x".repeat(100);

    CsvFormatException e = new CsvFormatException("f.csv", 9, "too long", longValue);

    assertThat(e).hasMessage("f.csv:9: too long; got '" + "x".repeat(80) + "...'");
    assertThat(e.value()).isEqualTo(longValue);
  }

  private static void assertBad(String csv, String message) {
    assertThatThrownBy(() -> GamesCsv.parse(csv, "games.csv"))
        .isInstanceOf(CsvFormatException.class)
        .hasMessage(message);
  }
}
