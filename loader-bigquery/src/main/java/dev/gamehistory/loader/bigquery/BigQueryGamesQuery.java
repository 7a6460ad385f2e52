package dev.gamehistory.loader.bigquery;

import com.google.cloud.bigquery.BigQuery;
import dev.gamehistory.loader.BackfillRequest;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.bigquery.internal.BigQueryInternals;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The BigQuery backend: runs the loader's one parameterised statement (see {@link #sql()}) with one
 * {@code jobs.query} request per query in the common case (the bare client's fast path), long-polls
 * {@code jobs.getQueryResults} when the job runs past the first wait, retries transient reads in
 * place, stops the request in flight and cancels the job at once when the engine stops waiting, and
 * reports the query's statistics, job or query id and round trips.
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
 *
 * <p>One file: the backend and its builder, the public face of the module; the implementation is in
 * {@code .internal}, reached through its one seam.
 */
public final class BigQueryGamesQuery implements GamesQuery {

  /** The backend's name, also the {@code backend} setting that selects it. */
  public static final String NAME = "bigquery";
  /** The longest {@link #close()} waits for running queries to send their cancels and return. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  /** The longest a {@link #check()} or one dry run of {@link #estimate} waits for BigQuery. */
  public static final Duration DRY_RUN_TIMEOUT = Duration.ofSeconds(10);

  /** The longest {@link #playersByDate(LocalDate, LocalDate)} waits for BigQuery. */
  public static final Duration PLAYED_TIMEOUT = Duration.ofMinutes(2);

  /** The request {@link #check()} dry-runs: one placeholder player, a one-day window. */
  static final WindowQuery CHECK_QUERY = new WindowQuery(List.of("hgl_check"), LocalDate.of(2000, 1, 2), 1, 1);

  private final BigQueryInternals.Backend backend;

  private BigQueryGamesQuery(BigQueryInternals.Backend backend) {
    this.backend = backend;
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
   * Runs the statement for the query's players; see the class description.
   *
   * @throws dev.gamehistory.loader.BackendException for BigQuery's errors, retryable when transient
   * @throws dev.gamehistory.loader.LoadCancelledException when the engine cancelled the query
   * @throws dev.gamehistory.loader.QueryTimeoutException when the time left ran out first and the engine did
   *     not cancel the query (the job is cancelled)
   */
  @Override
  public QueryResult fetch(WindowQuery query, QueryContext context) {
    return backend.fetch(query, context);
  }

  /**
   * Runs one statement for every (date, player) pair of the query ({@link #datesSql()}): the pairs
   * joined to the table on the player and each pair's own window, rank and rest days counted per
   * (player, date), so that each date's result equals what {@link #fetch} returns for it alone. One
   * job, one set of statistics for the whole query.
   *
   * @throws dev.gamehistory.loader.BackendException for BigQuery's errors; {@code requestTooLarge}
   *     (splittable, before any request) when the pairs would pass the request size this backend sends
   */
  @Override
  public DatesResult fetchDates(DatesQuery query, QueryContext context) {
    return backend.fetchDates(query, context);
  }

  /**
   * Who played on each date from {@code from} to {@code to} (both inclusive), by one query of the
   * table (the distinct game dates and players in that span, with the same location, labels and
   * byte limit as a load's queries), waiting at most {@code timeout}. Each date's players sorted.
   *
   * @throws dev.gamehistory.loader.BackendException when BigQuery fails
   */
  public SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return backend.playersByDate(from, to, timeout);
  }

  /** {@link #playersByDate(LocalDate, LocalDate, Duration)} waiting at most {@link #PLAYED_TIMEOUT}. */
  @Override
  public SortedMap<LocalDate, List<String>> playersByDate(LocalDate from, LocalDate to) {
    return playersByDate(from, to, PLAYED_TIMEOUT);
  }

  /**
   * Checks that a query would run: dry-runs the statement ({@code jobs.query} with {@code dryRun})
   * for one placeholder player over one day, with the same location, labels and byte limit as a
   * query, so that it fails where a query would (a missing table, no access, the wrong location, an
   * invalid statement). Nothing is executed or billed.
   *
   * @throws dev.gamehistory.loader.BackendException BigQuery's error, e.g. {@code notFound} for a
   *     table that does not exist or is not in the jobs' location
   */
  @Override
  public void check() {
    backend.dryRun(CHECK_QUERY, DRY_RUN_TIMEOUT);
  }

  /** The statement every query runs, with its named parameters {@code @window_start}, {@code @window_end}, {@code @players} and {@code @max_games}. */
  public String sql() {
    return backend.sql();
  }

  /**
   * The statement a query of several dates runs, with its named parameters {@code @pair_players},
   * {@code @pair_dates}, {@code @players}, {@code @scan_start}, {@code @scan_end}, {@code
   * @lookback_days} and {@code @max_games}.
   */
  public String datesSql() {
    return backend.datesSql();
  }

  /** The table the statement reads, as {@code project.dataset.table}. */
  public String table() {
    return backend.table();
  }

  /**
   * The location sent with every request: {@code bigquery.location} or {@link Builder#location},
   * else the client's; empty when neither says, and then BigQuery runs each job where its table is.
   */
  public Optional<String> location() {
    return backend.location();
  }

  /**
   * Dry-runs the queries the strategy would start with for the request ({@code jobs.query} with
   * {@code dryRun}, the same request as a query's, so in the same location) and reports the bytes
   * each would process; nothing is executed or billed.
   *
   * @throws dev.gamehistory.loader.BackendException when BigQuery rejects a dry run
   */
  public CostEstimate estimate(LoadRequest request, Strategy strategy) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(strategy, "strategy");
    List<CostEstimate.QueryCost> costs = new ArrayList<>();
    for (List<String> chunk : initialChunks(request.players(), strategy)) {
      WindowQuery query = new WindowQuery(chunk, request.gameDate(), request.lookbackDays(), request.maxGames());
      costs.add(new CostEstimate.QueryCost(chunk.size(), dryRun(query)));
    }
    return new CostEstimate(strategy.describe(), costs);
  }

  /**
   * Dry-runs a backfill's multi-date queries as the engine first plans them under {@code policy}
   * (before a strategy chunks their pairs, which reads the same partitions), and the per-date loop a user would otherwise run (each date's slate in one query),
   * and reports both; nothing is executed or billed.
   *
   * @throws dev.gamehistory.loader.BackendException when BigQuery rejects a dry run
   */
  public BackfillEstimate estimate(BackfillRequest request, BackfillPolicy policy) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(policy, "policy");
    List<CostEstimate.QueryCost> multiDate = new ArrayList<>();
    List<CostEstimate.QueryCost> perDate = new ArrayList<>();
    long multiDays = 0;
    long perDays = 0;
    for (DatesQuery query : BigQueryInternals.backfillQueries(request.dates(), policy)) {
      multiDate.add(new CostEstimate.QueryCost(query.pairs(), backend.dryRun(query, DRY_RUN_TIMEOUT)));
      multiDays += query.scanEnd().toEpochDay() - query.scanStart().toEpochDay();
    }
    for (LoadRequest date : request.dates()) {
      WindowQuery query = new WindowQuery(date.players(), date.gameDate(), date.lookbackDays(), date.maxGames());
      perDate.add(new CostEstimate.QueryCost(date.players().size(), dryRun(query)));
      perDays += date.lookbackDays();
    }
    return new BackfillEstimate(multiDate, perDate, multiDays, perDays);
  }

  private long dryRun(WindowQuery query) {
    return backend.dryRun(query, DRY_RUN_TIMEOUT);
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
   * Stops every running query: its request in flight is disconnected and its thread sends the job's
   * cancel; waits at most {@link #CLOSE_GRACE} for them to return. Later fetches fail as cancelled.
   * The backend starts no thread of its own. Idempotent.
   */
  @Override
  public void close() {
    backend.close(CLOSE_GRACE);
  }

  @Override
  public String toString() {
    return "BigQueryGamesQuery{table=" + table() + ", form=" + backend.form() + "}";
  }

  /**
   * Builds a {@link BigQueryGamesQuery}. Values set later replace earlier ones, including those
   * {@link #fromSettings} read. Every value is validated when set, and a bad one throws a
   * {@link LoaderSettingsException} naming the matching settings key and the value.
   */
  public static final class Builder {
    private @Nullable BigQuery client;
    private BigQueryInternals.@Nullable Settings settings;
    private Duration deadline = TimeoutPolicy.DEFAULT_DEADLINE;
    private @Nullable String project;
    private @Nullable String table;
    private @Nullable String location;
    private Map<String, String> labels = Map.of();
    private OptionalLong maximumBytesBilled = OptionalLong.empty();
    private final Map<String, String> columns = new LinkedHashMap<>();
    private OptionalLong pageSize = OptionalLong.empty();
    private Duration waitSlice = BigQueryInternals.DEFAULT_WAIT_SLICE;
    private Duration firstWait = BigQueryInternals.DEFAULT_FIRST_WAIT;
    private JobCreation jobCreation = JobCreation.REQUIRED;
    private int readAttempts = BigQueryInternals.DEFAULT_READ_ATTEMPTS;
    private String form = BigQueryInternals.DEFAULT_FORM;

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
      BigQueryInternals.Settings parsed = BigQueryInternals.settings(loaderSettings.backendProperties());
      this.settings = parsed;
      this.deadline = loaderSettings.timeouts().deadline();
      parsed.project().ifPresent(p -> this.project = p);
      parsed.table().ifPresent(t -> this.table = t);
      parsed.location().ifPresent(l -> this.location = l);
      if (!parsed.labels().isEmpty()) {
        this.labels = parsed.labels();
      }
      if (parsed.maximumBytesBilled().isPresent()) {
        this.maximumBytesBilled = parsed.maximumBytesBilled();
      }
      this.columns.putAll(parsed.columns());
      this.waitSlice = parsed.waitSlice();
      this.firstWait = parsed.firstWait();
      this.jobCreation = parsed.jobCreation();
      this.readAttempts = parsed.readAttempts();
      return this;
    }

    /** The table, {@code project.dataset.table} or {@code dataset.table} (then in the client's project). */
    public Builder table(String table) {
      this.table = BigQueryInternals.table(Objects.requireNonNull(table, "table"));
      return this;
    }

    /**
     * The jobs' location, e.g. {@code US}, {@code EU} or {@code europe-west2}. By default none of
     * its own: the client's ({@code BigQueryOptions.setLocation}), and when the client has none
     * either, none is sent and BigQuery runs each job where its table is.
     */
    public Builder location(String location) {
      this.location = BigQueryInternals.location(Objects.requireNonNull(location, "location"));
      return this;
    }

    /** The most bytes one query may bill; BigQuery fails a query that would bill more. */
    public Builder maximumBytesBilled(long bytes) {
      BigQueryInternals.checkMaximumBytesBilled(bytes);
      this.maximumBytesBilled = OptionalLong.of(bytes);
      return this;
    }

    /** Labels put on every job, by BigQuery's label rules. */
    public Builder labels(Map<String, String> labels) {
      this.labels = BigQueryInternals.labels(labels);
      return this;
    }

    /**
     * The column holding a field, for tables whose columns are named differently; fields are
     * {@code player_lookup, game_date, opponent_team_abbr, points, minutes_played}.
     */
    public Builder column(String field, String column) {
      columns.put(field, BigQueryInternals.column(field, column));
      return this;
    }

    /**
     * Rows per response, 1..100000 ({@code maxResults}); by default BigQuery's response size limit
     * (about 10 MB), so that a result of that size comes whole with the first answer.
     */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 100_000) {
        throw new IllegalArgumentException("pageSize must be between 1 and 100000 but was " + pageSize);
      }
      this.pageSize = OptionalLong.of(pageSize);
      return this;
    }

    /**
     * The longest server-side wait of one request ({@code timeoutMs} of {@code jobs.query} and of
     * each {@code getQueryResults} long-poll), 1 ms..60 s; default 5 s. Never more than the time left.
     */
    public Builder waitSlice(Duration waitSlice) {
      Objects.requireNonNull(waitSlice, "waitSlice");
      BigQueryInternals.checkWaitSlice(waitSlice);
      this.waitSlice = waitSlice;
      return this;
    }

    /**
     * The longest server-side wait of a query's first request ({@code timeoutMs} of
     * {@code jobs.query}), 1 ms..60 s; default 900 ms. The first request also waits at most the wait
     * slice and a quarter of the query's time. A query that finishes within it costs one request; a longer
     * one gets its job id back with that answer and is long-polled, and from then on any stop
     * cancels its job at once. A stop before that answer has no job id to cancel.
     */
    public Builder firstWait(Duration firstWait) {
      Objects.requireNonNull(firstWait, "firstWait");
      BigQueryInternals.checkFirstWait(firstWait);
      this.firstWait = firstWait;
      return this;
    }

    /** Whether {@code jobs.query} must create a job; default {@link JobCreation#REQUIRED}. */
    public Builder jobCreation(JobCreation jobCreation) {
      this.jobCreation = Objects.requireNonNull(jobCreation, "jobCreation");
      return this;
    }

    /**
     * Tries of a result read (a long-poll or a page) after a transient failure, retried in place with
     * backoff within the time left, 1..20; default 4. The job is not re-run for a failed read. The
     * same bound applies to a {@code jobs.query} that got no answer, sent again with its
     * {@code requestId}.
     */
    public Builder readAttempts(int readAttempts) {
      this.readAttempts = BigQueryInternals.readAttempts(readAttempts);
      return this;
    }

    /**
     * Selects the statement's form by its name, {@code QUALIFY} (the default) or {@code ARRAY_AGG};
     * for comparisons of the forms, not API.
     */
    Builder form(String form) {
      this.form = BigQueryInternals.form(Objects.requireNonNull(form, "form"));
      return this;
    }

    /**
     * The backend.
     *
     * @throws LoaderSettingsException when no table is set, or no client was given and none can be built
     */
    public BigQueryGamesQuery build() {
      return new BigQueryGamesQuery(BigQueryInternals.gamesQuery(client, settings, deadline, project, table, location,
          labels, maximumBytesBilled, columns, pageSize, waitSlice, firstWait, jobCreation, readAttempts, form));
    }
  }
}
