package dev.gamehistory.loader.bigquery.internal;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQuery.TableDataListOption;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobConfiguration;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statement as one BigQuery job per fetch, within the time the engine gives.
 *
 * <ol>
 *   <li>Inserts a query job under an explicit, random {@link JobId} ({@code hgl-<queryId>-<uuid>},
 *       with the location) so it can be cancelled, with {@code jobTimeoutMs} a little above the
 *       time left as a server-side backstop.
 *   <li>Polls {@code jobs.get} until the job is done, waiting between polls on the engine's clock
 *       with {@link QueryContext#awaitCancellation} (25 ms, doubling up to the poll bound, never past
 *       the time left), so a cancellation ends the wait at once. The client's own waits are not
 *       used: {@code Job.waitFor()} ignores interrupts and {@code Job.getQueryResults()} waits up to
 *       12 hours; {@code BigQuery.getQueryResults} would long-poll, but its {@code QueryResponse}
 *       does not expose the completion flag outside the client's package.
 *   <li>On cancellation (the engine's timeout, deadline, the caller's cancel, close) sends
 *       {@code jobs.cancel} from a separate executor and stops waiting.
 *   <li>Reads every page of the job's destination table ({@code tabledata.list}), following page
 *       tokens, maps each row and checks the count against the result's total.
 * </ol>
 */
