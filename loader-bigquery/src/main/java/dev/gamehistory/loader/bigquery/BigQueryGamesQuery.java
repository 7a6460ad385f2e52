package dev.gamehistory.loader.bigquery;

import com.google.cloud.bigquery.BigQuery;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.TimeoutPolicy;
import dev.gamehistory.loader.bigquery.internal.BigQuerySettings;
import dev.gamehistory.loader.bigquery.internal.ClientFactory;
import dev.gamehistory.loader.bigquery.internal.Column;
import dev.gamehistory.loader.bigquery.internal.GamesSql;
import dev.gamehistory.loader.bigquery.internal.Identifiers;
import dev.gamehistory.loader.bigquery.internal.JobRunner;
import dev.gamehistory.loader.bigquery.internal.TableRef;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The BigQuery backend: runs the loader's one parameterised statement (see {@link #sql()}) as a
 * BigQuery job per query, polls it within the time the engine gives, cancels it when the engine
 * stops waiting, reads every page of its result and reports its statistics.
 *
 * <p>Build it from settings ({@code backend=bigquery} and the {@code bigquery.*} keys) or in code:
 * <pre>{@code
 * BigQueryGamesQuery backend = BigQueryGamesQuery.builder()
 *     .client(BigQueryOptions.getDefaultInstance().getService())
 *     .table("my-project.nba.player_game_summary")
 *     .build();
 * }</pre>
 * A client built from settings makes one attempt per request and keeps its HTTP timeouts under the
 * load's deadline, leaving retries to the engine; a client given with {@link Builder#client} is used
 * as it is. Errors are {@link dev.gamehistory.loader.BackendException}s with BigQuery's reason and
 * message, retryable for server errors, rate limits and I/O failures. Thread-safe.
 */
public final class BigQueryGamesQuery implements GamesQuery {

  /** The backend's name, also the {@code backend} setting that selects it. */
  public static final String NAME = "bigquery";
  /** The longest {@link #close()} waits for queued cancel requests to be sent. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private final GamesSql sql;
  private final JobRunner runner;
  private final ThreadPoolExecutor cancelExecutor;

  private BigQueryGamesQuery(GamesSql sql, BigQuery client, String location, Map<String, String> labels,
      OptionalLong maximumBytesBilled, long pageSize, Duration maxPollInterval) {
    this.sql = sql;
    this.cancelExecutor = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads("hgl-bigquery-cancel-"));
    this.cancelExecutor.allowCoreThreadTimeOut(true);
    this.runner = new JobRunner(client, sql, location, labels, maximumBytesBilled, pageSize, maxPollInterval,
        cancelExecutor);
  }

  /** A builder; a table is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Runs the statement for the query's players as one job.
   *
   * @throws dev.gamehistory.loader.BackendException for BigQuery's errors, retryable when transient
   * @throws dev.gamehistory.loader.LoadCancelledException when the engine cancelled the query
   * @throws dev.gamehistory.loader.QueryTimeoutException when the time left ran out first (the job is cancelled)
   */
  @Override
  public QueryResult fetch(WindowQuery query, QueryContext context) {
    return runner.run(query, context);
  }

  /** The statement every query runs, with its named parameters {@code @window_start}, {@code @window_end}, {@code @players} and {@code @max_games}. */
  public String sql() {
    return sql.sql();
  }

  /** The table the statement reads, as {@code project.dataset.table}. */
  public String table() {
    return sql.table().toString();
  }

