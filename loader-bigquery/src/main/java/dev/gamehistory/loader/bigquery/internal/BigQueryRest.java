package dev.gamehistory.loader.bigquery.internal;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClientRequest;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.ConnectionFactory;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.GetQueryResultsResponse;
import com.google.api.services.bigquery.model.Job;
import com.google.api.services.bigquery.model.JobCancelResponse;
import com.google.api.services.bigquery.model.JobReference;
import com.google.api.services.bigquery.model.JobStatus;
import com.google.api.services.bigquery.model.QueryRequest;
import com.google.api.services.bigquery.model.QueryResponse;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The REST calls of the query protocol ({@code jobs.query}, {@code jobs.getQueryResults},
 * {@code jobs.cancel}, and {@code jobs.get} for a job's status) on the generated BigQuery model that
 * google-cloud-bigquery itself uses.
 *
 * <p>Why not the client's public API: its {@code QueryResponse} hides the completion flag of
 * {@code getQueryResults} (package-private in 2.73.0), its waits ({@code Job.waitFor},
 * {@code TableResult} paging) cannot be stopped from another thread, and a long-poll cannot be
 * bounded per request. Here every request has the server wait and the HTTP read timeout it needs,
 * and runs inside an {@link Exchange}, so that stopping a query disconnects its request at once.
 *
 * <p>The client's options are kept: host, credentials and headers (through the transport options'
 * request initializer), application name and project. The HTTP transport is a
 * {@link NetHttpTransport} whose connections the exchange can disconnect; it honours the JVM's
 * proxy settings, as the client's default transport does. No call is retried here.
 */
public final class BigQueryRest {

  /**
   * How long an HTTP read may last beyond the query's time left: the socket never ends a request
   * the engine still waits for (a server that ignores {@code timeoutMs} answers only when the query
   * is done); the engine's own stop disconnects it.
   */
  public static final Duration READ_MARGIN = Duration.ofSeconds(5);

  private static final JsonFactory JSON = GsonFactory.getDefaultInstance();

  private final Bigquery api;
  private final String project;
  private final int connectTimeoutMillis;

