package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A fake of the BigQuery REST API on WireMock, on 127.0.0.1 and a free port, with stubs for the
 * calls the backend makes: {@code jobs.query} (POST .../queries; dry runs too, with
 * {@code dryRun}), {@code jobs.getQueryResults} (GET .../queries/{job}), {@code jobs.get} (GET
 * .../jobs/{job}, the status after an ambiguous server error) and {@code jobs.cancel} (POST
 * .../jobs/{job}/cancel). Job ids are {@code job-<requestId>}, so each query's job is known from its
 * request (and a {@code jobs.query} sent again with the same {@code requestId} names the same job,
 * as BigQuery deduplicates it). {@link #calls()} lists what arrived, in order, by call name. A fresh
 * instance per test.
 *
 * <p>As BigQuery does: a failed job answers its error on every read, and {@code jobs.get} gives
 * that error as the job's {@code status.errorResult} ({@link #jobFails}); a query
 * that has not finished is held for the server-side wait its request asks ({@code timeoutMs}) and
 * then answered as still running ({@link #queryRunsPastItsWait}, {@link #resultsRunPastTheirWait}).
 * {@link #jobsTake} models the whole asynchronous protocol for jobs of one duration: each
 * {@code jobs.query} starts a job, and every answer about it is held for the request's wait and
 * says whether the job is done by then. Not modelled: locations (a stub decides what a location
 * answers), {@code jobTimeoutMs}, cancels stopping a job.
 */
final class FakeBigQueryServer implements AutoCloseable {

  static final String PROJECT = "test";
  static final String JOBS = "/bigquery/v2/projects/" + PROJECT + "/jobs";
  static final String JOB = JOBS + "/[^/]+";
  static final String CANCEL = JOBS + "/[^/]+/cancel";
  static final String QUERIES = "/bigquery/v2/projects/" + PROJECT + "/queries";
  static final String RESULTS = QUERIES + "/[^/]+";

  /** The schema of the statement's result. */
  static final String SCHEMA = """
      {"fields":[
        {"name":"player_lookup","type":"STRING","mode":"NULLABLE"},
        {"name":"game_date","type":"DATE","mode":"NULLABLE"},
        {"name":"opponent_team_abbr","type":"STRING","mode":"NULLABLE"},
        {"name":"points","type":"INTEGER","mode":"NULLABLE"},
        {"name":"minutes_played","type":"NUMERIC","mode":"NULLABLE"},
        {"name":"game_rank","type":"INTEGER","mode":"NULLABLE"},
        {"name":"rest_days","type":"INTEGER","mode":"NULLABLE"}]}""";

  /** The job reference of a jobs.query answer: {@code job-<requestId>}. */
  static final String QUERY_JOB_REFERENCE =
      "\"jobReference\":{\"projectId\":\"test\",\"jobId\":\"job-{{jsonPath request.body '$.requestId'}}\",\"location\":\"US\"}";
  /** The job reference of a getQueryResults answer: the job in the path. */
  static final String RESULTS_JOB_REFERENCE =
      "\"jobReference\":{\"projectId\":\"test\",\"jobId\":\"{{request.pathSegments.[5]}}\",\"location\":\"US\"}";
  /** The statistics of a finished jobs.query answer. */
  static final String STATISTICS = "\"totalBytesProcessed\":\"123456\",\"totalBytesBilled\":\"10485760\","
      + "\"cacheHit\":false,\"totalSlotMs\":\"42\",\"creationTime\":\"1700000000000\","
      + "\"startTime\":\"1700000000100\",\"endTime\":\"1700000000500\"";

  final WireMockServer server;
  private final TimedJobs timedJobs = new TimedJobs();

  FakeBigQueryServer() {
    this(20);
  }

  /** A fake serving up to {@code threads} requests at once (held long-polls each take one). */
  FakeBigQueryServer(int threads) {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(threads)
        .jettyAcceptors(2).asynchronousResponseEnabled(true).asynchronousResponseThreads(threads)
        .gzipDisabled(true).stubRequestLoggingDisabled(true).disableConnectionReuse(false)
        .extensions(new HoldForWait(), timedJobs));
    server.start();
  }

  /**
   * Sends {@code count} requests at once to an unstubbed path and forgets them, so that the fake's
   * threads exist and its request path is compiled before a test measures latencies through it.
   */
  void warmUp(int count) {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(() -> {
        try {
          java.net.HttpURLConnection connection =
              (java.net.HttpURLConnection) java.net.URI.create(url() + "/warm-up").toURL().openConnection();
          connection.getResponseCode();
          connection.disconnect();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    server.resetRequests();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A client of this fake: project {@code test}, location {@code US}, no credentials, one attempt per request. */
  com.google.cloud.bigquery.BigQuery client() {
    return client("US");
  }

  /** A client of this fake in {@code location} (none when {@code null}). */
  com.google.cloud.bigquery.BigQuery client(@Nullable String location) {
    com.google.cloud.bigquery.BigQueryOptions.Builder options = com.google.cloud.bigquery.BigQueryOptions.newBuilder()
        .setHost(url())
        .setProjectId(PROJECT)
        .setCredentials(com.google.cloud.NoCredentials.getInstance())
        .setRetrySettings(dev.gamehistory.loader.bigquery.internal.ClientFactory.retrySettings(Duration.ofSeconds(10)));
    if (location != null) {
      options.setLocation(location);
    }
    return options.build().getService();
  }

  /** Settings for the bigquery backend on this fake; batch, no retries, the given timeouts. */
  LoaderSettings.Builder settings(Duration queryTimeout, Duration deadline) {
    return LoaderSettings.builder()
        .strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(queryTimeout, deadline))
        .retry(RetryPolicy.none())
        .backendProperties(Map.of(
            "backend", "bigquery",
            "bigquery.host", url(),
            "bigquery.project", PROJECT,
            "bigquery.table", "nba.games"));
  }

  // ---- jobs.query ---------------------------------------------------------------------------

  static MappingBuilder query() {
    return post(urlPathEqualTo(QUERIES));
  }

  /** jobs.query finishes within its wait and answers every row at once. */
  void queryCompletes(List<List<String>> rows) {
    server.stubFor(query().willReturn(complete(QUERY_JOB_REFERENCE + "," + STATISTICS, rows, null)));
  }

  /** jobs.query answers the first {@code pageSize} rows; getQueryResults the others, page by page. */
  void queryCompletesPaged(List<List<String>> rows, int pageSize) {
    int pages = pages(rows, pageSize);
    server.stubFor(query().willReturn(complete(QUERY_JOB_REFERENCE + "," + STATISTICS,
        slice(rows, 1, pageSize), pages > 1 ? "page-2" : null, rows.size())));
    stubPages(rows, pageSize, 2);
  }

  /** jobs.query answers at once that the job still runs (a server that does not hold it). */
  void queryRuns() {
    server.stubFor(query().willReturn(running(QUERY_JOB_REFERENCE)));
  }

  /** jobs.query is held for its {@code timeoutMs}, then answers that the job still runs, as BigQuery does. */
  void queryRunsPastItsWait() {
    server.stubFor(query().willReturn(running(QUERY_JOB_REFERENCE).withTransformers("response-template",
        HoldForWait.NAME)));
  }

  /**
   * Each jobs.query starts a job that runs for {@code duration}; jobs.query and each long-poll are
   * held for their {@code timeoutMs} or until the job is done, whichever comes first, and then
   * answer it complete with every row, or still running. Cancels are answered.
   */
  void jobsTake(Duration duration, List<List<String>> rows) {
    timedJobs.duration = duration;
    server.stubFor(query().willReturn(complete(QUERY_JOB_REFERENCE + "," + STATISTICS, rows, null)
        .withTransformers("response-template", TimedJobs.NAME)));
    server.stubFor(results().withQueryParam("pageToken", absent())
        .willReturn(complete(RESULTS_JOB_REFERENCE + ",\"totalBytesProcessed\":\"123456\",\"cacheHit\":false", rows, null)
            .withTransformers("response-template", TimedJobs.NAME)));
    cancelAnswers();
  }

  // ---- jobs.getQueryResults -------------------------------------------------------------------

  static MappingBuilder results() {
    return get(urlPathMatching(RESULTS));
  }

  /** getQueryResults (the long-poll, without page token) answers that the job finished, with every row. */
  void resultsComplete(List<List<String>> rows) {
    server.stubFor(results().withQueryParam("pageToken", absent())
        .willReturn(complete(RESULTS_JOB_REFERENCE + ",\"totalBytesProcessed\":\"123456\",\"cacheHit\":false",
            rows, null)));
  }

  /** getQueryResults (the long-poll) answers after {@code delay} that the job still runs. */
  void resultsRunning(Duration delay) {
    server.stubFor(results().withQueryParam("pageToken", absent())
        .willReturn(running(RESULTS_JOB_REFERENCE).withFixedDelay((int) delay.toMillis())));
  }

  /** getQueryResults (the long-poll) is held for its {@code timeoutMs}, then answers that the job still runs. */
  void resultsRunPastTheirWait() {
    server.stubFor(results().withQueryParam("pageToken", absent())
        .willReturn(running(RESULTS_JOB_REFERENCE).withTransformers("response-template", HoldForWait.NAME)));
  }

  /**
   * The job failed: every getQueryResults of it answers the job's error, as BigQuery does (reading
   * a failed job again never helps), and jobs.get answers it done with that error as its
   * {@code status.errorResult}.
   */
  void jobFails(int code, String reason, String message) {
    server.stubFor(results().willReturn(error(code, reason, message)));
    String error = "{\"reason\":\"%s\",\"message\":\"%s\"}".formatted(reason, message);
    server.stubFor(jobsGet().willReturn(okJson(
        "{\"status\":{\"state\":\"DONE\",\"errorResult\":" + error + ",\"errors\":[" + error + "]}}")));
  }

  // ---- jobs.get ---------------------------------------------------------------------------------

  static MappingBuilder jobsGet() {
    return get(urlPathMatching(JOB));
  }

  /** jobs.get answers that the job is still running (no error). */
  void jobRuns() {
    server.stubFor(jobsGet().willReturn(okJson("{\"status\":{\"state\":\"RUNNING\"}}")));
  }

  private void stubPages(List<List<String>> rows, int pageSize, int firstPage) {
    int pages = pages(rows, pageSize);
    for (int page = firstPage; page <= pages; page++) {
      String token = page < pages ? "page-" + (page + 1) : null;
      server.stubFor(results().withQueryParam("pageToken", equalTo("page-" + page))
          .willReturn(complete(RESULTS_JOB_REFERENCE, slice(rows, page, pageSize), token, rows.size())));
    }
  }

  private static int pages(List<List<String>> rows, int pageSize) {
    return Math.max(1, (rows.size() + pageSize - 1) / pageSize);
  }

  private static List<List<String>> slice(List<List<String>> rows, int page, int pageSize) {
    return rows.subList(Math.min(rows.size(), (page - 1) * pageSize), Math.min(rows.size(), page * pageSize));
  }

  /** A complete answer: the given fields, the schema and the rows, all of the result. */
  static ResponseDefinitionBuilder complete(String fields, List<List<String>> page, @Nullable String pageToken) {
    return complete(fields, page, pageToken, page.size());
  }

  /** A complete answer holding one page of a result of {@code totalRows} rows. */
  static ResponseDefinitionBuilder complete(String fields, List<List<String>> page, @Nullable String pageToken,
      long totalRows) {
    StringBuilder body = new StringBuilder("{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":true,")
        .append(fields).append(",\"schema\":").append(SCHEMA)
        .append(",\"totalRows\":\"").append(totalRows).append('"');
    if (pageToken != null) {
      body.append(",\"pageToken\":\"").append(pageToken).append('"');
    }
    body.append(",\"rows\":[").append(page.stream().map(FakeBigQueryServer::row).collect(Collectors.joining(",")))
        .append("]}");
    return okJson(body.toString()).withTransformers("response-template");
  }

  /** An answer that the job still runs. */
  static ResponseDefinitionBuilder running(String jobReference) {
    return okJson("{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":false," + jobReference + "}")
        .withTransformers("response-template");
  }

  /** An error response as BigQuery sends it. */
  static ResponseDefinitionBuilder error(int code, String reason, String message) {
    return aResponse().withStatus(code).withHeader("Content-Type", "application/json").withBody("""
        {"error":{"code":%d,"message":"%s","errors":[{"message":"%s","domain":"global","reason":"%s"}],"status":"X"}}
        """.formatted(code, message, message, reason));
  }

  static String row(List<String> values) {
    return "{\"f\":[" + values.stream()
        .map(v -> v == null ? "{\"v\":null}" : "{\"v\":\"" + v + "\"}")
        .collect(Collectors.joining(",")) + "]}";
  }

  // ---- jobs.cancel --------------------------------------------------------------------------

  /** jobs.cancel answers the job as cancelled (done). */
  void cancelAnswers() {
    server.stubFor(post(urlPathMatching(CANCEL)).willReturn(okJson("""
        {"kind":"bigquery#jobCancelResponse","job":{"jobReference":{"projectId":"test","jobId":"x","location":"US"},
         "status":{"state":"DONE"}}}""")));
  }

  // ---- inspection ---------------------------------------------------------------------------

  /** Requests received so far that match. */
  List<LoggedRequest> requests(RequestPatternBuilder pattern) {
    return server.findAll(pattern);
  }

  /**
   * Waits until at least {@code count} matching requests arrived (the cancel request is sent
   * asynchronously), checking every 10 ms for at most {@code max}; returns what arrived.
   */
  List<LoggedRequest> awaitRequests(RequestPatternBuilder pattern, int count, Duration max) {
    long end = System.nanoTime() + max.toNanos();
    List<LoggedRequest> found = new ArrayList<>(server.findAll(pattern));
    while (found.size() < count && System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      found = new ArrayList<>(server.findAll(pattern));
    }
    return found;
  }

  /**
   * Every request received, in order, by call: {@code jobs.query}, {@code getQueryResults} (with
   * {@code page-N} when it asked for a page), {@code jobs.get}, {@code jobs.cancel}; anything else
   * (e.g. {@code jobs.insert}, which the backend never sends) by method and path.
   */
  List<String> calls() {
    return requestsInOrder().stream().map(FakeBigQueryServer::call).toList();
  }

  /** Every request received, oldest first. */
  List<LoggedRequest> requestsInOrder() {
    List<LoggedRequest> requests = server.getAllServeEvents().stream().map(e -> e.getRequest())
        .collect(Collectors.toCollection(ArrayList::new));
    // Newest first as WireMock keeps them; the stable sort keeps arrival order within a millisecond.
    java.util.Collections.reverse(requests);
    requests.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
    return requests;
  }

  static String call(LoggedRequest request) {
    String path = request.getUrl().split("\\?")[0];
    if (request.getMethod().value().equals("POST") && path.equals(QUERIES)) {
      return "jobs.query";
    } else if (request.getMethod().value().equals("GET") && path.matches(RESULTS)) {
      return request.queryParameter("pageToken").isPresent()
          ? "getQueryResults " + request.queryParameter("pageToken").firstValue() : "getQueryResults";
    } else if (path.matches(CANCEL)) {
      return "jobs.cancel";
    } else if (request.getMethod().value().equals("GET") && path.matches(JOB)) {
      return "jobs.get";
    }
    return request.getMethod() + " " + path;
  }

  /** Every request received, as "METHOD url", in order. */
  List<String> log() {
    List<String> log = server.getAllServeEvents().stream()
        .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl())
        .collect(Collectors.toCollection(ArrayList::new));
    java.util.Collections.reverse(log);
    return log;
  }

  @Override
  public void close() {
    server.stop();
  }

  /** The server-side wait a request asks: {@code timeoutMs} of its query or its body; BigQuery's 10 s when absent. */
  static long requestedWait(LoggedRequest request) {
    if (request.queryParameter("timeoutMs").isPresent()) {
      return Long.parseLong(request.queryParameter("timeoutMs").firstValue());
    }
    java.util.regex.Matcher m = HoldForWait.TIMEOUT.matcher(request.getBodyAsString());
    return m.find() ? Long.parseLong(m.group(1)) : 10_000;
  }

  /** Jobs that each run for one duration from their jobs.query; see {@link #jobsTake}. */
  static final class TimedJobs implements ResponseDefinitionTransformerV2 {

    static final String NAME = "timed-jobs";
    private static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("\"requestId\":\"([^\"]+)\"");

    volatile Duration duration = Duration.ZERO;
    private final java.util.Map<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      LoggedRequest request = serveEvent.getRequest();
      long now = System.nanoTime();
      String jobId;
      if (request.getMethod().value().equals("POST")) {
        java.util.regex.Matcher m = REQUEST_ID.matcher(request.getBodyAsString());
        jobId = "job-" + (m.find() ? m.group(1) : "unknown");
        started.putIfAbsent(jobId, now);
      } else {
        String[] path = request.getUrl().split("\\?")[0].split("/");
        jobId = path[path.length - 1];
      }
      long start = started.getOrDefault(jobId, now - duration.toNanos());
      long left = TimeUnit.NANOSECONDS.toMillis(duration.toNanos() - (now - start));
      long wait = requestedWait(request);
      if (left <= wait) {
        return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition())
            .withFixedDelay((int) Math.max(0, left)).build();
      }
      String body = "{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":false,\"jobReference\":"
          + "{\"projectId\":\"test\",\"jobId\":\"" + jobId + "\",\"location\":\"US\"}}";
      return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json")
          .withBody(body).withFixedDelay((int) Math.min(Integer.MAX_VALUE, wait)).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }

  /**
   * Holds an answer for the server-side wait its request asks: {@code timeoutMs} of a jobs.query
   * body or of a getQueryResults query (BigQuery's default 10 s when absent).
   */
  static final class HoldForWait implements ResponseDefinitionTransformerV2 {

    static final String NAME = "hold-for-wait";
    private static final java.util.regex.Pattern TIMEOUT = java.util.regex.Pattern.compile("\"timeoutMs\":\"?([0-9]+)");

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      long wait = requestedWait(serveEvent.getRequest());
      return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition())
          .withFixedDelay((int) Math.min(Integer.MAX_VALUE, wait)).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
