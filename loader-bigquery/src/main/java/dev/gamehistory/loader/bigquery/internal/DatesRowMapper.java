package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.util.Data;
import com.google.api.services.bigquery.model.TableCell;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.QueryResult;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps the multi-date statement's rows ({@link GamesSql#datesSql()}) to each date's games: a row's
 * {@code for_date} says whose window it belongs to, and the rest of the row is read by that date's
 * {@link RowMapper}, with its players and its failures. A row of a date that was not asked, or
 * without a readable date, breaks the whole result.
 */
public final class DatesRowMapper implements Ask.Rows {

  /** The statement's columns in order, for a result that comes without a schema. */
  private static final List<String> OUTPUT = List.of(GamesSql.FOR_DATE, GamesSql.PLAYER_LOOKUP, GamesSql.GAME_DATE,
      GamesSql.OPPONENT_TEAM_ABBR, GamesSql.POINTS, GamesSql.MINUTES_PLAYED, GamesSql.GAME_RANK, GamesSql.REST_DAYS);

  private final DatesQuery query;
  private final int forDate;
  private final Map<LocalDate, RowMapper> byDate = new TreeMap<>();
  private long rows;

  /**
   * A mapper for one multi-date query's rows.
   *
   * @param schema the result's schema; {@code null} reads the columns in the statement's order
   * @param query what was asked
   */
  public DatesRowMapper(@Nullable TableSchema schema, DatesQuery query) {
    this.query = query;
    TableSchema resolved = schema;
    if (resolved == null) {
      List<TableFieldSchema> fields = new ArrayList<>();
      OUTPUT.forEach(name -> fields.add(new TableFieldSchema().setName(name)));
      resolved = new TableSchema().setFields(fields);
    }
    this.forDate = RowMapper.indexOf(resolved.getFields(), GamesSql.FOR_DATE);
    for (Map.Entry<LocalDate, List<String>> slate : query.slates().entrySet()) {
      byDate.put(slate.getKey(), new RowMapper(resolved, Set.copyOf(slate.getValue()), query.maxGames()));
    }
  }

  /**
   * Maps one row to its date's games.
   *
   * @throws BackendException when the row breaks the whole result
   */
  @Override
  public void add(TableRow row) {
    long number = ++rows;
    List<TableCell> cells = row.getF();
    Object value = cells == null || cells.size() <= forDate ? null : cells.get(forDate).getV();
    if (value == null || Data.isNull(value)) {
      throw BackendException.permanentError(RowMapper.UNEXPECTED_RESULT,
          "row " + number + " of the result has no " + GamesSql.FOR_DATE, null);
    }
    LocalDate date;
    try {
      date = LocalDate.parse(value.toString());
    } catch (DateTimeParseException e) {
      throw BackendException.permanentError(RowMapper.UNEXPECTED_RESULT, "row " + number + " of the result has "
          + GamesSql.FOR_DATE + " '" + value + "', which cannot be read", e);
    }
    RowMapper mapper = byDate.get(date);
    if (mapper == null) {
      throw BackendException.permanentError(RowMapper.UNEXPECTED_RESULT,
          "the result holds date " + date + ", which was not asked", null);
    }
    mapper.add(row);
  }

  /** Rows read so far. */
  @Override
  public long rows() {
    return rows;
  }

  /** Each date's result: its players' games (a player without rows has none) and failures; no statistics. */
  public Map<LocalDate, QueryResult> results() {
    Map<LocalDate, QueryResult> results = new TreeMap<>();
    byDate.forEach((date, mapper) -> {
      List<String> players = query.slates().get(date);
      results.put(date, new QueryResult(mapper.games(players), mapper.rows(), Optional.empty(),
          Map.copyOf(mapper.failures())));
    });
    return results;
  }
}
