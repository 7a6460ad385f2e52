package dev.gamehistory.loader.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoaderException;
import java.io.IOException;
import java.io.Writer;

/**
 * A backfill as JSON Lines, one object a line:
 * <ul>
 *   <li>a game: {@code {"gameDate", "player", "status": "LOADED", "games", "rank", "pastGameDate",
 *       "opponentTeamAbbr", "points", "minutesPlayed", "restDays"}}, {@code games} being how many
 *       games the player's history holds that date;
 *   <li>an empty history: {@code {"gameDate", "player", "status": "LOADED", "games": 0}};
 *   <li>a failure: {@code {"gameDate", "player", "status": "FAILED", "kind", "message", "retryable"}},
 *       plus {@code "reason"} for a backend error.
 * </ul>
 * {@code gameDate} is the backfill's game date; {@code pastGameDate} the date of the game in the
 * history. Absent values are {@code null}; minutes played are decimal strings, as in
 * {@code hgl load --format json}.
 */
final class JsonLinesOutput implements BackfillOutput {

  /** Closing the generator leaves the writer open; no separator between lines but the newline written. */
  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .rootValueSeparator((String) null)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  private final JsonGenerator json;

  JsonLinesOutput(Writer writer) throws IOException {
    this.json = FACTORY.createGenerator(writer);
  }

  @Override
  public void game(String gameDate, String player, int games, HistoricalGame game) throws IOException {
    start(gameDate, player, "LOADED");
    json.writeNumberField("games", games);
    json.writeNumberField("rank", game.rank());
    json.writeStringField("pastGameDate", game.gameDate().toString());
    json.writeStringField("opponentTeamAbbr", game.opponentTeamAbbr());
    if (game.points().isPresent()) {
      json.writeNumberField("points", game.points().getAsInt());
    } else {
      json.writeNullField("points");
    }
    if (game.minutesPlayed().isPresent()) {
      json.writeStringField("minutesPlayed", game.minutesPlayed().get().toPlainString());
    } else {
      json.writeNullField("minutesPlayed");
    }
    if (game.restDays().isPresent()) {
      json.writeNumberField("restDays", game.restDays().getAsInt());
    } else {
      json.writeNullField("restDays");
    }
    end();
  }

  @Override
  public void empty(String gameDate, String player) throws IOException {
    start(gameDate, player, "LOADED");
    json.writeNumberField("games", 0);
    end();
  }

  @Override
  public void failed(String gameDate, String player, LoaderException failure) throws IOException {
    start(gameDate, player, "FAILED");
    json.writeStringField("kind", failure.kind().name());
    json.writeStringField("message", String.valueOf(failure.getMessage()));
    json.writeBooleanField("retryable", failure.isRetryable());
    if (failure instanceof BackendException backend) {
      json.writeStringField("reason", backend.reason());
    }
    end();
  }

  @Override
  public void flush() throws IOException {
    json.flush();
  }

  private void start(String gameDate, String player, String status) throws IOException {
    json.writeStartObject();
    json.writeStringField("gameDate", gameDate);
    json.writeStringField("player", player);
    json.writeStringField("status", status);
  }

  private void end() throws IOException {
    json.writeEndObject();
    json.writeRaw('\n');
  }
}
