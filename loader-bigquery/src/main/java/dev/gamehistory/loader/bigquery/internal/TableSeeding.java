package dev.gamehistory.loader.bigquery.internal;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.bigquery.SeedRow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Creates a games table and fills it: the dataset when missing, the table partitioned by day on the
 * game date and clustered by {@code universal_player_id, player_lookup, team_abbr, game_date}, then
 * the rows streamed with {@code tabledata.insertAll} in batches. A table that already holds rows is
 * refused unless replace is set, which drops and recreates it.
 */
public final class TableSeeding {

  /** The column of the stable player id used for clustering; filled with the player lookup. */
  public static final String UNIVERSAL_PLAYER_ID = "universal_player_id";

  private final BigQuery bigquery;
  private final TableRef table;
  private final String location;
  private final Map<Column, String> columns;
  private final boolean replace;
  private final int batchSize;

  /**
   * A seeding.
   *
   * @param bigquery the client
   * @param table the table, with its project
   * @param location the dataset's location when it is created
   * @param columns mapped column names by column; unmapped columns keep their field's name
   * @param replace whether to drop and recreate a table that already exists
   * @param batchSize rows per insert request
   */
  public TableSeeding(BigQuery bigquery, TableRef table, String location, Map<Column, String> columns,
      boolean replace, int batchSize) {
    this.bigquery = Objects.requireNonNull(bigquery, "bigquery");
    this.table = Objects.requireNonNull(table, "table");
    this.location = Objects.requireNonNull(location, "location");
    this.columns = new EnumMap<>(Column.class);
    this.columns.putAll(columns);
    this.replace = replace;
    this.batchSize = batchSize;
  }

  /** The table seeded. */
  public TableRef table() {
    return table;
  }

  /** The table's schema, with the mapped column names. */
  public Schema schema() {
    return Schema.of(
        Field.newBuilder(UNIVERSAL_PLAYER_ID, StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.PLAYER_LOOKUP), StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.GAME_DATE), StandardSQLTypeName.DATE).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.TEAM_ABBR), StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.OPPONENT_TEAM_ABBR), StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.GAME_ID), StandardSQLTypeName.STRING).setMode(Field.Mode.REQUIRED).build(),
        Field.newBuilder(name(Column.POINTS), StandardSQLTypeName.INT64).setMode(Field.Mode.NULLABLE).build(),
        Field.newBuilder(name(Column.MINUTES_PLAYED), StandardSQLTypeName.NUMERIC).setMode(Field.Mode.NULLABLE)
            .setPrecision(5L).setScale(1L).build());
  }

  /**
   * Creates the dataset when missing and the table, then inserts the rows in batches, telling
   * {@code inserted} after each batch how many rows are in.
   *
   * @return the rows inserted
   * @throws IllegalStateException when the table already holds rows and replace is not set
   * @throws BackendException when BigQuery refuses a request or a row
   */
  public long seed(List<SeedRow> rows, LongConsumer inserted) {
    try {
      prepareTable();
      long done = 0;
      for (int from = 0; from < rows.size(); from += batchSize) {
        List<SeedRow> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
        insert(batch, from);
        done += batch.size();
        inserted.accept(done);
      }
      return done;
    } catch (BigQueryException e) {
      throw Errors.classify(e);
    }
  }

  private void prepareTable() {
    DatasetId dataset = table.project() == null ? DatasetId.of(table.dataset()) : DatasetId.of(table.project(), table.dataset());
    if (bigquery.getDataset(dataset) == null) {
      bigquery.create(DatasetInfo.newBuilder(dataset).setLocation(location).build());
    }
    TableId id = table.tableId();
    Table existing = bigquery.getTable(id);
    if (existing != null) {
      long rows = rowsIn(existing.getDefinition());
      if (!replace && rows > 0) {
        throw new IllegalStateException("table " + table + " already holds " + rows
            + " row(s); seed with replace to drop and recreate it");
      }
      if (!replace) {
        return;
      }
      bigquery.delete(id);
    }
    StandardTableDefinition definition = StandardTableDefinition.newBuilder()
        .setSchema(schema())
        .setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY).setField(name(Column.GAME_DATE)).build())
        .setClustering(Clustering.newBuilder().setFields(List.of(
            UNIVERSAL_PLAYER_ID, name(Column.PLAYER_LOOKUP), name(Column.TEAM_ABBR), name(Column.GAME_DATE))).build())
        .build();
    bigquery.create(TableInfo.of(id, definition));
  }

  private static long rowsIn(@Nullable TableDefinition definition) {
    if (!(definition instanceof StandardTableDefinition standard)) {
      return 0;
    }
    long rows = standard.getNumRows() == null ? 0 : standard.getNumRows();
    if (standard.getStreamingBuffer() != null && standard.getStreamingBuffer().getEstimatedRows() != null) {
      rows += standard.getStreamingBuffer().getEstimatedRows();
    }
    return rows;
  }

  private void insert(List<SeedRow> batch, int offset) {
    InsertAllRequest.Builder request = InsertAllRequest.newBuilder(table.tableId());
    for (int i = 0; i < batch.size(); i++) {
      request.addRow("row-" + (offset + i), content(batch.get(i)));
    }
    InsertAllResponse response = bigquery.insertAll(request.build());
    if (response.hasErrors()) {
      Map<Long, List<BigQueryError>> errors = response.getInsertErrors();
      List<String> first = new ArrayList<>();
      errors.entrySet().stream().limit(3).forEach(e -> first.add("row " + (offset + e.getKey()) + ": "
          + e.getValue().stream().map(x -> x.getReason() + " " + x.getMessage()).toList()));
      throw BackendException.permanentError("insertError", "inserting into " + table + " failed for "
          + errors.size() + " of " + batch.size() + " row(s) of the batch at row " + offset + "; first: "
          + String.join("; ", first), null);
    }
  }

  private Map<String, Object> content(SeedRow row) {
    Map<String, Object> content = new HashMap<>();
    content.put(UNIVERSAL_PLAYER_ID, row.playerLookup());
    content.put(name(Column.PLAYER_LOOKUP), row.playerLookup());
    content.put(name(Column.GAME_DATE), row.gameDate().toString());
    content.put(name(Column.TEAM_ABBR), row.teamAbbr());
    content.put(name(Column.OPPONENT_TEAM_ABBR), row.opponentTeamAbbr());
    content.put(name(Column.GAME_ID), row.gameId());
    row.points().ifPresent(points -> content.put(name(Column.POINTS), points));
    row.minutesPlayed().ifPresent(minutes -> content.put(name(Column.MINUTES_PLAYED), minutes.toPlainString()));
    return content;
  }

  private String name(Column column) {
    return columns.getOrDefault(column, column.field());
  }
}
