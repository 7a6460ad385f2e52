package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.gamehistory.loader.bigquery.BigQueryFaultTest.TWO_ROWS;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.QUERY_JOB_REFERENCE;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.RESULTS_JOB_REFERENCE;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.STATISTICS;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.complete;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.error;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.query;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Errors as BigQuery reports them, against the fake: warnings in a successful answer, a failed job
 * (whose error every read of it answers, and its status gives), server errors, rate limits and
 * {@code notFound} answered to reads of a job that runs, refused reads, and rate limits named only
 * in the message.
 * The exact requests of each load are asserted.
 */
class BigQueryJobErrorsTest {

  private static final LocalDate DATE = LocalDate.of(2024, 1, 10);
  private static final List<String> PLAYERS = List.of("lebron_james", "nikola_jokic");
  private static final String SKIPPED = "Some rows were not read: data in the streaming buffer was unavailable";

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private LoadResult load(LoaderSettings settings) {
    return load(settings, BigQueryGamesQuery.builder().fromSettings(settings).build());
  }

  private LoadResult load(LoaderSettings settings, BigQueryGamesQuery backend) {
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  /** Two tries, 10 ms apart. */
  private LoaderSettings settings() {
    return fake.settings(Duration.ofSeconds(5), Duration.ofSeconds(20)).retry(RetryPolicy.of(2, Duration.ofMillis(10)))
        .build();
  }

  /** A complete answer with every row that also carries {@code errors}. */
  private static String warning(String reason, String message) {
    return ",\"errors\":[{\"reason\":\"" + reason + "\",\"location\":\"\",\"message\":\"" + message + "\"}]";
  }

  // ---- warnings in a successful answer -------------------------------------------------------

  @Test
  void load_completeAnswerCarryingErrors_failsWithBigQuerysMessageNotAnEmptyHistory() {
    fake.server.stubFor(query().willReturn(complete(QUERY_JOB_REFERENCE + "," + STATISTICS
        + warning("invalid", SKIPPED), List.of(TWO_ROWS.get(0)), null)));

    LoadResult result = load(settings());

    assertThat(result.loaded()).isEmpty();
    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("invalid");
      assertThat(f).hasMessage(SKIPPED);
      assertThat(f.isRetryable()).isFalse();
    });
    // The job is over (its answer said complete): nothing to cancel, and a permanent error is not retried.
    assertThat(fake.calls()).containsExactly("jobs.query");
  }

  @Test
  void load_warningWithATransientReason_retriedByTheEngineAsANewQuery() {
    fake.server.stubFor(query().inScenario("q").whenScenarioStateIs(STARTED)
        .willReturn(complete(QUERY_JOB_REFERENCE + warning("backendError", SKIPPED), List.of(), null))
        .willSetStateTo("clean"));
    fake.server.stubFor(query().inScenario("q").whenScenarioStateIs("clean")
        .willReturn(complete(QUERY_JOB_REFERENCE, TWO_ROWS, null)));

    LoadResult result = load(settings());

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).hasSize(1);
    assertThat(result.report().retries()).isEqualTo(1);
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.query");
    assertThat(BigQueryFaultTest.field(fake.requestsInOrder().get(0), "requestId"))
        .isNotEqualTo(BigQueryFaultTest.field(fake.requestsInOrder().get(1), "requestId"));
  }

  @Test
  void load_longPollAnswerCarryingErrors_fails() {
    fake.queryRuns();
    fake.server.stubFor(results().willReturn(complete(RESULTS_JOB_REFERENCE + warning("invalid", SKIPPED),
        TWO_ROWS, null)));

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> assertThat(f).hasMessage(SKIPPED));
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults");
  }

  @Test
  void load_incompleteAnswerCarryingErrors_failsAndCancelsTheJob() {
    fake.server.stubFor(query().willReturn(okJson("{\"kind\":\"bigquery#queryResponse\",\"jobComplete\":false,"
        + QUERY_JOB_REFERENCE + warning("invalid", SKIPPED) + "}").withTransformers("response-template")));
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> assertThat(f).hasMessage(SKIPPED));
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.cancel");
  }

  // ---- a failed job ----------------------------------------------------------------------------

  @Test
  void load_jobFailedWithATransientError_oneReadPerQueryThenTheEngineRunsANewOne() {
    fake.queryRuns();
    fake.jobFails(400, "jobInternalError", "The job encountered an internal error during execution.");
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("jobInternalError");
      assertThat(f).hasMessage("The job encountered an internal error during execution.");
      assertThat(f.isRetryable()).isTrue();
    });
    // The failed job's error is not read again, and the job, over, is not cancelled.
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.query", "getQueryResults");
    assertThat(result.report().retries()).isEqualTo(1);
  }

  @Test
  void load_jobFailedWithABackendError_isNotReadAgainEither() {
    fake.queryRuns();
    fake.jobFails(503, "backendError", "Error encountered during execution. Retrying may solve the problem.");
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("backendError");
      assertThat(f).hasMessage("Error encountered during execution. Retrying may solve the problem.");
      assertThat(f.isRetryable()).isTrue();
    });
    // A 503 may be the read's or the job's: the job's status says it failed, so it is neither read
    // again nor cancelled; the engine runs a new query.
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.get",
        "jobs.query", "getQueryResults", "jobs.get");
    assertThat(result.report().retries()).isEqualTo(1);
  }

  // ---- a failed read of a job that runs -------------------------------------------------------

  @Test
  void load_readAnsweredABackendErrorWhileTheJobRuns_retriedInPlaceAfterItsStatus() {
    fake.queryRuns();
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs(STARTED)
        .willReturn(error(503, "backendError", "Error encountered during execution. Retrying may solve the problem."))
        .willSetStateTo("ok"));
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs("ok")
        .willReturn(complete(RESULTS_JOB_REFERENCE, TWO_ROWS, null)));
    fake.jobRuns();

    LoadResult result = load(settings());

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).hasSize(1);
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.get", "getQueryResults");
    assertThat(result.report().retries()).isZero();
    assertThat(result.report().attempts().get(0).statistics()).hasValueSatisfying(s ->
        assertThat(s.requests()).hasValue(4));
  }

  @Test
  void load_readsKeepAnsweringAServerErrorWhileTheJobRuns_givesUpAndCancels() {
    fake.queryRuns();
    fake.server.stubFor(results().willReturn(error(500, "internalError", "An internal error occurred.")));
    fake.jobRuns();
    fake.cancelAnswers();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(5), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).readAttempts(2).build());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("internalError");
      assertThat(f.isRetryable()).isTrue();
    });
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.get", "getQueryResults",
        "jobs.get", "jobs.cancel");
  }

  @Test
  void load_readAnsweredQuotaExceededSayingRateLimits_retriedInPlaceNotCancelled() {
    String message = "Exceeded rate limits: too many api requests per user per method for this user_method.";
    fake.queryRuns();
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs(STARTED)
        .willReturn(error(403, "quotaExceeded", message)).willSetStateTo("ok"));
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs("ok")
        .willReturn(complete(RESULTS_JOB_REFERENCE, TWO_ROWS, null)));
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.isComplete()).isTrue();
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "getQueryResults");
    assertThat(result.report().retries()).isZero();
  }

  @Test
  void load_readNotFoundForAMomentAfterTheJobWasCreated_retriedInPlace() {
    fake.queryRuns();
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs(STARTED)
        .willReturn(error(404, "notFound", "Not found: Job test:job-1")).willSetStateTo("found"));
    fake.server.stubFor(results().inScenario("poll").whenScenarioStateIs("found")
        .willReturn(complete(RESULTS_JOB_REFERENCE, TWO_ROWS, null)));
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.isComplete()).isTrue();
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "getQueryResults");
    assertThat(result.report().retries()).isZero();
  }

  @Test
  void load_readNotFoundEveryTime_givesUpAfterThreeReadsAndCancels() {
    fake.queryRuns();
    fake.server.stubFor(results().willReturn(error(404, "notFound", "Not found: Job test:job-1")));
    fake.cancelAnswers();
    LoaderSettings settings = fake.settings(Duration.ofSeconds(5), Duration.ofSeconds(20)).build();

    LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).readAttempts(6).build());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("notFound");
      assertThat(f).hasMessage("Not found: Job test:job-1");
      assertThat(f.isRetryable()).isFalse();
    });
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "getQueryResults", "getQueryResults",
        "jobs.cancel");
  }

  // ---- every give-up cancels -------------------------------------------------------------------

  @Test
  void load_readRefused_endsTheQueryAndCancelsTheJob() {
    String message = "Access Denied: Job test:job-1: the caller does not have permission to read its results";
    fake.queryRuns();
    fake.server.stubFor(results().willReturn(error(403, "accessDenied", message)));
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("accessDenied");
      assertThat(f).hasMessage(message);
      assertThat(f.isRetryable()).isFalse();
    });
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.cancel");
  }

  @Test
  void load_readRefusedWithoutAReason_cancelsTheJob() {
    fake.queryRuns();
    fake.server.stubFor(results().willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
        .withStatus(400).withBody("Bad Request")));
    fake.cancelAnswers();

    LoadResult result = load(settings());

    assertThat(result.failures().values()).hasSize(2)
        .allSatisfy(f -> assertThat(((BackendException) f).reason()).isEqualTo("http400"));
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.cancel");
  }

  @Test
  void load_unreadableRowAfterAnIncompleteFirstAnswer_failsThePlayerAndCancelsNothing() {
    fake.queryRuns();
    fake.resultsComplete(List.of(BigQueryFaultTest.TWO_ROWS.get(1),
        java.util.Arrays.asList("lebron_james", "not-a-date", "BOS", "31", "36.5", "1", null)));

    LoadResult result = load(settings());

    assertThat(result.failures()).containsOnlyKeys("lebron_james");
    assertThat(result.failures().get("lebron_james").kind()).isEqualTo(FailureKind.BACKEND);
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults");
  }

  // ---- rate limits named in the message --------------------------------------------------------

  @Test
  void load_rateLimitNamedOnlyInTheMessage_retriedByTheEngine() {
    String message = "Exceeded rate limits: too many concurrent queries for this project_and_region.";
    fake.server.stubFor(query().inScenario("q").whenScenarioStateIs(STARTED)
        .willReturn(error(400, "invalid", message)).willSetStateTo("ok"));
    fake.server.stubFor(query().inScenario("q").whenScenarioStateIs("ok")
        .willReturn(complete(QUERY_JOB_REFERENCE, TWO_ROWS, null)));

    LoadResult result = load(settings());

    assertThat(result.isComplete()).isTrue();
    assertThat(result.report().retries()).isEqualTo(1);
    assertThat(result.report().attempts().get(0).failure()).hasValueSatisfying(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("invalid");
      assertThat(f).hasMessage(message);
      assertThat(f.isRetryable()).isTrue();
    });
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.query");
  }
}
