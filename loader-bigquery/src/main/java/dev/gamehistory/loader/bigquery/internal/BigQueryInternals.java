package dev.gamehistory.loader.bigquery.internal;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Schema;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.bigquery.JobCreation;
import dev.gamehistory.loader.bigquery.SeedRow;
import dev.gamehistory.loader.internal.Internals;
import dev.gamehistory.loader.internal.settings.DurationParser;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The one seam through which the public types of {@code dev.gamehistory.loader.bigquery} reach the
 * implementation: it parses the settings, validates each value a builder is given, and assembles
 * the backend and the seeder, so that no public type imports any other internal type. Not API: it
 * may change in any release.
 */
public final class BigQueryInternals {

  /** The default wait slice, {@code bigquery.wait-slice}. */
  public static final Duration DEFAULT_WAIT_SLICE = BigQuerySettings.DEFAULT_WAIT_SLICE;
  /** The default first wait, {@code bigquery.first-wait}. */
  public static final Duration DEFAULT_FIRST_WAIT = BigQuerySettings.DEFAULT_FIRST_WAIT;
  /** The default tries of a read, {@code bigquery.read-attempts}. */
  public static final int DEFAULT_READ_ATTEMPTS = BigQuerySettings.DEFAULT_READ_ATTEMPTS;
  /** The name of the statement's default form; see {@link GamesSql.Form}. */
  public static final String DEFAULT_FORM = GamesSql.Form.QUALIFY.name();
  /** The seeded column of the stable player id used for clustering. */
  public static final String UNIVERSAL_PLAYER_ID = TableSeeding.UNIVERSAL_PLAYER_ID;

  private BigQueryInternals() {}

  // ---- settings -------------------------------------------------------------------------------

  /** The {@code bigquery.*} keys, parsed; a builder copies the values it holds of its own. */
  public static final class Settings {
    private final BigQuerySettings settings;

    private Settings(BigQuerySettings settings) {
      this.settings = settings;
    }

    /** {@code bigquery.project}. */
    public Optional<String> project() {
      return settings.project();
    }

    /** {@code bigquery.table}, as {@code project.dataset.table} or {@code dataset.table}. */
    public Optional<String> table() {
      return settings.table().map(TableRef::toString);
    }

    /** {@code bigquery.location}. */
    public Optional<String> location() {
      return settings.location();
    }

    /** {@code bigquery.labels}. */
    public Map<String, String> labels() {
      return settings.labels();
    }

    /** {@code bigquery.maximum-bytes-billed}. */
    public OptionalLong maximumBytesBilled() {
      return settings.maximumBytesBilled();
    }

    /** {@code bigquery.columns.<field>}: column names by field name. */
    public Map<String, String> columns() {
      Map<String, String> byField = new LinkedHashMap<>();
      settings.columns().forEach((column, name) -> byField.put(column.field(), name));
      return byField;
    }

    /** {@code bigquery.wait-slice}. */
    public Duration waitSlice() {
      return settings.waitSlice();
    }

    /** {@code bigquery.first-wait}. */
    public Duration firstWait() {
      return settings.firstWait();
    }

    /** {@code bigquery.job-creation}. */
    public JobCreation jobCreation() {
      return settings.jobCreation();
    }

    /** {@code bigquery.read-attempts}. */
    public int readAttempts() {
      return settings.readAttempts();
    }
  }

  /**
   * Parses the {@code bigquery.*} keys of a settings' backend properties.
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
   */
  public static Settings settings(Map<String, String> backendProperties) {
    return new Settings(BigQuerySettings.parse(backendProperties));
  }

  // ---- values a builder is given; each error a LoaderSettingsException naming the key and the value

  /** Checks a table, {@code project.dataset.table} or {@code dataset.table}; returns it. */
  public static String table(String table) {
    TableRef.parse(BigQuerySettings.TABLE, table);
    return table;
  }

  /** Checks a location such as {@code US}, {@code EU} or {@code europe-west2}; returns it. */
  public static String location(String location) {
    return Identifiers.location(BigQuerySettings.LOCATION, location);
  }

  /** Checks the most bytes one query may bill. */
  public static void checkMaximumBytesBilled(long bytes) {
    if (bytes <= 0) {
      throw Identifiers.error(BigQuerySettings.MAXIMUM_BYTES_BILLED, Long.toString(bytes),
          "must be a positive whole number of bytes");
    }
  }

  /** Checks labels by BigQuery's label rules; returns them, copied. */
  public static Map<String, String> labels(Map<String, String> labels) {
    String key = BigQuerySettings.LABELS;
    String text = labels.toString();
    Map<String, String> checked = new LinkedHashMap<>();
    labels.forEach((k, v) -> checked.put(
        Identifiers.labelKey(key, text, k), Identifiers.labelValue(key, text, k, v)));
    if (checked.size() > BigQuerySettings.MAX_LABELS) {
      throw Identifiers.error(key, text,
          "at most " + BigQuerySettings.MAX_LABELS + " labels are allowed, not " + checked.size());
    }
    return Map.copyOf(checked);
  }

