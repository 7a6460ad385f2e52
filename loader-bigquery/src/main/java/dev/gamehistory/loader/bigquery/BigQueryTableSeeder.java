package dev.gamehistory.loader.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Schema;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.bigquery.internal.BigQueryInternals;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  public static final String UNIVERSAL_PLAYER_ID = BigQueryInternals.UNIVERSAL_PLAYER_ID;
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

  private final BigQueryInternals.Seeder seeder;
  private final Progress progress;

  private BigQueryTableSeeder(BigQueryInternals.Seeder seeder, Progress progress) {
    this.seeder = seeder;
    this.progress = progress;
  }

  /** A builder; a table is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The table seeded, as {@code project.dataset.table}. */
  public String table() {
    return seeder.table();
  }

  /** The table's schema, with the mapped column names. */
  public Schema schema() {
    return seeder.schema();
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
    return seeder.seed(rows, inserted -> progress.inserted(inserted, rows.size()));
  }

  /** Builds a {@link BigQueryTableSeeder}; values set later replace earlier ones. */
  public static final class Builder {
    private @Nullable BigQuery client;
    private BigQueryInternals.@Nullable Settings settings;
    private Duration deadline = TimeoutPolicy.DEFAULT_DEADLINE;
    private @Nullable String table;
    private @Nullable String location;
    private final Map<String, String> columns = new LinkedHashMap<>();
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
      BigQueryInternals.Settings parsed = BigQueryInternals.settings(loaderSettings.backendProperties());
      this.settings = parsed;
      this.deadline = loaderSettings.timeouts().deadline();
      parsed.table().ifPresent(t -> this.table = t);
      parsed.location().ifPresent(l -> this.location = l);
      this.columns.putAll(parsed.columns());
      return this;
    }

    /** The table, {@code project.dataset.table} or {@code dataset.table} (then in the client's project). */
    public Builder table(String table) {
      this.table = BigQueryInternals.table(Objects.requireNonNull(table, "table"));
      return this;
    }

    /**
     * The dataset's location when it is created; default the client's location, else {@code US}
     * (BigQuery's own default for a dataset).
     */
    public Builder location(String location) {
      this.location = BigQueryInternals.location(Objects.requireNonNull(location, "location"));
      return this;
    }

    /** The column holding a field; fields are those of {@code bigquery.columns.<field>}. */
    public Builder column(String field, String column) {
      columns.put(field, BigQueryInternals.column(field, column));
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
      Duration clientDeadline = deadline.compareTo(MIN_CLIENT_DEADLINE) < 0 ? MIN_CLIENT_DEADLINE : deadline;
      return new BigQueryTableSeeder(BigQueryInternals.seeder(client, settings, clientDeadline, table, location,
          DEFAULT_LOCATION, columns, replace, batchSize), progress);
    }
  }
}
