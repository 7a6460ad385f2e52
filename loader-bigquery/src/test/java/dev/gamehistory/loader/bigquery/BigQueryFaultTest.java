package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.CANCEL;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.DATA;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.JOB;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.JOBS;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.error;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.insert;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.job;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.ReportEvent;
import dev.gamehistory.loader.RetryPolicy;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.TimeoutPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend's plumbing through the engine against a fake BigQuery REST API: timeouts with
 * cancellation, retried server errors and rate limits, permanent errors, paging, responses that
 * never come. Real time, short timeouts, generous deadlines, no sleeping.
 */
class BigQueryFaultTest {

  private static final LocalDate DATE = LocalDate.of(2024, 1, 10);
  private static final List<String> PLAYERS = List.of("lebron_james", "nikola_jokic");

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private LoadResult load(LoaderSettings settings, BigQueryGamesQuery backend) {
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  private LoadResult load(LoaderSettings settings) {
    return load(settings, BigQueryGamesQuery.builder().fromSettings(settings).build());
  }

  private static List<String> row(String... values) {
    return Arrays.asList(values);
  }

  @Test
  void load_jobStaysRunning_cancelsJobAndTimesOut() {
    fake.insertAnswers("RUNNING");
    fake.jobAnswers("RUNNING");
    fake.cancelAnswers();
    // Long enough for the job to be inserted even by a cold client on a busy machine.
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings);

    assertThat(result.failures()).containsOnlyKeys(PLAYERS);
    assertThat(result.failures().values()).allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT));
    assertThat(result.report().attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(QueryAttempt.Outcome.TIMED_OUT);
      assertThat(a.cancelled()).isTrue();
    });
    List<LoggedRequest> cancels = fake.awaitRequests(postRequestedFor(urlPathMatching(CANCEL)), 1, Duration.ofSeconds(10));
    fake.server.verify(postRequestedFor(urlPathMatching(".*/jobs/.*/cancel")));
    LoggedRequest inserted = fake.requests(postRequestedFor(urlPathEqualTo(JOBS))).get(0);
    String jobId = field(inserted, "jobId");
    assertThat(jobId).matches("hgl-q\\d+-\\d+-[0-9a-f-]{36}");
    assertThat(cancels).allSatisfy(c -> {
      assertThat(c.getUrl()).startsWith(JOBS + "/" + jobId + "/cancel");
      assertThat(c.queryParameter("location").firstValue()).isEqualTo("US");
    });
  }

  @Test
  void load_jobInserted_carriesLocationTimeoutBackstopAndParameters() {
    fake.insertAnswers("DONE");
    fake.tableData(List.of(), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings);

    assertThat(result.isComplete()).isTrue();
    LoggedRequest inserted = fake.requests(postRequestedFor(urlPathEqualTo(JOBS))).get(0);
    assertThat(field(inserted, "location")).isEqualTo("US");
    long jobTimeoutMs = Long.parseLong(field(inserted, "jobTimeoutMs"));
    assertThat(jobTimeoutMs).isBetween(5_000L, 7_000L);
    fake.server.verify(postRequestedFor(urlPathEqualTo(JOBS))
        .withRequestBody(matchingJsonPath(
            "$.configuration.query.queryParameters[?(@.name == 'window_start')].parameterValue.value", equalTo("2023-10-12")))
        .withRequestBody(matchingJsonPath(
            "$.configuration.query.queryParameters[?(@.name == 'window_end')].parameterValue.value", equalTo("2024-01-10")))
        .withRequestBody(matchingJsonPath(
            "$.configuration.query.queryParameters[?(@.name == 'max_games')].parameterValue.value", equalTo("30")))
        .withRequestBody(matchingJsonPath(
            "$.configuration.query.queryParameters[?(@.name == 'players')].parameterValue.arrayValues[1].value",
            equalTo("nikola_jokic"))));
    String sql = field(inserted, "query");
    assertThat(sql).contains("IN UNNEST(@players)").doesNotContain("lebron").doesNotContain("2024");
  }

  @Test
  void load_jobRunningThenDone_pollsUntilDone() {
    fake.insertAnswers("RUNNING");
    fake.server.stubFor(get(urlPathMatching(JOB)).inScenario("job").whenScenarioStateIs(STARTED)
        .willReturn(job("RUNNING", "")).willSetStateTo("still running"));
    fake.server.stubFor(get(urlPathMatching(JOB)).inScenario("job").whenScenarioStateIs("still running")
        .willReturn(job("RUNNING", "")).willSetStateTo("done"));
    fake.server.stubFor(get(urlPathMatching(JOB)).inScenario("job").whenScenarioStateIs("done")
        .willReturn(job("DONE", "")));
    fake.tableData(List.of(row("nikola_jokic", "2024-01-09", "LAL", "27", "34", "1", null)), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(10), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings);

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("nikola_jokic")).hasSize(1);
    assertThat(fake.requests(getRequestedFor(urlPathMatching(JOB)))).hasSize(3);
    assertThat(fake.requests(postRequestedFor(urlPathMatching(CANCEL)))).isEmpty();
    assertThat(fake.log()).extracting(line -> line.split("\\?")[0].replaceAll("hgl-[^/]+", "{job}")).containsExactly(
        "POST " + JOBS, "GET " + JOBS + "/{job}", "GET " + JOBS + "/{job}", "GET " + JOBS + "/{job}", "GET " + DATA);
  }

  @Test
  void load_serverErrorsThenSuccess_retriedByEngine() {
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs(STARTED)
        .willReturn(error(500, "backendError", "Backend error. Job aborted.")).willSetStateTo("second"));
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs("second")
        .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")).willSetStateTo("third"));
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs("third").willReturn(job("DONE", "")));
    fake.tableData(List.of(row("lebron_james", "2024-01-08", "BOS", "31", "36.5", "1", null)), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(RetryPolicy.of(3, Duration.ofMillis(10))).build();

    LoadResult result = load(settings);

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).hasSize(1);
    assertThat(result.games("nikola_jokic")).isEmpty();
    assertThat(result.report().retries()).isEqualTo(2);
    assertThat(result.report().count(ReportEvent.Kind.RETRY)).isEqualTo(2);
    List<QueryAttempt> attempts = result.report().attempts();
    assertThat(attempts).extracting(QueryAttempt::outcome).containsExactly(
        QueryAttempt.Outcome.FAILED, QueryAttempt.Outcome.FAILED, QueryAttempt.Outcome.SUCCEEDED);
    assertThat(backendFailure(attempts.get(0))).satisfies(e -> {
      assertThat(e.reason()).isEqualTo("backendError");
      assertThat(e.getMessage()).isEqualTo("Backend error. Job aborted.");
      assertThat(e.isRetryable()).isTrue();
    });
    assertThat(backendFailure(attempts.get(1))).satisfies(e -> {
      assertThat(e.reason()).isEqualTo("http503");
      assertThat(e.isRetryable()).isTrue();
    });
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(JOBS)))).hasSize(3);
  }

  @Test
  void load_pollFails_cancelsTheJobSoNoOrphanRuns() {
    fake.insertAnswers("RUNNING");
    fake.server.stubFor(get(urlPathMatching(JOB)).willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
    fake.cancelAnswers();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).retry(RetryPolicy.none()).build();

    LoadResult result = load(settings);

    assertThat(result.failures()).containsOnlyKeys(PLAYERS);
    assertThat(result.failures().values()).allSatisfy(f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.BACKEND);
      assertThat(f.isRetryable()).isTrue();
    });
    LoggedRequest inserted = fake.requests(postRequestedFor(urlPathEqualTo(JOBS))).get(0);
    String jobId = field(inserted, "jobId");
    List<LoggedRequest> cancels = fake.awaitRequests(postRequestedFor(urlPathMatching(CANCEL)), 1, Duration.ofSeconds(10));
    assertThat(cancels).isNotEmpty().allSatisfy(c -> assertThat(c.getUrl()).startsWith(JOBS + "/" + jobId + "/cancel"));
  }

  @Test
  void load_rateLimitExceeded_retriedAfterBackoff() {
    String message = "Exceeded rate limits: too many concurrent queries for this project_and_region.";
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs(STARTED)
        .willReturn(error(403, "rateLimitExceeded", message)).willSetStateTo("ok"));
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs("ok").willReturn(job("DONE", "")));
    fake.tableData(List.of(), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(100), 0.0)).build();

    LoadResult result = load(settings);

    assertThat(result.isComplete()).isTrue();
    List<QueryAttempt> attempts = result.report().attempts();
    assertThat(attempts).hasSize(2);
    assertThat(backendFailure(attempts.get(0))).satisfies(e -> {
      assertThat(e.reason()).isEqualTo("rateLimitExceeded");
      assertThat(e.getMessage()).isEqualTo(message);
      assertThat(e.isRetryable()).isTrue();
    });
    Duration firstEnded = attempts.get(0).startedAt().plus(attempts.get(0).duration());
    assertThat(attempts.get(1).startedAt()).isGreaterThanOrEqualTo(firstEnded.plusMillis(100));
    assertThat(result.report().events()).filteredOn(e -> e.kind() == ReportEvent.Kind.RETRY).singleElement()
        .satisfies(e -> assertThat(e.detail()).contains(message).endsWith("attempt 2 after 100 ms"));
  }

  @Test
  void load_invalidQuery_failsAtOnceWithBigQueryMessage() {
    String message = "Unrecognized name: pointz at [4:3]";
    fake.server.stubFor(insert().willReturn(error(400, "invalidQuery", message)));
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(RetryPolicy.of(3, Duration.ofMillis(10))).build();

    LoadResult result = load(settings);

    assertThat(result.failures()).containsOnlyKeys(PLAYERS);
    assertThat(result.failures().values()).allSatisfy(f -> {
      assertThat(f).isInstanceOf(BackendException.class);
      assertThat(f.kind()).isEqualTo(FailureKind.BACKEND);
      assertThat(((BackendException) f).reason()).isEqualTo("invalidQuery");
      assertThat(f.getMessage()).isEqualTo(message);
      assertThat(f.isRetryable()).isFalse();
    });
    assertThat(result.report().queryCount()).isEqualTo(1);
    assertThat(result.report().retries()).isZero();
    assertThat(fake.requests(postRequestedFor(urlPathEqualTo(JOBS)))).hasSize(1);
  }

  @Test
  void load_jobFailsWhileRunning_failsWithJobError() {
    String message = "Query exceeded limit for bytes billed: 1000000. 10485760 or higher required.";
    fake.insertAnswers("RUNNING");
    fake.jobFails("bytesBilledLimitExceeded", message);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(RetryPolicy.of(3, Duration.ofMillis(10))).build();

    LoadResult result = load(settings);

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("bytesBilledLimitExceeded");
      assertThat(f.getMessage()).isEqualTo(message);
      assertThat(f.isRetryable()).isFalse();
    });
    assertThat(result.report().queryCount()).isEqualTo(1);
  }

  @Test
  void load_resultsOverSeveralPages_readsEveryPage() {
    fake.insertAnswers("RUNNING");
    fake.jobAnswers("DONE");
    fake.tableData(List.of(
        row("lebron_james", "2024-01-08", "BOS", "31", "36.5", "1", "2"),
        row("nikola_jokic", "2024-01-09", "LAL", "27", "34", "1", "3"),
        row("lebron_james", "2024-01-06", "NYK", null, null, "2", "1"),
        row("nikola_jokic", "2024-01-06", "PHX", "12", "20.0", "2", null),
        row("lebron_james", "2024-01-05", "MIA", "18", "29.5", "3", null)), 2);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).pageSize(2).build());

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).containsExactly(
        new HistoricalGame("lebron_james", LocalDate.of(2024, 1, 8), "BOS", OptionalInt.of(31),
            Optional.of(new BigDecimal("36.5")), 1, OptionalInt.of(2)),
        new HistoricalGame("lebron_james", LocalDate.of(2024, 1, 6), "NYK", OptionalInt.empty(),
            Optional.empty(), 2, OptionalInt.of(1)),
        new HistoricalGame("lebron_james", LocalDate.of(2024, 1, 5), "MIA", OptionalInt.of(18),
            Optional.of(new BigDecimal("29.5")), 3, OptionalInt.empty()));
    assertThat(result.games("nikola_jokic")).containsExactly(
        new HistoricalGame("nikola_jokic", LocalDate.of(2024, 1, 9), "LAL", OptionalInt.of(27),
            Optional.of(new BigDecimal("34.0")), 1, OptionalInt.of(3)),
        new HistoricalGame("nikola_jokic", LocalDate.of(2024, 1, 6), "PHX", OptionalInt.of(12),
            Optional.of(new BigDecimal("20.0")), 2, OptionalInt.empty()));
    List<LoggedRequest> pages = fake.requests(getRequestedFor(urlPathEqualTo(DATA)));
    assertThat(pages).extracting(r -> r.queryParameter("pageToken").isPresent()
        ? r.queryParameter("pageToken").firstValue() : "first").containsExactly("first", "page-2", "page-3");
    assertThat(pages.get(0).queryParameter("maxResults").firstValue()).isEqualTo("2");
    QueryAttempt attempt = result.report().attempts().get(0);
    assertThat(attempt.rows()).isEqualTo(5);
    assertThat(attempt.statistics()).hasValueSatisfying(s -> {
      assertThat(s.jobId()).hasValueSatisfying(id -> assertThat(id).startsWith("hgl-"));
      assertThat(s.bytesProcessed()).hasValue(123_456);
      assertThat(s.bytesBilled()).hasValue(10_485_760);
      assertThat(s.cacheHit()).hasValue(false);
      assertThat(s.slotMillis()).hasValue(42);
      assertThat(s.queued()).hasValue(Duration.ofMillis(100));
      assertThat(s.executing()).hasValue(Duration.ofMillis(400));
      assertThat(s.fetching()).isPresent();
    });
  }

  @Test
  void load_responseNeverComes_returnsByDeadline() {
    fake.server.stubFor(insert().willReturn(job("DONE", "").withFixedDelay(60_000)));
    Duration deadline = Duration.ofMillis(1500);
    LoaderSettings settings = fake.settings(Duration.ofMillis(800), deadline)
        .retry(RetryPolicy.of(3, Duration.ofMillis(10))).build();

    long start = System.nanoTime();
    LoadResult result = load(settings);
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.failures()).containsOnlyKeys(PLAYERS);
    assertThat(result.failures().values()).allSatisfy(f ->
        assertThat(f.kind()).isIn(FailureKind.DEADLINE, FailureKind.TIMEOUT));
    assertThat(result.report().elapsed())
        .isLessThanOrEqualTo(deadline.plusMillis(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS));
    assertThat(waited).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void load_connectionReset_transientAndRetried() {
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
    fake.server.stubFor(insert().inScenario("insert").whenScenarioStateIs("ok").willReturn(job("DONE", "")));
    fake.tableData(List.of(), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(RetryPolicy.of(2, Duration.ofMillis(10))).build();

    LoadResult result = load(settings);

    assertThat(result.isComplete()).isTrue();
    assertThat(backendFailure(result.report().attempts().get(0))).satisfies(e -> {
      assertThat(e.reason()).isEqualTo("ioError");
      assertThat(e.isRetryable()).isTrue();
    });
  }

  @Test
  void load_pageFailsMidway_transientAndWholeQueryRetried() {
    fake.insertAnswers("DONE");
    fake.tableData(List.of(
        row("lebron_james", "2024-01-08", "BOS", "31", "36.5", "1", null),
        row("nikola_jokic", "2024-01-09", "LAL", "27", "34", "1", null)), 1);
    fake.server.stubFor(get(urlPathEqualTo(DATA)).withQueryParam("pageToken", equalTo("page-2"))
        .inScenario("page").whenScenarioStateIs(STARTED)
        .willReturn(error(503, "backendError", "Error encountered during execution. Retrying may solve the problem."))
        .willSetStateTo("ok"));
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20))
        .retry(RetryPolicy.of(2, Duration.ofMillis(10))).build();

    LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).pageSize(1).build());

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).hasSize(1);
    assertThat(result.games("nikola_jokic")).hasSize(1);
    assertThat(result.report().retries()).isEqualTo(1);
    assertThat(backendFailure(result.report().attempts().get(0)).reason()).isEqualTo("backendError");
  }

  @Test
  void load_fewerRowsThanTotal_failsTransiently() {
    fake.insertAnswers("DONE");
    fake.server.stubFor(get(urlPathEqualTo(DATA)).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
        "{\"totalRows\":\"3\",\"rows\":[{\"f\":[{\"v\":\"lebron_james\"},{\"v\":\"2024-01-08\"},{\"v\":\"BOS\"},"
            + "{\"v\":\"31\"},{\"v\":\"36.5\"},{\"v\":\"1\"},{\"v\":null}]}]}")));
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings);

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("incompleteResult");
      assertThat(f.getMessage()).matches("read 1 of the 3 rows job hgl-\\S+ returned");
      assertThat(f.isRetryable()).isTrue();
    });
  }

  @Test
  void load_rowOfUnrequestedPlayer_failsPermanently() {
    fake.insertAnswers("DONE");
    fake.tableData(List.of(row("someone_else", "2024-01-08", "BOS", "31", "36.5", "1", null)), 10);
    LoaderSettings settings = fake.settings(Duration.ofSeconds(2), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings);

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("unexpectedResult");
      assertThat(f.getMessage()).isEqualTo("the result holds player 'someone_else', who was not requested");
      assertThat(f.isRetryable()).isFalse();
    });
  }

  @Test
  void load_adaptiveAfterTimeout_splitsAndCancelsEveryTimedOutJob() {
    fake.insertAnswers("RUNNING");
    fake.jobAnswers("RUNNING");
    fake.cancelAnswers();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(1), Duration.ofSeconds(20))
        .strategy(Strategy.adaptive()).build();

    LoadResult result = load(settings);

    assertThat(result.failures().values()).hasSize(2)
        .allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT));
    assertThat(result.report().count(ReportEvent.Kind.SPLIT)).isEqualTo(1);
    assertThat(result.report().queryCount()).isEqualTo(3);
    List<String> inserted = fake.requests(postRequestedFor(urlPathEqualTo(JOBS))).stream()
        .map(r -> field(r, "jobId")).toList();
    assertThat(inserted).hasSizeBetween(1, 3).doesNotHaveDuplicates();
    List<String> cancelled = fake.awaitRequests(postRequestedFor(urlPathMatching(CANCEL)), inserted.size(),
        Duration.ofSeconds(10)).stream().map(r -> r.getUrl().split("/")[6]).toList();
    assertThat(cancelled).containsAll(inserted);
  }

  /** The string value of the first field of that name in the request's JSON body. */
  private static String field(LoggedRequest request, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"")
        .matcher(request.getBodyAsString());
    assertThat(m.find()).as("field " + name + " in " + request.getBodyAsString()).isTrue();
    return m.group(1).replace("\\n", "\n").replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u003d", "=");
  }

  private static BackendException backendFailure(QueryAttempt attempt) {
    LoaderException failure = attempt.failure().orElseThrow();
    assertThat(failure).isInstanceOf(BackendException.class);
    return (BackendException) failure;
  }
}
