package dev.gamehistory.loader.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The slates of {@code hgl backfill --slates FILE}: a CSV file whose header names the columns
 * {@code game_date} and {@code player_lookup} (in any order; other columns are ignored, so a
 * backfill's own CSV output is a slates file), one (date, player) row a line. Fields may be in double
 * quotes (a doubled quote inside is one quote) but not span lines; blank lines are skipped; a pair
 * given twice counts once. A bad row fails the whole file with one line naming the file, the line,
 * the field and the value.
 *
 * @param slates the players of each date from {@code from} to {@code to}, dates ascending, players
 *     in file order
 * @param outside how many rows had a date outside {@code [from, to]} and were skipped
 */
record SlatesFile(SortedMap<LocalDate, List<String>> slates, long outside) {

  /** The option that names the file, in every message. */
  static final String OPTION = "--slates";

  private static final String GAME_DATE = "game_date";
  private static final String PLAYER_LOOKUP = "player_lookup";

  /**
   * Reads the rows of {@code file} whose date is from {@code from} to {@code to}.
   *
   * @throws UsageException for an unreadable file, a bad header or a bad row
   */
  static SlatesFile read(Path file, LocalDate from, LocalDate to) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString(), from, to);
    } catch (IOException e) {
      throw new UsageException(OPTION + ": cannot read the file (" + RequestOptions.reason(e) + "); got '" + file + "'",
          e);
    }
  }

  private static SlatesFile read(BufferedReader reader, String source, LocalDate from, LocalDate to) throws IOException {
    String headerLine = reader.readLine();
    int line = 1;
    if (headerLine != null && headerLine.startsWith("\uFEFF")) {
      headerLine = headerLine.substring(1);
    }
    if (headerLine == null || headerLine.isBlank()) {
      throw bad(source, line, "missing header (" + GAME_DATE + "," + PLAYER_LOOKUP + ")",
          headerLine == null ? "" : headerLine);
    }
    List<String> header = fields(headerLine, source, line);
    int dateColumn = column(header, GAME_DATE, source, headerLine);
    int playerColumn = column(header, PLAYER_LOOKUP, source, headerLine);
    Map<LocalDate, Set<String>> pairs = new TreeMap<>();
    long outside = 0;
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      List<String> row = fields(text, source, line);
      if (row.size() != header.size()) {
        throw bad(source, line, "expected " + header.size() + " fields as in the header, found " + row.size(), text);
      }
      String dateText = row.get(dateColumn).trim();
      LocalDate date;
      try {
        date = LocalDate.parse(dateText);
      } catch (DateTimeParseException e) {
        throw bad(source, line, GAME_DATE + " is not a date (YYYY-MM-DD)", dateText);
      }
      String player = row.get(playerColumn).trim();
      if (player.isEmpty()) {
        throw bad(source, line, PLAYER_LOOKUP + " is blank", row.get(playerColumn));
      }
      if (date.isBefore(from) || date.isAfter(to)) {
        outside++;
        continue;
      }
      pairs.computeIfAbsent(date, d -> new LinkedHashSet<>()).add(player);
    }
    SortedMap<LocalDate, List<String>> slates = new TreeMap<>();
    pairs.forEach((date, players) -> slates.put(date, List.copyOf(players)));
    return new SlatesFile(Collections.unmodifiableSortedMap(slates), outside);
  }

  private static int column(List<String> header, String name, String source, String headerLine) {
    int index = -1;
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().toLowerCase(Locale.ROOT).equals(name)) {
        if (index >= 0) {
          throw bad(source, 1, "duplicate column '" + name + "' in the header", headerLine);
        }
        index = i;
      }
    }
    if (index < 0) {
      throw bad(source, 1, "missing column '" + name + "' in the header", headerLine);
    }
    return index;
  }

  /** The fields of one line: comma-separated, each optionally in double quotes. */
  private static List<String> fields(String text, String source, int line) {
    List<String> fields = new ArrayList<>();
    int pos = 0;
    while (true) {
      if (pos < text.length() && text.charAt(pos) == '"') {
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
          if (pos >= text.length()) {
            throw bad(source, line, "unterminated quoted field", text);
          }
          char c = text.charAt(pos);
          if (c == '"' && pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
            value.append('"');
            pos += 2;
          } else if (c == '"') {
            pos++;
            break;
          } else {
            value.append(c);
            pos++;
          }
        }
        if (pos < text.length() && text.charAt(pos) != ',') {
          throw bad(source, line, "unexpected character after a closing quote", text);
        }
        fields.add(value.toString());
      } else {
        int end = text.indexOf(',', pos);
        end = end < 0 ? text.length() : end;
        fields.add(text.substring(pos, end));
        pos = end;
      }
      if (pos >= text.length()) {
        return fields;
      }
      pos++;
    }
  }

  private static UsageException bad(String source, int line, String problem, String value) {
    return new UsageException(OPTION + ": " + source + ":" + line + ": " + problem + "; got '" + value + "'");
  }
}