  /** Checks a field name and the name of the column holding it; returns the column's name. */
  public static String column(String field, String column) {
    String key = BigQuerySettings.COLUMNS + field;
    BigQuerySettings.column(key, column);
    return Identifiers.column(key, column);
  }

  /** Checks a wait slice: 1 ms..60 s. */
  public static void checkWaitSlice(Duration waitSlice) {
    BigQuerySettings.checkWaitSlice(BigQuerySettings.WAIT_SLICE, DurationParser.format(waitSlice), waitSlice);
  }

  /** Checks a first wait: 1 ms..60 s. */
  public static void checkFirstWait(Duration firstWait) {
    BigQuerySettings.checkWaitSlice(BigQuerySettings.FIRST_WAIT, DurationParser.format(firstWait), firstWait);
  }

  /** Checks tries of a read: 1..20; returns them. */
  public static int readAttempts(int readAttempts) {
    return BigQuerySettings.readAttempts(BigQuerySettings.READ_ATTEMPTS, Integer.toString(readAttempts));
  }

  /**
   * Checks the name of a statement's form, a {@link GamesSql.Form}, for comparisons of the forms;
   * returns it.
   *
   * @throws IllegalArgumentException when no form has that name
   */
  public static String form(String form) {
    return GamesSql.Form.valueOf(form).name();
  }

  /** The multi-date queries the engine starts a backfill of {@code dates} with under {@code policy}. */
  public static List<DatesQuery> backfillQueries(List<LoadRequest> dates, BackfillPolicy policy) {
    return Internals.backfillQueries(dates, policy);
  }

  // ---- the backend ----------------------------------------------------------------------------

  /** What {@code BigQueryGamesQuery} runs on. */
  public interface Backend {

    /** Runs the statement for one query; see {@link QueryRunner}. */
    QueryResult fetch(WindowQuery query, QueryContext context);

    /** Runs the multi-date statement for one query of several dates; see {@link QueryRunner#runDates}. */
    DatesResult fetchDates(DatesQuery query, QueryContext context);

    /** Dry-runs the statement for {@code query}; returns the bytes a run would process. */
    long dryRun(WindowQuery query, Duration timeout);

    /** Dry-runs the multi-date statement for {@code query}; returns the bytes a run would process. */
    long dryRun(DatesQuery query, Duration timeout);

    /** The players with a game on each date in {@code [from, to]}, by one query of the table. */
    SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to, Duration timeout);

    /** The multi-date statement's text. */
    String datesSql();

    /** The statement's text. */
    String sql();

    /** The table read, as {@code project.dataset.table}. */
    String table();

    /** The location sent with every request, when there is one. */
    Optional<String> location();

    /** The name of the statement's form. */
    String form();