  private BigQueryRest(Bigquery api, String project, int connectTimeoutMillis) {
    this.api = api;
    this.project = project;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** The REST calls with {@code client}'s host, credentials, headers and project. */
  public static BigQueryRest of(BigQuery client) {
    return of(client, Exchange.connections());
  }

  /** As {@link #of(BigQuery)}, with the connections {@code connections} opens (tests). */
  static BigQueryRest of(BigQuery client, ConnectionFactory connections) {
    BigQueryOptions options = client.getOptions();
    if (!(options.getTransportOptions() instanceof HttpTransportOptions transportOptions)) {
      throw new IllegalArgumentException("the BigQuery client must use HTTP transport options, not "
          + options.getTransportOptions().getClass().getName());
    }
    HttpRequestInitializer initializer = transportOptions.getHttpRequestInitializer(options);
    NetHttpTransport transport = new NetHttpTransport.Builder().setConnectionFactory(connections).build();
    Bigquery api = new Bigquery.Builder(transport, JSON, initializer)
        .setRootUrl(options.getResolvedApiaryHost("bigquery"))
        .setApplicationName(options.getApplicationName())
        .build();
    int connect = transportOptions.getConnectTimeout() > 0 ? transportOptions.getConnectTimeout() : 20_000;
    return new BigQueryRest(api, Objects.requireNonNull(options.getProjectId(), "the client's project"), connect);
  }

  /** The project queries run in. */
  public String project() {
    return project;
  }

  /**
   * {@code jobs.query}: runs the statement, waiting on the server up to the request's
   * {@code timeoutMs}; see {@link #execute} for the HTTP timeouts under {@code timeLeft}.
   */
  public QueryResponse query(QueryRequest request, Duration timeLeft, Exchange exchange) throws IOException {
    return execute(api.jobs().query(project, request), timeLeft, exchange, QueryResponse.class);
  }

  /**
   * {@code jobs.getQueryResults}: waits on the server up to {@code waitMillis} for the job to finish,
   * then returns the page at {@code pageToken} (the first when {@code null}); see {@link #execute}
   * for the HTTP timeouts under {@code timeLeft}.
   */
  public GetQueryResultsResponse getQueryResults(JobReference job, @Nullable String pageToken,
      @Nullable Long maxResults, long waitMillis, Duration timeLeft, Exchange exchange) throws IOException {
    Bigquery.Jobs.GetQueryResults call = api.jobs().getQueryResults(job.getProjectId(), job.getJobId())
        .setTimeoutMs(waitMillis);
    if (job.getLocation() != null) {
      call.setLocation(job.getLocation());
    }
    if (pageToken != null) {
      call.setPageToken(pageToken);
    }
    if (maxResults != null) {
      call.setMaxResults(maxResults);
    }
    return execute(call, timeLeft, exchange, GetQueryResultsResponse.class);
  }

  /** {@code jobs.get}, reading back only the job's status (its state and, when it failed, its error). */
  public JobStatus status(JobReference job, Duration timeLeft, Exchange exchange) throws IOException {
    Bigquery.Jobs.Get call = api.jobs().get(job.getProjectId(), job.getJobId()).setFields("status");
    if (job.getLocation() != null) {
      call.setLocation(job.getLocation());
    }
    Job answer = execute(call, timeLeft, exchange, Job.class);
    return answer.getStatus() == null ? new JobStatus() : answer.getStatus();
  }

  /** {@code jobs.cancel}, reading back only the job's state. */
  public void cancel(JobReference job, Duration timeout, Exchange exchange) throws IOException {
    Bigquery.Jobs.Cancel call = api.jobs().cancel(job.getProjectId(), job.getJobId()).setFields("job/status/state");
    if (job.getLocation() != null) {
      call.setLocation(job.getLocation());
    }
    HttpRequest request = call.buildHttpRequest();
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    request.setConnectTimeout(millis).setReadTimeout(millis);
    send(request, exchange, JobCancelResponse.class);
  }

  /**
   * Sends {@code call} with HTTP timeouts under the query's {@code timeLeft}: the connect timeout is
   * the client's, at most the time left (a stop cannot break off a connect in progress: the thread
   * waits for it, then {@link Exchange} refuses to send the request); the read timeout is the time
   * left and {@link #READ_MARGIN}.
   */
  private <T> T execute(AbstractGoogleJsonClientRequest<T> call, Duration timeLeft, Exchange exchange,
      Class<T> type) throws IOException {
    HttpRequest request = call.buildHttpRequest();
    request.setConnectTimeout(connectTimeoutMillis(timeLeft)).setReadTimeout(readTimeoutMillis(timeLeft));
    return send(request, exchange, type);
  }

  /** The connect timeout of a request with {@code timeLeft}: the client's, at most the time left, at least 1 ms. */
  int connectTimeoutMillis(Duration timeLeft) {
    return (int) Math.max(1, Math.min(connectTimeoutMillis, QueryRunner.ceilMillis(timeLeft)));
  }

  /** The read timeout of a request with {@code timeLeft}: the time left and {@link #READ_MARGIN}. */
  static int readTimeoutMillis(Duration timeLeft) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, QueryRunner.ceilMillis(timeLeft.plus(READ_MARGIN))));
  }

  private static <T> T send(HttpRequest request, Exchange exchange, Class<T> type) throws IOException {
    request.setThrowExceptionOnExecuteError(false).setNumberOfRetries(0);
    Exchange.Scope scope = exchange.enter();
    try {
      HttpResponse response = request.execute();
      try {
        if (!response.isSuccessStatusCode()) {
          throw GoogleJsonResponseException.from(JSON, response);
        }
        return response.parseAs(type);
      } finally {
        // Closes the body only: the connection goes back to the keep-alive pool.
        response.ignore();
      }
    } catch (RuntimeException e) {
      // A disconnect from another thread can break the JDK's connection mid-request with an
      // unchecked exception (a NullPointerException from HttpURLConnection): the request was stopped.
      if (exchange.isAborted()) {
        throw new IOException("request aborted: the query was stopped", e);
      }
      throw e;
    } finally {
      scope.close();
    }
  }
}