public final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** How far {@code jobTimeoutMs} lies beyond the time the engine gives. */
  public static final Duration JOB_TIMEOUT_BACKSTOP = Duration.ofSeconds(5);
  /** How long a backend whose time ran out waits for the engine to cancel the query before giving up itself. */
  public static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);
  /** The first wait between two polls of a running job; each next wait doubles, up to the poll bound. */
  public static final Duration FIRST_POLL_INTERVAL = Duration.ofMillis(25);

  private final BigQuery bigquery;
  private final GamesSql sql;
  private final String location;
  private final Map<String, String> labels;
  private final OptionalLong maximumBytesBilled;
  private final long pageSize;
  private final Duration maxPollInterval;
  private final Executor cancelExecutor;

  /**
   * A runner.
   *
   * @param bigquery the client
   * @param sql the statement
   * @param location the jobs' location
   * @param labels labels for every job
   * @param maximumBytesBilled the most bytes a job may bill, when present
   * @param pageSize rows per results page
   * @param maxPollInterval the longest wait between two polls of a running job
   * @param cancelExecutor runs cancel requests off the cancelling thread
   */
  public JobRunner(BigQuery bigquery, GamesSql sql, String location, Map<String, String> labels,
      OptionalLong maximumBytesBilled, long pageSize, Duration maxPollInterval, Executor cancelExecutor) {
    this.bigquery = Objects.requireNonNull(bigquery, "bigquery");
    this.sql = Objects.requireNonNull(sql, "sql");
    this.location = Objects.requireNonNull(location, "location");
    this.labels = Map.copyOf(labels);
    this.maximumBytesBilled = Objects.requireNonNull(maximumBytesBilled, "maximumBytesBilled");
    this.pageSize = pageSize;
    this.maxPollInterval = Objects.requireNonNull(maxPollInterval, "maxPollInterval");
    this.cancelExecutor = Objects.requireNonNull(cancelExecutor, "cancelExecutor");
  }

  /** The job configuration for a query: the statement, its parameters, labels and limits. */
  public QueryJobConfiguration.Builder configuration(WindowQuery query) {
    QueryJobConfiguration.Builder config = sql.configuration(query).setLabels(labels);
    maximumBytesBilled.ifPresent(max -> config.setMaximumBytesBilled(max));
    return config;
  }

  /** Runs one fetch; see the class description. */
  public QueryResult run(WindowQuery query, QueryContext context) {
    return new Execution(query, context).run();
  }

  /** A dry run of the statement for {@code query}: the bytes it would process. */
  public long dryRun(WindowQuery query) {
    QueryJobConfiguration config = configuration(query).setDryRun(true).setUseQueryCache(false).build();
    try {
      Job job = bigquery.create(JobInfo.of(JobId.newBuilder().setRandomJob().setLocation(location).build(), config));
      JobStatistics statistics = job.getStatistics();
      if (statistics instanceof JobStatistics.QueryStatistics q && q.getTotalBytesProcessed() != null) {
        return q.getTotalBytesProcessed();
      }
      return 0L;
    } catch (BigQueryException e) {
      throw Errors.classify(e);
    }
  }

  /** One fetch's state. */
  private final class Execution {
    private final WindowQuery query;
    private final QueryContext context;
    private final JobId jobId;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean cancelSentBeforeCreated = new AtomicBoolean();
    private final AtomicBoolean cancelSentAfterCreated = new AtomicBoolean();
    private volatile boolean created;

    Execution(WindowQuery query, QueryContext context) {
      this.query = query;
      this.context = context;
      String id = "hgl-" + Identifiers.jobIdSafe(context.queryId()) + "-" + UUID.randomUUID();
      this.jobId = JobId.newBuilder().setJob(id).setLocation(location).build();
    }

    QueryResult run() {
      context.onCancel(this::requestCancel);
      checkStop();
      Duration remaining = context.remaining();
      QueryJobConfiguration config = configuration(query)
          .setJobTimeoutMs(saturatedMillis(remaining.plus(JOB_TIMEOUT_BACKSTOP)))
          .build();
      try {
        LOG.debug("inserting job {} for {} player(s)", jobId.getJob(), query.players().size());
        Job job = bigquery.create(JobInfo.of(jobId, config));
        created = true;
        if (context.isCancelled()) {
          requestCancel();
        }
        job = awaitDone(job);
        failIfErrored(job.getStatus());
        return read(job);
      } catch (BigQueryException e) {
        // The job may exist even when the insert call failed on the client side, and a failed poll
        // leaves it running: cancel it by its id (idempotent; "not found" is harmless) so that the
        // engine's retry does not run next to an orphan that bills too.
        created = true;
        requestCancel();
        checkStop();
        throw Errors.classify(e);
      }
    }

    private Job awaitDone(Job inserted) {
      Job job = inserted;
      Duration interval = FIRST_POLL_INTERVAL;
      while (!isDone(job)) {
        checkStop();
        Duration wait = min(interval, context.remaining());
        try {
          context.awaitCancellation(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          requestCancel();
          throw LoadCancelledException.of("interrupted while waiting for job " + jobId.getJob());
        }
        checkStop();
        interval = min(interval.multipliedBy(2), maxPollInterval);
        job = bigquery.getJob(jobId);
        if (job == null) {
          throw BackendException.permanentError("notFound", "job " + jobId.getJob() + " was not found", null);
        }
      }
      return job;
    }

    private QueryResult read(Job job) {
      TableId destination = destination(job.getConfiguration());
      JobStatistics statistics = job.getStatistics();
      Schema schema = statistics instanceof JobStatistics.QueryStatistics q ? q.getSchema() : null;
      long fetchStart = System.nanoTime();
      RowMapper mapper = new RowMapper(schema, new HashSet<>(query.players()), query.maxGames());
      TableResult page = bigquery.listTableData(destination, schema, TableDataListOption.pageSize(pageSize));
      long totalRows = page.getTotalRows();
      while (true) {
        for (FieldValueList row : page.getValues()) {
          mapper.add(row);
        }
        if (!page.hasNextPage()) {
          break;
        }
        checkStop();
        page = page.getNextPage();
      }
      Duration fetching = Duration.ofNanos(System.nanoTime() - fetchStart);
      if (mapper.rows() != totalRows) {
        throw BackendException.transientError("incompleteResult", "read " + mapper.rows() + " of the "
            + totalRows + " rows job " + jobId.getJob() + " returned", null);
      }
      LOG.debug("job {} returned {} rows", jobId.getJob(), mapper.rows());
      return new QueryResult(mapper.games(query.players()), mapper.rows(), Optional.of(statistics(statistics, fetching)));
    }

    private TableId destination(JobConfiguration configuration) {
      if (configuration instanceof QueryJobConfiguration q && q.getDestinationTable() != null) {
        return q.getDestinationTable();
      }
      throw BackendException.permanentError(RowMapper.UNEXPECTED_RESULT,
          "job " + jobId.getJob() + " completed without a destination table", null);
    }

    private BackendStatistics statistics(@Nullable JobStatistics statistics, Duration fetching) {
      BackendStatistics.Builder builder = BackendStatistics.builder().jobId(jobId.getJob()).fetching(fetching);
      if (statistics == null) {
        return builder.build();
      }
      builder.slotMillis(statistics.getTotalSlotMs())
          .queued(between(statistics.getCreationTime(), statistics.getStartTime()))
          .executing(between(statistics.getStartTime(), statistics.getEndTime()));
      if (statistics instanceof JobStatistics.QueryStatistics q) {
        builder.bytesProcessed(q.getTotalBytesProcessed())
            .bytesBilled(q.getTotalBytesBilled())
            .cacheHit(q.getCacheHit());
      }
      return builder.build();
    }

    private void failIfErrored(@Nullable JobStatus status) {
      if (status == null || status.getError() == null) {
        return;
      }
      checkStop();
      BigQueryError error = status.getError();
      throw Errors.classify(error, null);
    }

    /**
     * Throws when the engine cancelled the query or its time ran out. When the time is out, cancels
     * the job and gives the engine's own timer (due at the same instant) {@link #TIMEOUT_GRACE} to
     * cancel the query, so that the engine, not the backend, decides how the attempt ended.
     */
    private void checkStop() {
      if (!context.isCancelled() && context.remaining().isZero()) {
        requestCancel();
        try {
          context.awaitCancellation(TIMEOUT_GRACE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!context.isCancelled()) {
          LoaderException timeout =
              QueryTimeoutException.of(Duration.ofNanos(System.nanoTime() - startNanos), query.players().size());
          throw timeout;
        }
      }
      if (context.isCancelled()) {
        throw LoadCancelledException.of("query " + context.queryId() + " (job " + jobId.getJob() + ") was cancelled");
      }
    }

    /**
     * Sends {@code jobs.cancel} from the cancel executor: once before the job is known to exist
     * (the insert may be in flight), once after.
     */
    private void requestCancel() {
      AtomicBoolean sent = created ? cancelSentAfterCreated : cancelSentBeforeCreated;
      if (!sent.compareAndSet(false, true)) {
        return;
      }
      try {
        cancelExecutor.execute(() -> {
          try {
            boolean found = bigquery.cancel(jobId);
            LOG.debug("cancel of job {}: {}", jobId.getJob(), found ? "requested" : "job not found");
          } catch (RuntimeException e) {
            LOG.debug("cancel of job {} failed: {}", jobId.getJob(), e.toString());
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.debug("cancel of job {} not sent: the backend is closed", jobId.getJob());
      }
    }
  }

  private static boolean isDone(Job job) {
    return job.getStatus() != null && job.getStatus().getState() == JobStatus.State.DONE;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static @Nullable Duration between(@Nullable Long fromMillis, @Nullable Long toMillis) {
    if (fromMillis == null || toMillis == null || fromMillis <= 0 || toMillis < fromMillis) {
      return null;
    }
    return Duration.ofMillis(toMillis - fromMillis);
  }

  private static long saturatedMillis(Duration duration) {
    try {
      return Math.max(1, duration.toMillis());
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }
}
