package dev.gamehistory.loader.bigquery;

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
import dev.gamehistory.loader.bigquery.internal.BigQuerySettings;
import dev.gamehistory.loader.bigquery.internal.ClientFactory;
import dev.gamehistory.loader.bigquery.internal.Column;
import dev.gamehistory.loader.bigquery.internal.Errors;
import dev.gamehistory.loader.bigquery.internal.Identifiers;
import dev.gamehistory.loader.bigquery.internal.TableRef;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates a games table and fills it, for tests, demos and the CLI's {@code hgl seed}.
 *
 * <p>The dataset is created when missing. The table is partitioned by day on the game date and
 * clustered by {@code universal_player_id, player_lookup, team_abbr, game_date}, like the production
 * table; {@code universal_player_id} is filled with the player lookup. Rows are streamed with
 * {@code tabledata.insertAll} in batches; any row error fails the seeding with the first errors. A
 * table that already holds rows is refused unless {@link Builder#replace(boolean) replace} is set,
 * which drops and recreates it (on BigQuery itself, streaming into a table recreated under the same
 * name may fail for a few minutes: prefer a new name).
 */
public final class BigQueryTableSeeder {

  /** The column of the stable player id used for clustering; filled with the player lookup. */
  public static final String UNIVERSAL_PLAYER_ID = "universal_player_id";
  /** The default rows per insert request. */
  public static final int DEFAULT_BATCH_SIZE = 500;
  /** The most rows per insert request. */
  public static final int MAX_BATCH_SIZE = 10_000;
  /** The shortest HTTP timeout bound of a client the seeder builds: seeding is not bound by a load's deadline. */
  public static final Duration MIN_CLIENT_DEADLINE = Duration.ofSeconds(60);
  /** The location of a dataset created when neither the settings nor the client give one: BigQuery's default. */
  public static final String DEFAULT_LOCATION = "US";

  /** Told after each batch how many rows are in. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called after each batch.
     *
     * @param inserted rows inserted so far
     * @param total rows to insert
     */
    void inserted(long inserted, long total);
  }

  private final BigQuery bigquery;
  private final TableRef table;
  private final String location;
  private final Map<Column, String> columns;
  private final boolean replace;
  private final int batchSize;
  private final Progress progress;

  private BigQueryTableSeeder(BigQuery bigquery, TableRef table, String location, Map<Column, String> columns,
      boolean replace, int batchSize, Progress progress) {
    this.bigquery = bigquery;
    this.table = table;
    this.location = location;
    this.columns = columns;
    this.replace = replace;
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /** A builder; a table is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The table seeded, as {@code project.dataset.table}. */
  public String table() {
    return table.toString();
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
   * Creates the dataset when missing and the table, then inserts the rows in batches.
   *
   * @return the rows inserted
   * @throws IllegalStateException when the table already holds rows and replace is not set
   * @throws BackendException when BigQuery refuses a request or a row
   */
  public long seed(List<SeedRow> rows) {
    Objects.requireNonNull(rows, "rows");
    try {
      prepareTable();
      long inserted = 0;
      for (int from = 0; from < rows.size(); from += batchSize) {
        List<SeedRow> batch = rows.subList(from, Math.min(rows.size(), from + batchSize));
        insert(batch, from);
        inserted += batch.size();
        progress.inserted(inserted, rows.size());
      }
      return inserted;
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

  /** Builds a {@link BigQueryTableSeeder}; values set later replace earlier ones. */
  public static final class Builder {
    private @Nullable BigQuery client;
    private @Nullable BigQuerySettings settings;
    private Duration deadline = TimeoutPolicy.DEFAULT_DEADLINE;
    private @Nullable TableRef table;
    private @Nullable String location;
    private final Map<Column, String> columns = new EnumMap<>(Column.class);
    private boolean replace;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Progress progress = (inserted, total) -> { };

    private Builder() {}

    /** The client to use as it is; default: one built from the settings or the environment. */
    public Builder client(BigQuery client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Reads the {@code bigquery.*} keys: project, table, location, host, credentials and column names.
     *
     * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
     */
    public Builder fromSettings(LoaderSettings loaderSettings) {
      BigQuerySettings parsed = BigQuerySettings.parse(loaderSettings.backendProperties());
      this.settings = parsed;
      this.deadline = loaderSettings.timeouts().deadline();
      parsed.table().ifPresent(t -> this.table = t);
      parsed.location().ifPresent(l -> this.location = l);
      this.columns.putAll(parsed.columns());
      return this;
    }

    /** The table, {@code project.dataset.table} or {@code dataset.table} (then in the client's project). */
    public Builder table(String table) {
      this.table = TableRef.parse(BigQuerySettings.TABLE, Objects.requireNonNull(table, "table"));
      return this;
    }

    /**
     * The dataset's location when it is created; default the client's location, else {@code US}
     * (BigQuery's own default for a dataset).
     */
    public Builder location(String location) {
      this.location = Identifiers.location(BigQuerySettings.LOCATION, Objects.requireNonNull(location, "location"));
      return this;
    }

    /** The column holding a field; fields are those of {@code bigquery.columns.<field>}. */
    public Builder column(String field, String column) {
      String key = BigQuerySettings.COLUMNS + field;
      columns.put(BigQuerySettings.column(key, column), Identifiers.column(key, column));
      return this;
    }

    /** Whether to drop and recreate a table that already exists; default false. */
    public Builder replace(boolean replace) {
      this.replace = replace;
      return this;
    }

    /** Rows per insert request, 1..10000; default 500. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
        throw new IllegalArgumentException("batchSize must be between 1 and " + MAX_BATCH_SIZE + " but was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Told after each batch; default nothing. */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * The seeder.
     *
     * @throws LoaderSettingsException when no table is set, or no client was given and none can be built
     */
    public BigQueryTableSeeder build() {
      if (table == null) {
        throw new LoaderSettingsException(BigQuerySettings.TABLE, null, BigQuerySettings.TABLE
            + ": required to seed, e.g. my-project.nba.player_game_summary or nba.player_game_summary");
      }
      BigQuerySettings base = settings != null ? settings : BigQuerySettings.parse(Map.of());
      BigQuery bigquery = client;
      if (bigquery == null) {
        BigQuerySettings effective = new BigQuerySettings(base.project(), Optional.of(table), Optional.ofNullable(location),
            base.host(), base.maximumBytesBilled(), base.labels(), base.credentials(), columns, base.waitSlice(),
            base.firstWait(), base.jobCreation(), base.readAttempts());
        bigquery = ClientFactory.create(effective,
            deadline.compareTo(MIN_CLIENT_DEADLINE) < 0 ? MIN_CLIENT_DEADLINE : deadline);
      }
      String clientLocation = bigquery.getOptions().getLocation();
      String datasetLocation = location != null ? location : clientLocation != null ? clientLocation : DEFAULT_LOCATION;
      TableRef resolved = table.withDefaultProject(bigquery.getOptions().getProjectId());
      return new BigQueryTableSeeder(bigquery, resolved, datasetLocation, new EnumMap<>(columns), replace, batchSize,
          progress);
    }
  }
}