  /**
   * Dry-runs the queries the strategy would start with for the request and reports the bytes each
   * would process; nothing is executed or billed.
   *
   * @throws dev.gamehistory.loader.BackendException when BigQuery rejects a dry run
   */
  public CostEstimate estimate(LoadRequest request, Strategy strategy) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(strategy, "strategy");
    List<CostEstimate.QueryCost> costs = new ArrayList<>();
    for (List<String> chunk : initialChunks(request.players(), strategy)) {
      WindowQuery query = new WindowQuery(chunk, request.gameDate(), request.lookbackDays(), request.maxGames());
      costs.add(new CostEstimate.QueryCost(chunk.size(), runner.dryRun(query)));
    }
    return new CostEstimate(strategy.describe(), costs);
  }

  static List<List<String>> initialChunks(List<String> players, Strategy strategy) {
    if (strategy instanceof Strategy.Batch) {
      return List.of(players);
    } else if (strategy instanceof Strategy.Chunked chunked) {
      return partition(players, chunked.chunkSize());
    } else if (strategy instanceof Strategy.PerPlayer) {
      return partition(players, 1);
    } else if (strategy instanceof Strategy.Adaptive adaptive) {
      return adaptive.initialChunkSize() == 0 ? List.of(players) : partition(players, adaptive.initialChunkSize());
    } else if (strategy instanceof Strategy.Fallback fallback) {
      return initialChunks(players, fallback.stages().get(0));
    }
    throw new IllegalArgumentException("unknown strategy " + strategy.describe());
  }

  private static List<List<String>> partition(List<String> players, int size) {
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < players.size(); from += size) {
      chunks.add(List.copyOf(players.subList(from, Math.min(players.size(), from + size))));
    }
    return chunks;
  }

  /**
   * Sends the cancel requests already queued, waiting at most {@link #CLOSE_GRACE} for them, then
   * stops the threads that send them. Idempotent.
   */
  @Override
  public void close() {
    cancelExecutor.shutdown();
    try {
      cancelExecutor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BigQueryGamesQuery{table=" + table() + ", form=" + sql.form() + "}";
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Builds a {@link BigQueryGamesQuery}. Values set later replace earlier ones, including those
   * {@link #fromSettings} read. Every value is validated when set, and a bad one throws a
   * {@link LoaderSettingsException} naming the matching settings key and the value.
   */
  public static final class Builder {

    /** The default rows per results page. */
    public static final int DEFAULT_PAGE_SIZE = 10_000;
    /** The default longest wait between two polls of a running job. */
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMillis(500);

    private @Nullable BigQuery client;
    private @Nullable BigQuerySettings settings;
    private Duration deadline = TimeoutPolicy.DEFAULT_DEADLINE;
    private @Nullable String project;
    private @Nullable TableRef table;
    private @Nullable String location;
    private Map<String, String> labels = Map.of();
    private OptionalLong maximumBytesBilled = OptionalLong.empty();
    private final Map<Column, String> columns = new EnumMap<>(Column.class);
    private int pageSize = DEFAULT_PAGE_SIZE;
    private Duration maxPollInterval = DEFAULT_MAX_POLL_INTERVAL;
    private GamesSql.Form form = GamesSql.Form.QUALIFY;

    private Builder() {}

    /** The client to use as it is; default: one built from the settings or the environment. */
    public Builder client(BigQuery client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Reads the {@code bigquery.*} keys of the settings' backend properties; a client built by
     * {@link #build()} keeps its HTTP timeouts under the settings' deadline.
     *
     * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
     */
    public Builder fromSettings(LoaderSettings loaderSettings) {
      BigQuerySettings parsed = BigQuerySettings.parse(loaderSettings.backendProperties());
      this.settings = parsed;
      this.deadline = loaderSettings.timeouts().deadline();
      parsed.project().ifPresent(p -> this.project = p);
      parsed.table().ifPresent(t -> this.table = t);
      this.location = parsed.location();
      if (!parsed.labels().isEmpty()) {
        this.labels = parsed.labels();
      }
      if (parsed.maximumBytesBilled().isPresent()) {
        this.maximumBytesBilled = parsed.maximumBytesBilled();
      }
      this.columns.putAll(parsed.columns());
      return this;
    }

    /** The table, {@code project.dataset.table} or {@code dataset.table} (then in the client's project). */
    public Builder table(String table) {
      this.table = TableRef.parse(BigQuerySettings.TABLE, Objects.requireNonNull(table, "table"));
      return this;
    }

    /** The jobs' location, e.g. {@code US} (the default), {@code EU} or {@code us-central1}. */
    public Builder location(String location) {
      this.location = Identifiers.location(BigQuerySettings.LOCATION, Objects.requireNonNull(location, "location"));
      return this;
    }

    /** The most bytes one query may bill; BigQuery fails a query that would bill more. */
    public Builder maximumBytesBilled(long bytes) {
      if (bytes <= 0) {
        throw Identifiers.error(BigQuerySettings.MAXIMUM_BYTES_BILLED, Long.toString(bytes),
            "must be a positive whole number of bytes");
      }
      this.maximumBytesBilled = OptionalLong.of(bytes);
      return this;
    }

    /** Labels put on every job, by BigQuery's label rules. */
    public Builder labels(Map<String, String> labels) {
      String key = BigQuerySettings.LABELS;
      String text = labels.toString();
      Map<String, String> checked = new LinkedHashMap<>();
      labels.forEach((k, v) -> checked.put(
          Identifiers.labelKey(key, text, k), Identifiers.labelValue(key, text, k, v)));
      if (checked.size() > BigQuerySettings.MAX_LABELS) {
        throw Identifiers.error(key, text,
            "at most " + BigQuerySettings.MAX_LABELS + " labels are allowed, not " + checked.size());
      }
      this.labels = Map.copyOf(checked);
      return this;
    }

    /**
     * The column holding a field, for tables whose columns are named differently; fields are
     * {@code player_lookup, game_date, opponent_team_abbr, points, minutes_played}.
     */
    public Builder column(String field, String column) {
      String key = BigQuerySettings.COLUMNS + field;
      columns.put(BigQuerySettings.column(key, column), Identifiers.column(key, column));
      return this;
    }

    /** Rows per results page, 1..100000; default 10000. */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 100_000) {
        throw new IllegalArgumentException("pageSize must be between 1 and 100000 but was " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /**
     * The longest wait between two polls of a running job; default 500 ms. Waits start at 25 ms and
     * double up to this bound, and never run past the time the engine gives.
     */
    public Builder maxPollInterval(Duration maxPollInterval) {
      Objects.requireNonNull(maxPollInterval, "maxPollInterval");
      if (maxPollInterval.isNegative() || maxPollInterval.isZero()) {
        throw new IllegalArgumentException("maxPollInterval must be positive but was " + maxPollInterval);
      }
      this.maxPollInterval = maxPollInterval;
      return this;
    }

    /** Selects the statement's form; for comparisons, the default is {@link GamesSql.Form#QUALIFY}. */
    Builder form(GamesSql.Form form) {
      this.form = Objects.requireNonNull(form, "form");
      return this;
    }

    /**
     * The backend.
     *
     * @throws LoaderSettingsException when no table is set, or no client was given and none can be built
     */
    public BigQueryGamesQuery build() {
      if (table == null) {
        throw new LoaderSettingsException(BigQuerySettings.TABLE, null, BigQuerySettings.TABLE
            + ": required by the bigquery backend, e.g. my-project.nba.player_game_summary or nba.player_game_summary");
      }
      BigQuerySettings base = settings != null ? settings : BigQuerySettings.parse(Map.of());
      String jobLocation = location != null ? location : base.location();
      BigQuery bigquery = client;
      if (bigquery == null) {
        BigQuerySettings effective = new BigQuerySettings(
            java.util.Optional.ofNullable(project), java.util.Optional.of(table), jobLocation, base.host(),
            maximumBytesBilled, labels, base.credentials(), columns);
        bigquery = ClientFactory.create(effective, deadline);
      }
      String tableProject = project != null && table.project() == null ? project : bigquery.getOptions().getProjectId();
      TableRef resolved = table.withDefaultProject(tableProject);
      Map<Column, String> names = new EnumMap<>(Column.class);
      for (Column column : Column.values()) {
        names.put(column, columns.getOrDefault(column, column.field()));
      }
      GamesSql statement = new GamesSql(resolved, names, form);
      return new BigQueryGamesQuery(statement, bigquery, jobLocation, labels, maximumBytesBilled, pageSize, maxPollInterval);
    }
  }
}
