package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.DateResult;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * How {@code hgl backfill} writes a backfill, date by date as the dates arrive, holding nothing of a
 * date once it is written. Every (date, player) pair of the slates is written exactly once: as one
 * line per game of its history (rank 1 first), as one {@code LOADED} line with {@code games} 0 when
 * its history is empty, or as one {@code FAILED} line with the failure's kind and message. Dates come
 * in date order, a date's players in slate order.
 */
interface BackfillOutput {

  /** Writes one date, a line per game, empty history or failure; returns the lines written. */
  default long write(DateResult date) throws IOException {
    String gameDate = date.gameDate().toString();
    long lines = 0;
    for (PlayerOutcome outcome : date.result().outcomes().values()) {
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        List<HistoricalGame> games = loaded.games();
        if (games.isEmpty()) {
          empty(gameDate, outcome.player());
          lines++;
        }
        for (HistoricalGame game : games) {
          game(gameDate, outcome.player(), games.size(), game);
          lines++;
        }
      } else if (outcome instanceof PlayerOutcome.Failed failed) {
        failed(gameDate, outcome.player(), failed.cause());
        lines++;
      }
    }
    return lines;
  }

  /** Writes the line of one game of a player's history of {@code games} games. */
  void game(String gameDate, String player, int games, HistoricalGame game) throws IOException;

  /** Writes the line of a player loaded with no game. */
  void empty(String gameDate, String player) throws IOException;

  /** Writes the line of a player that failed. */
  void failed(String gameDate, String player, LoaderException cause) throws IOException;

  /** Writes what is buffered; the writer stays open. */
  void flush() throws IOException;

  /** An output of the given format on {@code writer}. */
  static BackfillOutput of(Format format, Writer writer) throws IOException {
    return switch (format) {
      case JSONL -> new JsonLinesOutput(writer);
      case CSV -> new CsvOutput(writer);
    };
  }

  /** The formats of {@code --format}. */
  enum Format {
    /** JSON Lines: one JSON object a line. */
    JSONL,
    /** CSV with a header line. */
    CSV;

    /** Parses {@code jsonl} or {@code csv}, naming {@code --format} in the error. */
    static Format parse(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "jsonl" -> JSONL;
        case "csv" -> CSV;
        default -> throw new UsageException("--format", "must be jsonl or csv", value);
      };
    }
  }
}
