package dev.gamehistory.loader.inmemory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes games as CSV (UTF-8).
 *
 * <p>The first record is the header. It names the columns {@code player_lookup}, {@code game_date}
 * ({@code yyyy-mm-dd}), {@code opponent_team_abbr}, {@code points} (a whole number) and {@code
 * minutes_played} (at most one decimal), and may add {@code team_abbr} and {@code game_id}; in any
 * order, names exact. An empty cell is an absent value (allowed for {@code points}, {@code
 * minutes_played}, {@code team_abbr} and {@code game_id}). Fields may be quoted as in RFC 4180;
 * empty lines are skipped. A bad record fails the whole read with a {@link CsvFormatException}
 * reading {@code FILE:LINE: <problem>; got '<value>'}.
 */
public final class GamesCsv {

  /** The columns every file has. */
  public static final List<String> REQUIRED_COLUMNS =
      List.of("player_lookup", "game_date", "opponent_team_abbr", "points", "minutes_played");
  /** The columns a file may add. */
  public static final List<String> OPTIONAL_COLUMNS = List.of("team_abbr", "game_id");

  private static final List<String> ALL_COLUMNS = List.of(
      "player_lookup", "game_date", "opponent_team_abbr", "points", "minutes_played", "team_abbr", "game_id");

  private GamesCsv() {}

  /**
   * The rows of a CSV file, named in errors as given.
   *
   * @throws CsvFormatException for a malformed header or record
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<GameRow> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read games CSV " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * The rows of CSV text, naming {@code source} in errors.
   *
   * @throws CsvFormatException for a malformed header or record
   */
  public static List<GameRow> parse(String text, String source) {
    CsvTokenizer tokenizer = new CsvTokenizer(text, source);
    CsvTokenizer.Record header = tokenizer.next();
    if (header == null) {
      throw new CsvFormatException(source, 1, "missing header", "");
    }
    Map<String, Integer> columns = columns(header, source);
    int width = header.fields().size();
    List<GameRow> rows = new ArrayList<>();
    for (CsvTokenizer.Record record = tokenizer.next(); record != null; record = tokenizer.next()) {
      if (record.fields().size() != width) {
        throw new CsvFormatException(source, record.line(),
            "expected " + width + " fields but found " + record.fields().size(), record.raw());
      }
      rows.add(row(record, columns, source));
    }
    return rows;
  }

  /**
   * Writes the rows to a file with every column, replacing it.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void write(Collection<GameRow> rows, Path file) {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(rows, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write games CSV " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the rows with every column, one record a line (LF).
   *
   * @throws UncheckedIOException when {@code out} fails
   */
  public static void write(Collection<GameRow> rows, Appendable out) {
    try {
      out.append(String.join(",", ALL_COLUMNS)).append('\n');
      for (GameRow row : rows) {
        out.append(cell(row.playerLookup())).append(',')
            .append(row.gameDate().toString()).append(',')
            .append(cell(row.opponentTeamAbbr())).append(',')
            .append(row.points() == null ? "" : row.points().toString()).append(',')
            .append(row.minutesPlayed() == null ? "" : row.minutesPlayed().toPlainString()).append(',')
            .append(cell(row.teamAbbr())).append(',')
            .append(cell(row.gameId())).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write games CSV: " + e.getMessage(), e);
    }
  }

  /** The rows as CSV text with every column. */
  public static String toCsv(Collection<GameRow> rows) {
    StringBuilder out = new StringBuilder();
    write(rows, out);
    return out.toString();
  }

  private static Map<String, Integer> columns(CsvTokenizer.Record header, String source) {
    Map<String, Integer> columns = new HashMap<>();
    List<String> names = header.fields();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!ALL_COLUMNS.contains(name)) {
        throw new CsvFormatException(source, header.line(),
            "unknown column (expected " + String.join(", ", ALL_COLUMNS) + ")", name);
      }
      if (columns.put(name, i) != null) {
        throw new CsvFormatException(source, header.line(), "duplicate column", name);
      }
    }
    for (String required : REQUIRED_COLUMNS) {
      if (!columns.containsKey(required)) {
        throw new CsvFormatException(source, header.line(), "missing column '" + required + "'", header.raw());
      }
    }
    return columns;
  }

  private static GameRow row(CsvTokenizer.Record record, Map<String, Integer> columns, String source) {
    List<String> fields = record.fields();
    int line = record.line();
    String player = fields.get(columns.get("player_lookup"));
    if (player.isBlank()) {
      throw new CsvFormatException(source, line, "player_lookup is blank", player);
    }
    String dateText = fields.get(columns.get("game_date"));
    LocalDate date;
    try {
      date = LocalDate.parse(dateText);
    } catch (DateTimeParseException e) {
      throw new CsvFormatException(source, line, "game_date is not a date (yyyy-mm-dd)", dateText);
    }
    String opponent = fields.get(columns.get("opponent_team_abbr"));
    if (opponent.isBlank()) {
      throw new CsvFormatException(source, line, "opponent_team_abbr is blank", opponent);
    }
    String pointsText = fields.get(columns.get("points"));
    Integer points = null;
    if (!pointsText.isEmpty()) {
      try {
        points = Integer.valueOf(pointsText);
      } catch (NumberFormatException e) {
        throw new CsvFormatException(source, line, "points is not a whole number", pointsText);
      }
    }
    String minutesText = fields.get(columns.get("minutes_played"));
    BigDecimal minutes = null;
    if (!minutesText.isEmpty()) {
      try {
        minutes = new BigDecimal(minutesText);
        if (minutes.scale() > 1 && minutes.stripTrailingZeros().scale() > 1) {
          throw new NumberFormatException("too many decimals");
        }
        if (minutes.abs().compareTo(new BigDecimal("9999.9")) > 0) {
          throw new NumberFormatException("too large");
        }
      } catch (NumberFormatException e) {
        throw new CsvFormatException(source, line,
            "minutes_played is not a number with at most one decimal (at most 9999.9)", minutesText);
      }
    }
    return new GameRow(player, date, opponent, points, minutes, optional(fields, columns, "team_abbr"),
        optional(fields, columns, "game_id"));
  }

  private static @Nullable String optional(List<String> fields, Map<String, Integer> columns, String name) {
    Integer index = columns.get(name);
    if (index == null) {
      return null;
    }
    String value = fields.get(index);
    return value.isEmpty() ? null : value;
  }

  private static String cell(@Nullable String value) {
    if (value == null) {
      return "";
    }
    if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
