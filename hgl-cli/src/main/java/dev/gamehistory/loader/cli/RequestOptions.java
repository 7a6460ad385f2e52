package dev.gamehistory.loader.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Which players and which game date a command loads: {@code --date}, and {@code --players N} (the
 * first N players of the in-memory data by lookup) or {@code --players-file FILE}.
 */
final class RequestOptions {

  /** How many players {@code load} asks for by default: a full game day's slate. */
  static final int DEFAULT_PLAYERS = 360;
  /** The most players a command asks for. */
  static final int MAX_PLAYERS = 10_000;

  private static final Pattern INTEGER = Pattern.compile("[0-9]{1,9}");

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "The game date; histories end the day before. Default: the in-memory data's last date with games"
          + " (explain on BigQuery: today).")
  @Nullable String date;

  @Option(names = "--players-file", paramLabel = "FILE",
      description = "Player lookups, one a line; blank lines and # comments are ignored. load and bench need it with"
          + " backend=bigquery.")
  @Nullable Path playersFile;

  /** The game date given, or {@code fallback} (for a missing date) when it is present. */
  LocalDate date(@Nullable LocalDate fallback, String backend) {
    if (date == null) {
      if (fallback == null) {
        throw new UsageException("--date: required with backend=" + backend + "; got none");
      }
      return fallback;
    }
    return parseDate("--date", date);
  }

  /** Parses a {@code YYYY-MM-DD} date named {@code option} in errors. */
  static LocalDate parseDate(String option, String text) {
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new UsageException(option + ": not a date (YYYY-MM-DD); got '" + text + "'", e);
    }
  }

  /** Parses a whole number between {@code min} and {@code max} named {@code option} in errors. */
  static int parseCount(String option, String text, int min, int max) {
    String trimmed = text.trim();
    if (INTEGER.matcher(trimmed).matches()) {
      int value = Integer.parseInt(trimmed);
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw new UsageException(option, "must be an integer between " + min + " and " + max, text);
  }

  /**
   * The first {@code count} players: from {@code --players-file} when given, else from the
   * in-memory backend's players sorted by lookup.
   *
   * @param option the option that gave the count, for messages
   */
  List<String> players(int count, String option, Backend backend) {
    List<String> available;
    String source;
    if (playersFile != null) {
      available = readPlayers(playersFile);
      source = "--players-file holds";
    } else {
      Backend.Rows rows = backend.rows().orElseThrow(() -> new UsageException(
          "--players-file: required with backend=" + backend.name() + " (hgl lists players only of the in-memory"
              + " backend); got none"));
      available = rows.players();
      source = "the data holds";
    }
    if (count > available.size()) {
      throw new UsageException(option, source + " only " + TextReport.count(available.size(), "player"),
          Integer.toString(count));
    }
    return List.copyOf(available.subList(0, count));
  }

  /** Every player of {@code --players-file}, in file order; empty when the option is absent. */
  List<String> playersFromFile() {
    return playersFile == null ? List.of() : readPlayers(playersFile);
  }

  /**
   * The lookups of a players file: one a line, trimmed; blank lines and lines starting with
   * {@code #} are skipped, as is anything after a {@code #}.
   */
  static List<String> readPlayers(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("--players-file: cannot read the file (" + reason(e) + "); got '" + file + "'", e);
    }
    List<String> players = new ArrayList<>();
    for (String line : lines) {
      int comment = line.indexOf('#');
      String lookup = (comment >= 0 ? line.substring(0, comment) : line).trim();
      if (!lookup.isEmpty()) {
        players.add(lookup);
      }
    }
    if (players.isEmpty()) {
      throw new UsageException("--players-file", "no player lookups in the file", file.toString());
    }
    return players;
  }

  /** Why a file could not be read, in a few words. */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
