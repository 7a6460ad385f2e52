package dev.gamehistory.loader.cli;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoaderException;
import java.io.IOException;
import java.io.Writer;
import java.util.regex.Pattern;

/**
 * A backfill as CSV (RFC 4180: comma-separated, a field holding a comma, quote or line break in
 * double quotes, lines ending with LF) under the header {@link #HEADER}. A game is one row with
 * status {@code LOADED}; an empty history one {@code LOADED} row with {@code games} 0 and empty
 * game fields; a failure one {@code FAILED} row with empty {@code games} and game fields and its
 * {@code failure_kind} and {@code failure_message} (its line breaks written as spaces, so that every
 * record is one line). An empty field is an absent value; minutes played are written as in the
 * source ({@code 36.5}).
 */
final class CsvOutput implements BackfillOutput {

  /** The columns, in order; the first two make the output a {@code --slates} file. */
  static final String HEADER = "game_date,player_lookup,status,games,rank,past_game_date,opponent_team_abbr,points,"
      + "minutes_played,rest_days,failure_kind,failure_message";

  private static final Pattern LINE_BREAKS = Pattern.compile("\\R");

  private final Writer out;
  private final StringBuilder line = new StringBuilder(128);

  CsvOutput(Writer out) throws IOException {
    this.out = out;
    out.write(HEADER);
    out.write('\n');
  }

  @Override
  public void game(String gameDate, String player, int games, HistoricalGame game) throws IOException {
    start(gameDate, player, "LOADED").append(',').append(games)
        .append(',').append(game.rank())
        .append(',').append(game.gameDate());
    field(game.opponentTeamAbbr());
    line.append(',');
    if (game.points().isPresent()) {
      line.append(game.points().getAsInt());
    }
    line.append(',');
    game.minutesPlayed().ifPresent(minutes -> line.append(minutes.toPlainString()));
    line.append(',');
    if (game.restDays().isPresent()) {
      line.append(game.restDays().getAsInt());
    }
    line.append(",,");
    end();
  }

  @Override
  public void empty(String gameDate, String player) throws IOException {
    start(gameDate, player, "LOADED").append(",0,,,,,,,,");
    end();
  }

  @Override
  public void failed(String gameDate, String player, LoaderException cause) throws IOException {
    start(gameDate, player, "FAILED").append(",,,,,,,,").append(cause.kind().name());
    field(LINE_BREAKS.matcher(String.valueOf(cause.getMessage())).replaceAll(" "));
    end();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  private StringBuilder start(String gameDate, String player, String status) {
    line.setLength(0);
    line.append(gameDate);
    field(player);
    return line.append(',').append(status);
  }

  /** Appends a comma and the value, quoted when it holds a comma, a quote or a line break. */
  private void field(String value) {
    line.append(',');
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (quote) {
      line.append('"').append(value.replace("\"", "\"\"")).append('"');
    } else {
      line.append(value);
    }
  }

  private void end() throws IOException {
    line.append('\n');
    out.append(line);
  }
}
