package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.RetryPolicy;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.TimeoutPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A fake of the BigQuery REST API on WireMock, on 127.0.0.1 and a free port, with stubs for the
 * calls the backend makes: {@code jobs.insert} (POST .../jobs), {@code jobs.get} (GET .../jobs/{id}),
 * {@code tabledata.list} (GET .../datasets/{d}/tables/{t}/data) and {@code jobs.cancel}
 * (POST .../jobs/{id}/cancel). A fresh instance per test.
 */
final class FakeBigQueryServer implements AutoCloseable {

  static final String PROJECT = "test";
  static final String JOBS = "/bigquery/v2/projects/" + PROJECT + "/jobs";
  static final String JOB = JOBS + "/[^/]+";
  static final String CANCEL = JOBS + "/[^/]+/cancel";
  static final String RESULT_DATASET = "_anon";
  static final String RESULT_TABLE = "anon_result";
  static final String DATA = "/bigquery/v2/projects/" + PROJECT + "/datasets/" + RESULT_DATASET + "/tables/"
      + RESULT_TABLE + "/data";

  /** The schema of the statement's result, as statistics.query.schema. */
  static final String SCHEMA = """
      {"fields":[
        {"name":"player_lookup","type":"STRING","mode":"NULLABLE"},
        {"name":"game_date","type":"DATE","mode":"NULLABLE"},
        {"name":"opponent_team_abbr","type":"STRING","mode":"NULLABLE"},
        {"name":"points","type":"INTEGER","mode":"NULLABLE"},
        {"name":"minutes_played","type":"NUMERIC","mode":"NULLABLE"},
        {"name":"game_rank","type":"INTEGER","mode":"NULLABLE"},
        {"name":"rest_days","type":"INTEGER","mode":"NULLABLE"}]}""";

  final WireMockServer server;

  FakeBigQueryServer() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A client of this fake: project {@code test}, no credentials, one attempt per request. */
  com.google.cloud.bigquery.BigQuery client() {
    return com.google.cloud.bigquery.BigQueryOptions.newBuilder()
        .setHost(url())
        .setProjectId(PROJECT)
        .setLocation("US")
        .setCredentials(com.google.cloud.NoCredentials.getInstance())
        .setRetrySettings(dev.gamehistory.loader.bigquery.internal.ClientFactory.retrySettings(Duration.ofSeconds(10)))
        .build()
        .getService();
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

  // ---- jobs.insert --------------------------------------------------------------------------

  /** jobs.insert answers a job in the given state ("RUNNING" or "DONE"). */
  void insertAnswers(String state) {
    server.stubFor(insert().willReturn(job(state, "")));
  }

  static MappingBuilder insert() {
    return post(urlPathEqualTo(JOBS));
  }

  // ---- jobs.get -----------------------------------------------------------------------------

  /** jobs.get answers a job in the given state. */
  void jobAnswers(String state) {
    server.stubFor(get(urlPathMatching(JOB)).willReturn(job(state, "")));
  }

  /** jobs.get answers a done job that failed with {@code reason} and {@code message}. */
  void jobFails(String reason, String message) {
    String error = "{\"reason\":\"" + reason + "\",\"message\":\"" + message + "\"}";
    server.stubFor(get(urlPathMatching(JOB)).willReturn(
        job("DONE", ",\"errorResult\":" + error + ",\"errors\":[" + error + "]")));
  }

  /** A job resource; the job id is echoed from the request. */
  static ResponseDefinitionBuilder job(String state, String statusExtra) {
    String body = """
        {"kind":"bigquery#job",
         "jobReference":{"projectId":"test","jobId":"{{#if (contains request.method 'POST')}}{{jsonPath request.body '$.jobReference.jobId'}}{{else}}{{request.pathSegments.[5]}}{{/if}}","location":"US"},
         "configuration":{"jobType":"QUERY","query":{"query":"SELECT 1","useLegacySql":false,
           "destinationTable":{"projectId":"test","datasetId":"%s","tableId":"%s"}}},
         "status":{"state":"%s"%s},
         "statistics":{"creationTime":"1700000000000","startTime":"1700000000100","endTime":"1700000000500",
           "totalSlotMs":"42","totalBytesProcessed":"123456",
           "query":{"totalBytesProcessed":"123456","totalBytesBilled":"10485760","cacheHit":false,
             "statementType":"SELECT","schema":%s}}}
        """.formatted(RESULT_DATASET, RESULT_TABLE, state, statusExtra, SCHEMA);
    return okJson(body).withTransformers("response-template");
  }

  /** An error response as BigQuery sends it. */
  static ResponseDefinitionBuilder error(int code, String reason, String message) {
    return aResponse().withStatus(code).withHeader("Content-Type", "application/json").withBody("""
        {"error":{"code":%d,"message":"%s","errors":[{"message":"%s","domain":"global","reason":"%s"}],"status":"X"}}
        """.formatted(code, message, message, reason));
  }

  // ---- tabledata.list -----------------------------------------------------------------------

  /**
   * tabledata.list answers the rows in pages of {@code pageSize}, linked by page tokens
   * {@code page-2}, {@code page-3}, ...
   */
  void tableData(List<List<String>> rows, int pageSize) {
    int pages = Math.max(1, (rows.size() + pageSize - 1) / pageSize);
    for (int page = 1; page <= pages; page++) {
      List<List<String>> slice = rows.subList((page - 1) * pageSize, Math.min(rows.size(), page * pageSize));
      String token = page < pages ? ",\"pageToken\":\"page-" + (page + 1) + "\"" : "";
      String body = "{\"kind\":\"bigquery#tableDataList\",\"totalRows\":\"" + rows.size() + "\"" + token
          + ",\"rows\":[" + slice.stream().map(FakeBigQueryServer::row).collect(Collectors.joining(",")) + "]}";
      MappingBuilder mapping = get(urlPathEqualTo(DATA));
      mapping = page == 1
          ? mapping.withQueryParam("pageToken", com.github.tomakehurst.wiremock.client.WireMock.absent())
          : mapping.withQueryParam("pageToken", com.github.tomakehurst.wiremock.client.WireMock.equalTo("page-" + page));
      server.stubFor(mapping.willReturn(okJson(body)));
    }
  }

  private static String row(List<String> values) {
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
}
