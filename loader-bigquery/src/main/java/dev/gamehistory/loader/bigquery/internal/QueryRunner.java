package dev.gamehistory.loader.bigquery.internal;

import com.google.api.services.bigquery.model.ErrorProto;
import com.google.api.services.bigquery.model.GetQueryResultsResponse;
import com.google.api.services.bigquery.model.JobReference;
import com.google.api.services.bigquery.model.JobStatus;
import com.google.api.services.bigquery.model.QueryRequest;
import com.google.api.services.bigquery.model.QueryResponse;
import com.google.api.services.bigquery.model.TableRow;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.BackendStatistics;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.bigquery.JobCreation;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.DatesQuery;
import dev.gamehistory.loader.spi.DatesResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statement for one fetch with as few round trips as BigQuery allows, within the time the
 * engine gives, on the thread that calls {@link #run}.
 *
 * <ol>
 *   <li>One {@code jobs.query} request carries the statement, its parameters, labels,
 *       {@code maximumBytesBilled}, the location when one is known (the settings', else the
 *       client's; without one BigQuery runs the job where the table is), a random
 *       {@code requestId}, the job creation mode, {@code jobTimeoutMs} equal to the query's time
 *       budget (BigQuery stops the job when the engine stops waiting, even if no cancel arrives)
 *       and {@code timeoutMs}, the first wait: at most the first-wait setting, the wait slice and
 *       a quarter of the time left, so that an answer, and with it the job id, comes back well before the
 *       query's own timeout. When that answer is complete, its rows are the result.
 *   <li>Otherwise the answer names the job: {@code jobs.getQueryResults} long-polls it with
 *       {@code timeoutMs} bounded by the time left and the slice, and returns as soon as the job is
 *       done, with the first page. There is no fixed-interval polling and no status read (but for one
 *       {@code jobs.get} after a read answered with a server error that may be the job's, below).
 *   <li>Further pages ({@code getQueryResults} with the page token) are read only when the result
 *       passes the response size limit or the configured page size.
 *   <li>An answer that carries {@code errors} (BigQuery's warnings, e.g. rows skipped) fails the
 *       query with BigQuery's reason and message, even when it says the job completed.
 *   <li>A failure of the read itself (no answer, HTTP 408 or 429, a rate limit, a 5xx without a
 *       BigQuery error reason) is retried in place with backoff within the read attempts and the
 *       time left. A 5xx with a BigQuery reason may be the read's or the job's: {@code jobs.get}
 *       (the status only) tells; a job that failed ends the query with its error, otherwise the
 *       read is retried. A {@code notFound} is read again a few times ({@link #NOT_FOUND_READS}):
 *       BigQuery may answer it for a moment about a job just created. A read answered with the
 *       job's own error ends the query at once (BigQuery answers a failed job's error on every
 *       read; a new query may pass, and that is the engine's decision), and so does a refused read.
 *   <li>A {@code jobs.query} that got no answer (a reset connection, a front end's 5xx) is sent
 *       again in place with the same {@code requestId}, so that BigQuery answers with the job the
 *       first request may have created, whose id would otherwise never be known. An answered
 *       failure of {@code jobs.query} goes to the engine, which decides.
 *   <li>Every way the query ends while its job may still run sends {@code jobs.cancel}: the engine's
 *       stop (timeout, deadline, the caller's cancel, close), reads given up, a refused read, a
 *       warning in an incomplete answer. On a stop the request in flight is disconnected at once
 *       ({@link Exchange}) and this thread, woken, sends the cancel itself before it returns:
 *       cancels scale with the queries running, with no queue. A stop that comes while the first
 *       {@code jobs.query} is in flight has no job id to cancel yet (BigQuery returns it with that
 *       answer); that job ends at its {@code jobTimeoutMs}, which BigQuery applies on a best-effort
 *       basis.
 * </ol>
 *
 * <p>What a query asks (the statement of one date or of several, and how its rows are read) is
 * {@link Ask}'s. This file is one query's job protocol, a single state machine whose every step
 * (send, read, page, retry in place, stop, cancel) reads and writes the same execution's state, so
 * it stays one class.
 */
public final class QueryRunner {

  private static final Logger LOG = LoggerFactory.getLogger(QueryRunner.class);

  /** How long a fetch whose time ran out waits for the engine to cancel it before giving up itself. */
  public static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);
  /** The longest a {@code jobs.cancel} request may take. */
  public static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(5);
  /** The first pause after a poll that returned incomplete well before its wait; doubles up to {@link #MAX_EARLY_POLL_PAUSE}. */
  public static final Duration FIRST_EARLY_POLL_PAUSE = Duration.ofMillis(25);
  /** The longest pause after a poll that returned incomplete early. */
  public static final Duration MAX_EARLY_POLL_PAUSE = Duration.ofMillis(500);

  /** The first backoff of a read retried in place; each next one doubles, up to {@link #MAX_READ_BACKOFF}. */
  public static final Duration FIRST_READ_BACKOFF = Duration.ofMillis(100);
  /** The longest backoff of a read retried in place. */
  public static final Duration MAX_READ_BACKOFF = Duration.ofSeconds(1);
  /**
   * The most reads of a job answered {@code notFound} (BigQuery may answer so for a moment about a
   * job it has just created), within the read attempts; past them the read is refused.
   */
  public static final int NOT_FOUND_READS = 3;

  private final BigQueryRest rest;
  private final GamesSql sql;
  private final @Nullable String location;
  private final Map<String, String> labels;
  private final OptionalLong maximumBytesBilled;
  private final OptionalLong pageSize;
  private final Duration waitSlice;
  private final Duration firstWait;
  private final JobCreation jobCreation;
  private final RetryPolicy readRetry;
  private final Set<Execution> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * A runner.
   *
   * @param rest the REST calls
   * @param sql the statement
   * @param location the jobs' location; {@code null}: none sent, BigQuery finds it from the table
   * @param labels labels for every job
   * @param maximumBytesBilled the most bytes a query may bill, when present
   * @param pageSize rows per response, when present; otherwise BigQuery's response size limit
   * @param waitSlice the longest server-side wait of one request
   * @param firstWait the longest server-side wait of the first request
   * @param jobCreation the job creation mode
   * @param readRetry attempts and backoff of reads retried in place
   */
  public QueryRunner(BigQueryRest rest, GamesSql sql, @Nullable String location, Map<String, String> labels,
      OptionalLong maximumBytesBilled, OptionalLong pageSize, Duration waitSlice, Duration firstWait,
      JobCreation jobCreation, RetryPolicy readRetry) {
    this.rest = Objects.requireNonNull(rest, "rest");
    this.sql = Objects.requireNonNull(sql, "sql");
    this.location = location;
    this.labels = Map.copyOf(labels);
    this.maximumBytesBilled = Objects.requireNonNull(maximumBytesBilled, "maximumBytesBilled");
    this.pageSize = Objects.requireNonNull(pageSize, "pageSize");
    this.waitSlice = Objects.requireNonNull(waitSlice, "waitSlice");
    this.firstWait = Objects.requireNonNull(firstWait, "firstWait");
    this.jobCreation = Objects.requireNonNull(jobCreation, "jobCreation");
    this.readRetry = Objects.requireNonNull(readRetry, "readRetry");
  }

  /** Retries of a read: {@code attempts} tries, 100 ms first backoff doubling to 1 s, half random. */
  public static RetryPolicy readRetry(int attempts) {
    return new RetryPolicy(attempts, FIRST_READ_BACKOFF, MAX_READ_BACKOFF, 0.5);
  }

  /** The {@code jobs.query} request for {@code query} with the given budget and first wait; see the class description. */
  public QueryRequest request(WindowQuery query, Duration budget, long waitMillis) {
    return request(Ask.of(sql, query), budget, waitMillis);
  }

  /** The {@code jobs.query} request of the multi-date statement for {@code query}; see {@link #request(WindowQuery, Duration, long)}. */
  public QueryRequest request(DatesQuery query, Duration budget, long waitMillis) {
    return request(Ask.of(sql, query), budget, waitMillis);
  }

  private QueryRequest request(Ask ask, Duration budget, long waitMillis) {
    return statement(ask)
        .setRequestId(UUID.randomUUID().toString())
        .setJobCreationMode(jobCreation.apiValue())
        .setJobTimeoutMs(ceilMillis(budget))
        .setTimeoutMs(waitMillis);
  }

  /**
   * The dry-run {@code jobs.query} request for {@code query}: the same statement, parameters,
   * location, labels and byte limit as a run of it, so that it fails where the run would; the query
   * cache off, so that the bytes are those a run would read.
   */
  public QueryRequest dryRunRequest(WindowQuery query, Duration wait) {
    return dryRunRequest(Ask.of(sql, query), wait);
  }

  private QueryRequest dryRunRequest(Ask ask, Duration wait) {
    return statement(ask).setDryRun(true).setUseQueryCache(false).setTimeoutMs(Math.max(1, ceilMillis(wait)));
  }

  /**
   * Dry-runs {@code query} ({@code jobs.query} with {@code dryRun}), waiting at most {@code timeout},
   * and returns the bytes a run would process.
   *
   * @throws BackendException BigQuery's error where a run of the query would fail (a missing table,
   *     no access, the wrong location, an invalid statement), or the I/O failure
   */
  public long dryRun(WindowQuery query, Duration timeout) {
    return dryRun(Ask.of(sql, query), timeout);
  }

  /** Dry-runs the multi-date statement for {@code query}; see {@link #dryRun(WindowQuery, Duration)}. */
  public long dryRun(DatesQuery query, Duration timeout) {
    return dryRun(Ask.of(sql, query), timeout);
  }

  private long dryRun(Ask ask, Duration timeout) {
    QueryResponse response;
    try {
      response = rest.query(dryRunRequest(ask, timeout), timeout, new Exchange());
    } catch (IOException e) {
      throw Errors.classify(e);
    }
    if (response.getErrors() != null && !response.getErrors().isEmpty()) {
      throw Errors.classifyAnswerErrors(response.getErrors());
    }
    return response.getTotalBytesProcessed() == null ? 0L : response.getTotalBytesProcessed();
  }

  private QueryRequest statement(Ask ask) {
    QueryRequest request = new QueryRequest()
        .setQuery(ask.sql())
        .setUseLegacySql(false)
        .setParameterMode("NAMED")
        .setQueryParameters(ask.parameters());
    if (location != null) {
      request.setLocation(location);
    }
    if (!labels.isEmpty()) {
      request.setLabels(labels);
    }
    maximumBytesBilled.ifPresent(request::setMaximumBytesBilled);
    pageSize.ifPresent(request::setMaxResults);
    return request;
  }

  /** Runs one fetch; see the class description. */
  public QueryResult run(WindowQuery query, QueryContext context) {
    Done done = execute(Ask.of(sql, query), context);
    RowMapper mapper = (RowMapper) done.rows();
    Map<String, List<HistoricalGame>> games = mapper.games(query.players());
    return new QueryResult(games, mapper.rows(), Optional.of(done.statistics()), Map.copyOf(mapper.failures()));
  }

  /**
   * Runs the multi-date statement for {@code query} as one job, as {@link #run(WindowQuery,
   * QueryContext)} runs the statement of one date; the job's statistics go with the whole result.
   *
   * @throws BackendException {@code requestTooLarge}, splittable, before any request when the pairs
   *     would pass {@link Ask#MAX_REQUEST_BYTES} (as for a query of one date whose players would)
   */
  public DatesResult runDates(DatesQuery query, QueryContext context) {
    Done done = execute(Ask.of(sql, query), context);
    DatesRowMapper mapper = (DatesRowMapper) done.rows();
    return new DatesResult(mapper.results(), Optional.of(done.statistics()));
  }

  private Done execute(Ask ask, QueryContext context) {
    long size = ask.requestBytes();
    if (size > Ask.MAX_REQUEST_BYTES) {
      throw BackendException.tooLarge("requestTooLarge", "a query of " + ask.size() + " " + ask.unit()
          + " would send about " + size + " bytes, past the " + Ask.MAX_REQUEST_BYTES + " this backend sends in one"
          + " request (BigQuery takes 10 MB)", null);
    }
    Execution execution = new Execution(ask, context);
    active.add(execution);
    try {
      if (closed) {
        execution.exchange.abort();
      }
      return execution.run();
    } finally {
      active.remove(execution);
      synchronized (active) {
        active.notifyAll();
      }
    }
  }

  /**
   * Stops every running fetch (each sends its own cancel) and waits up to {@code grace} for them to
   * return; later fetches fail as cancelled at once.
   */
  public void close(Duration grace) {
    closed = true;
    for (Execution execution : active) {
      execution.exchange.abort();
    }
    long end = System.nanoTime() + grace.toNanos();
    synchronized (active) {
      while (!active.isEmpty()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          LOG.warn("{} BigQuery fetch(es) still running {} ms after close", active.size(), grace.toMillis());
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(active, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A finished execution: its rows, read, and the job's statistics. */
  private record Done(Ask.Rows rows, BackendStatistics statistics) {}

  /** One fetch's state; used by one thread, except {@link Exchange#abort()}. */
  private final class Execution {
    private final Ask ask;
    private final QueryContext context;
    private final Exchange exchange;
    private final long startNanos = System.nanoTime();
    private final SplittableRandom random = new SplittableRandom();
    private @Nullable JobReference job;
    /** Whether the job is known to be over: an answer said complete, or a read answered the job's own error. */
    private boolean jobOver;
    private boolean cancelSent;
    private long requests;
    private Duration earlyPollPause = FIRST_EARLY_POLL_PAUSE;

    Execution(Ask ask, QueryContext context) {
      this.ask = ask;
      this.context = context;
      this.exchange = new Exchange(context::isCancelled);
    }

    Done run() {
      context.onCancel(exchange::abort);
      checkStop();
      Duration budget = context.remaining();
      QueryRequest request = request(ask, budget, firstWaitMillis());
      LOG.debug("jobs.query for {} {}, request {}", ask.size(), ask.unit(), request.getRequestId());
      QueryResponse first = query(request);
      job = first.getJobReference();
      try {
        return complete(first);
      } catch (RuntimeException e) {
        // The query ends here: a job that may still run is stopped, so that it neither runs on to
        // its jobTimeoutMs nor beside a retry by the engine. A job known to be over is left alone.
        cancelJob();
        throw e;
      }
    }

    /**
     * Sends {@code jobs.query}. A request that got no answer from BigQuery (see
     * {@link Errors#unanswered}) may have created a job whose id never came back, which nothing
     * could cancel: it is sent again in place with the same {@code requestId} (BigQuery answers a
     * duplicate with the job the first created, while it is in its deduplication window) and a new
     * server-side wait, within the read attempts and the time left. An answered failure goes to the
     * engine: no job is known, nothing to cancel.
     */
    private QueryResponse query(QueryRequest request) {
      for (int attempt = 1; ; attempt++) {
        checkStop();
        try {
          requests++;
          return rest.query(request, context.remaining(), exchange);
        } catch (IOException e) {
          checkStop();
          BackendException failure = Errors.classify(e);
          if (!Errors.unanswered(e) || attempt >= readRetry.maxAttempts()) {
            throw failure;
          }
          Duration backoff = readRetry.backoff(attempt, random.nextDouble());
          if (backoff.compareTo(context.remaining()) >= 0) {
            throw failure;
          }
          LOG.debug("jobs.query request {} got no answer ({}); sending it again after {} ms", request.getRequestId(),
              failure.getMessage(), backoff.toMillis());
          pause(backoff);
          // timeoutMs is not part of what makes a request a duplicate; the rest is unchanged.
          request.setTimeoutMs(firstWaitMillis());
        }
      }
    }

    private Done complete(QueryResponse first) {
      ResultPage page = ResultPage.of(first);
      checkAnswer(page);
      checkStop();
      while (!page.complete()) {
        page = read(null);
      }
      long fetchStart = System.nanoTime();
      Ask.Rows mapper = ask.rows(page.schema());
      BigInteger totalRows = page.totalRows();
      Long bytesProcessed = first.getTotalBytesProcessed() != null ? first.getTotalBytesProcessed() : page.bytesProcessed();
      Boolean cacheHit = first.getCacheHit() != null ? first.getCacheHit() : page.cacheHit();
      while (true) {
        for (TableRow row : page.rows()) {
          mapper.add(row);
        }
        if (page.pageToken() == null) {
          break;
        }
        checkStop();
        page = read(page.pageToken());
      }
      Duration fetching = Duration.ofNanos(System.nanoTime() - fetchStart);
      if (totalRows != null && !BigInteger.valueOf(mapper.rows()).equals(totalRows)) {
        throw BackendException.transientError("incompleteResult", "read " + mapper.rows() + " of the "
            + totalRows + " rows " + describeJob() + " returned", null);
      }
      LOG.debug("{} returned {} rows in {} request(s)", describeJob(), mapper.rows(), requests);
      BackendStatistics statistics = BackendStatistics.builder()
          .jobId(job == null ? null : job.getJobId())
          .queryId(first.getQueryId())
          .jobCreationReason(first.getJobCreationReason() == null ? null : first.getJobCreationReason().getCode())
          .requests(requests)
          .bytesProcessed(bytesProcessed)
          .bytesBilled(first.getTotalBytesBilled())
          .cacheHit(cacheHit)
          .slotMillis(first.getTotalSlotMs())
          .queued(between(first.getCreationTime(), first.getStartTime()))
          .executing(between(first.getStartTime(), first.getEndTime()))
          .fetching(fetching)
          .build();
      return new Done(mapper, statistics);
    }

    /**
     * One {@code getQueryResults}: a long-poll of the job ({@code pageToken == null}) or a page.
     * Failures of the read itself are retried in place within the read attempts and the time left;
     * a server error that may be the job's is resolved by the job's status ({@code jobs.get}); a
     * {@code notFound} is read again at most {@link #NOT_FOUND_READS} times in all; a read answered
     * with the job's own error or refused ends the query (see {@link Errors#readFailure}).
     */
    private ResultPage read(@Nullable String pageToken) {
      JobReference known = job;
      if (known == null) {
        throw BackendException.permanentError(RowMapper.UNEXPECTED_RESULT,
            "BigQuery answered an incomplete or paged result without a job reference", null);
      }
      for (int attempt = 1; ; attempt++) {
        checkStop();
        long wait = waitMillis();
        long sent = System.nanoTime();
        GetQueryResultsResponse response;
        try {
          requests++;
          response = rest.getQueryResults(known, pageToken,
              pageSize.isPresent() ? pageSize.getAsLong() : null, wait, context.remaining(), exchange);
        } catch (IOException e) {
          checkStop();
          BackendException failure = Errors.classify(e);
          Errors.ReadFailure kind = Errors.readFailure(e);
          if (jobOver && (kind == Errors.ReadFailure.JOB || kind == Errors.ReadFailure.UNSURE)) {
            // The job completed: an error reading one of its pages is the read's, not the job's.
            kind = failure.isRetryable() ? Errors.ReadFailure.READ : Errors.ReadFailure.REFUSED;
          }
          if (kind == Errors.ReadFailure.UNSURE) {
            ErrorProto jobError = jobError(known);
            if (jobError != null) {
              // The job failed: BigQuery answers its error on every read of it.
              jobOver = true;
              throw Errors.classifyAnswerErrors(List.of(jobError));
            }
            kind = Errors.ReadFailure.READ;
          }
          if (kind == Errors.ReadFailure.JOB) {
            // BigQuery answers a failed job's error on every read of it: reading again never helps.
            jobOver = true;
            throw failure;
          }
          int reads = kind == Errors.ReadFailure.NOT_FOUND
              ? Math.min(NOT_FOUND_READS, readRetry.maxAttempts()) : readRetry.maxAttempts();
          if (kind == Errors.ReadFailure.REFUSED || attempt >= reads) {
            throw failure;
          }
          Duration backoff = readRetry.backoff(attempt, random.nextDouble());
          if (backoff.compareTo(context.remaining()) >= 0) {
            throw failure;
          }
          LOG.debug("{}: read failed ({}: {}); retrying in place after {} ms", describeJob(), failure.reason(),
              failure.getMessage(), backoff.toMillis());
          pause(backoff);
          continue;
        }
        ResultPage page = ResultPage.of(response);
        checkAnswer(page);
        if (!page.complete()) {
          pauseIfEarly(wait, Duration.ofNanos(System.nanoTime() - sent));
        }
        return page;
      }
    }

    /**
     * The job's error when {@code jobs.get} says it failed; {@code null} when it has not failed or
     * its status could not be read (then the read that failed is taken for a failure of its own).
     */
    private @Nullable ErrorProto jobError(JobReference known) {
      try {
        requests++;
        JobStatus status = rest.status(known, context.remaining(), exchange);
        return status.getErrorResult();
      } catch (IOException e) {
        checkStop();
        LOG.debug("{}: status read failed ({}); taking the failed read for the read's", describeJob(), e.toString());
        return null;
      }
    }

    /**
     * Notes a complete answer (the job is over), then fails the query when the answer carries
     * {@code errors}: BigQuery's warnings in a successful answer mean the result may be incomplete.
     */
    private void checkAnswer(ResultPage page) {
      if (page.complete()) {
        jobOver = true;
      }
      if (!page.errors().isEmpty()) {
        throw Errors.classifyAnswerErrors(page.errors());
      }
    }

    /**
     * A poll that came back incomplete in well under the wait it asked for (a server that does not
     * honour {@code timeoutMs}) is followed by a pause, so that polling never spins.
     */
    private void pauseIfEarly(long waitMillis, Duration took) {
      if (took.toMillis() * 2 >= waitMillis) {
        earlyPollPause = FIRST_EARLY_POLL_PAUSE;
        return;
      }
      pause(earlyPollPause);
      Duration doubled = earlyPollPause.multipliedBy(2);
      earlyPollPause = doubled.compareTo(MAX_EARLY_POLL_PAUSE) <= 0 ? doubled : MAX_EARLY_POLL_PAUSE;
    }

    private void pause(Duration pause) {
      try {
        context.awaitCancellation(min(pause, context.remaining()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      checkStop();
    }

    /** The server-side wait of the next request: the time left, at most one slice, at least 1 ms. */
    private long waitMillis() {
      return Math.max(1, ceilMillis(min(context.remaining(), waitSlice)));
    }

    /** The server-side wait of the first request; see {@link QueryRunner#firstWaitMillis(Duration, Duration, Duration)}. */
    private long firstWaitMillis() {
      return QueryRunner.firstWaitMillis(context.remaining(), firstWait, waitSlice);
    }

    /**
     * Throws when the query was stopped (the engine's cancel, close) or its time ran out, after
     * cancelling the job. When the time is out, waits up to {@link #TIMEOUT_GRACE} for the engine's
     * own timer (due at the same instant), so that the engine, not the backend, decides how the
     * attempt ended.
     */
    private void checkStop() {
      if (!stopped() && context.remaining().isZero()) {
        cancelJob();
        try {
          context.awaitCancellation(TIMEOUT_GRACE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!stopped()) {
          throw QueryTimeoutException.of(Duration.ofNanos(System.nanoTime() - startNanos), ask.size());
        }
      }
      if (stopped()) {
        cancelJob();
        String why = context.isCancelled() ? "was cancelled" : "was stopped: the backend is closed";
        throw LoadCancelledException.of("query " + context.queryId() + " (" + describeJob() + ") " + why);
      }
    }

    private boolean stopped() {
      return context.isCancelled() || exchange.isAborted();
    }

    /** Sends {@code jobs.cancel} from this thread, once, when a job is known and not known to be over. */
    private void cancelJob() {
      JobReference known = job;
      if (known == null || jobOver || cancelSent) {
        return;
      }
      cancelSent = true;
      boolean interrupted = Thread.interrupted();
      try {
        requests++;
        rest.cancel(known, CANCEL_TIMEOUT, new Exchange());
        LOG.debug("cancel of job {} sent", known.getJobId());
      } catch (IOException | RuntimeException e) {
        LOG.debug("cancel of job {} failed: {}", known.getJobId(), e.toString());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private String describeJob() {
      JobReference known = job;
      return known == null ? "a query without a job id yet" : "job " + known.getJobId();
    }
  }

  /**
   * The server-side wait of a query's first request ({@code timeoutMs} of {@code jobs.query}): at
   * most {@code firstWait}, the wait slice and a quarter of the time left, at least 1 ms. A query that
   * finishes within it costs that one request; one that runs longer gets its job id back with the
   * answer, well before its own timeout, so that any later stop can cancel it.
   */
  static long firstWaitMillis(Duration remaining, Duration firstWait, Duration waitSlice) {
    return Math.max(1, ceilMillis(min(min(firstWait, waitSlice), remaining.dividedBy(4))));
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

  /** Milliseconds rounded up, saturated. */
  static long ceilMillis(Duration duration) {
    try {
      long millis = duration.toMillis();
      return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }
}