    /** Stops every running query, waiting at most {@code grace} for them to return. */
    void close(Duration grace);
  }

  /**
   * The backend of the given values, those a builder holds: a client of its own when none is given,
   * from the settings' host and credentials, with HTTP timeouts under {@code deadline}.
   *
   * @param given the client to use as it is; {@code null}: one built from the values
   * @param settings the settings read, for the host and the credentials; {@code null}: none
   * @param table the table, checked by {@link #table}; {@code null} fails
   * @param columns column names by field name, checked by {@link #column}
   * @param form the statement's form, checked by {@link #form}
   * @throws LoaderSettingsException when no table is given, or no client is given and none can be built
   */
  public static Backend gamesQuery(@Nullable BigQuery given, @Nullable Settings settings, Duration deadline,
      @Nullable String project, @Nullable String table, @Nullable String location, Map<String, String> labels,
      OptionalLong maximumBytesBilled, Map<String, String> columns, OptionalLong pageSize, Duration waitSlice,
      Duration firstWait, JobCreation jobCreation, int readAttempts, String form) {
    if (table == null) {
      throw new LoaderSettingsException(BigQuerySettings.TABLE, null, BigQuerySettings.TABLE
          + ": required by the bigquery backend, e.g. my-project.nba.player_game_summary or nba.player_game_summary");
    }
    TableRef tableRef = TableRef.parse(BigQuerySettings.TABLE, table);
    Map<Column, String> mapped = columns(columns);
    BigQuerySettings base = settings != null ? settings.settings : BigQuerySettings.parse(Map.of());
    BigQuery bigquery = given;
    if (bigquery == null) {
      BigQuerySettings effective = new BigQuerySettings(
          Optional.ofNullable(project), Optional.of(tableRef), Optional.ofNullable(location), base.host(),
          maximumBytesBilled, labels, base.credentials(), mapped, waitSlice, firstWait, jobCreation, readAttempts);
      bigquery = ClientFactory.create(effective, deadline);
    }
    String jobLocation = location != null ? location : bigquery.getOptions().getLocation();
    String tableProject = project != null && tableRef.project() == null ? project : bigquery.getOptions().getProjectId();
    TableRef resolved = tableRef.withDefaultProject(tableProject);
    Map<Column, String> names = new EnumMap<>(Column.class);
    for (Column column : Column.values()) {
      names.put(column, mapped.getOrDefault(column, column.field()));
    }
    GamesSql statement = new GamesSql(resolved, names, GamesSql.Form.valueOf(form));
    BigQuery client = bigquery;
    QueryRunner runner = new QueryRunner(BigQueryRest.of(bigquery), statement, jobLocation, labels,
        maximumBytesBilled, pageSize, waitSlice, firstWait, jobCreation, QueryRunner.readRetry(readAttempts));
    return new Backend() {
      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        return runner.run(query, context);
      }

      @Override
      public DatesResult fetchDates(DatesQuery query, QueryContext context) {
        return runner.runDates(query, context);
      }

      @Override
      public long dryRun(WindowQuery query, Duration timeout) {
        return runner.dryRun(query, timeout);
      }

      @Override
      public long dryRun(DatesQuery query, Duration timeout) {
        return runner.dryRun(query, timeout);
      }

      @Override
      public SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to, Duration timeout) {
        return PlayedDates.list(client, statement, jobLocation, labels, maximumBytesBilled, from, to, timeout);
      }

      @Override
      public String datesSql() {
        return statement.datesSql();
      }

      @Override
      public String sql() {
        return statement.sql();
      }

      @Override
      public String table() {
        return statement.table().toString();
      }

      @Override
      public Optional<String> location() {
        return Optional.ofNullable(jobLocation);
      }

      @Override
      public String form() {
        return statement.form().name();
      }

      @Override
      public void close(Duration grace) {
        runner.close(grace);
      }
    };
  }

  // ---- the seeder -----------------------------------------------------------------------------

  /** What {@code BigQueryTableSeeder} runs on; see {@link TableSeeding}. */
  public interface Seeder {

    /** The table seeded, as {@code project.dataset.table}. */
    String table();

    /** The table's schema, with the mapped column names. */
    Schema schema();

    /** Prepares the table and inserts the rows in batches, telling {@code inserted} the rows in after each. */
    long seed(List<SeedRow> rows, LongConsumer inserted);
  }

  /**
   * The seeder of the given values, those a builder holds: a client of its own when none is given,
   * from the settings, with HTTP timeouts under {@code clientDeadline}.
   *
   * @param client the client to use as it is; {@code null}: one built from the values
   * @param settings the settings read; {@code null}: none
   * @param table the table, checked by {@link #table}; {@code null} fails
   * @param location the dataset's location; {@code null}: the client's, else {@code defaultLocation}
   * @param columns column names by field name, checked by {@link #column}
   * @throws LoaderSettingsException when no table is given, or no client is given and none can be built
   */
  public static Seeder seeder(@Nullable BigQuery client, @Nullable Settings settings, Duration clientDeadline,
      @Nullable String table, @Nullable String location, String defaultLocation, Map<String, String> columns,
      boolean replace, int batchSize) {
    if (table == null) {
      throw new LoaderSettingsException(BigQuerySettings.TABLE, null, BigQuerySettings.TABLE
          + ": required to seed, e.g. my-project.nba.player_game_summary or nba.player_game_summary");
    }
    TableRef tableRef = TableRef.parse(BigQuerySettings.TABLE, table);
    Map<Column, String> mapped = columns(columns);
    BigQuerySettings base = settings != null ? settings.settings : BigQuerySettings.parse(Map.of());
    BigQuery bigquery = client;
    if (bigquery == null) {
      BigQuerySettings effective = new BigQuerySettings(base.project(), Optional.of(tableRef),
          Optional.ofNullable(location), base.host(), base.maximumBytesBilled(), base.labels(), base.credentials(),
          mapped, base.waitSlice(), base.firstWait(), base.jobCreation(), base.readAttempts());
      bigquery = ClientFactory.create(effective, clientDeadline);
    }
    String clientLocation = bigquery.getOptions().getLocation();
    String datasetLocation = location != null ? location : clientLocation != null ? clientLocation : defaultLocation;
    TableRef resolved = tableRef.withDefaultProject(bigquery.getOptions().getProjectId());
    TableSeeding seeding = new TableSeeding(bigquery, resolved, datasetLocation, mapped, replace, batchSize);
    return new Seeder() {
      @Override
      public String table() {
        return seeding.table().toString();
      }

      @Override
      public Schema schema() {
        return seeding.schema();
      }

      @Override
      public long seed(List<SeedRow> rows, LongConsumer inserted) {
        return seeding.seed(rows, inserted);
      }
    };
  }

  private static Map<Column, String> columns(Map<String, String> byField) {
    Map<Column, String> columns = new EnumMap<>(Column.class);
    byField.forEach((field, name) -> columns.put(Column.ofField(field), name));
    return columns;
  }
}
