package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.gamehistory.loader.bigquery.BigQueryFaultTest.field;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.QUERY_JOB_REFERENCE;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.STATISTICS;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.complete;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.error;
import static dev.gamehistory.loader.bigquery.FakeBigQueryServer.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.BackendException;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the jobs run. BigQuery runs a job where its dataset is: a {@code jobs.query} without a
 * location lets BigQuery find it from the table, a wrong one fails {@code notFound}. The fake
 * answers a query sent to {@code US} as BigQuery answers one for a dataset in {@code europe-west2},
 * and any other query with rows; the health check and the dry runs must fail where a query would.
 */
class BigQueryLocationTest {

  private static final LocalDate DATE = LocalDate.of(2024, 1, 10);
  private static final List<String> PLAYERS = List.of("lebron_james", "nikola_jokic");
  private static final String WRONG_LOCATION = "Not found: Dataset test:nba was not found in location US";
  private static final String TABLE = "/bigquery/v2/projects/test/datasets/nba/tables/games";

  private FakeBigQueryServer fake;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
    // The dataset is in europe-west2: a query sent to US fails; one without a location, or sent there, runs.
    fake.server.stubFor(query().atPriority(1).withRequestBody(matchingJsonPath("$.location", equalTo("US")))
        .willReturn(error(404, "notFound", WRONG_LOCATION)));
    fake.server.stubFor(query().atPriority(2).willReturn(complete(QUERY_JOB_REFERENCE + "," + STATISTICS,
        List.of(BigQueryFaultTest.TWO_ROWS.get(0)), null)));
    // tables.get takes no location: the table is found wherever it is.
    fake.server.stubFor(get(urlPathEqualTo(TABLE)).willReturn(okJson("{\"kind\":\"bigquery#table\","
        + "\"id\":\"test:nba.games\",\"tableReference\":{\"projectId\":\"test\",\"datasetId\":\"nba\","
        + "\"tableId\":\"games\"},\"type\":\"TABLE\",\"location\":\"europe-west2\"}")));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private LoaderSettings settings(Map<String, String> extra) {
    LoaderSettings base = fake.settings(Duration.ofSeconds(8), Duration.ofSeconds(20)).build();
    Map<String, String> properties = new HashMap<>(base.backendProperties());
    properties.putAll(extra);
    return base.toBuilder().backendProperties(properties).build();
  }

  private static LoadResult load(LoaderSettings settings, BigQueryGamesQuery backend) {
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  private LoggedRequest onlyQuery() {
    assertThat(fake.calls()).containsExactly("jobs.query");
    return fake.requestsInOrder().get(0);
  }

  @Test
  void load_noLocationInSettingsOrClient_sendsNoneAndBigQueryFindsIt() {
    LoaderSettings settings = settings(Map.of());
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().fromSettings(settings).build();

    LoadResult result = load(settings, backend);

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("lebron_james")).hasSize(1);
    assertThat(onlyQuery().getBodyAsString()).doesNotContain("\"location\"");
    assertThat(backend.location()).isEmpty();
  }

  @Test
  void load_clientWithALocation_sendsTheClientsWhenTheSettingsSayNone() {
    LoaderSettings settings = settings(Map.of());
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().fromSettings(settings)
        .client(fake.client("europe-west2")).build();

    LoadResult result = load(settings, backend);

    assertThat(result.isComplete()).isTrue();
    assertThat(field(onlyQuery(), "location")).isEqualTo("europe-west2");
    assertThat(backend.location()).hasValue("europe-west2");
  }

  @Test
  void load_settingsLocation_winsOverTheClients() {
    LoaderSettings settings = settings(Map.of("bigquery.location", "US"));
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client("europe-west2"))
        .fromSettings(settings).build();

    LoadResult result = load(settings, backend);

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> {
      assertThat(((BackendException) f).reason()).isEqualTo("notFound");
      assertThat(f).hasMessage(WRONG_LOCATION);
      assertThat(f.isRetryable()).isFalse();
    });
    assertThat(field(onlyQuery(), "location")).isEqualTo("US");
  }

  @Test
  void check_locationWhereTheTableIsNot_failsAsAQueryWould() {
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client("US")).table("nba.games").build();

    assertThatThrownBy(backend::check)
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo("notFound");
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessage(WRONG_LOCATION);
    // One dry run of the statement, in the jobs' location; no tables.get, which would have passed.
    LoggedRequest dryRun = onlyQuery();
    assertThat(field(dryRun, "dryRun")).isEqualTo("true");
    assertThat(field(dryRun, "location")).isEqualTo("US");
    assertThat(field(dryRun, "query")).isEqualTo(backend.sql());
    backend.close();
  }

  @Test
  void check_noLocation_dryRunsTheStatementForOnePlaceholderPlayerAndPasses() {
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client(null)).table("nba.games").build();

    backend.check();

    LoggedRequest dryRun = onlyQuery();
    assertThat(dryRun.getBodyAsString()).doesNotContain("\"location\"").doesNotContain("requestId");
    assertThat(field(dryRun, "dryRun")).isEqualTo("true");
    assertThat(field(dryRun, "useQueryCache")).isEqualTo("false");
    fake.server.verify(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
            urlPathEqualTo(FakeBigQueryServer.QUERIES))
        .withRequestBody(matchingJsonPath(
            "$.queryParameters[?(@.name == 'players')].parameterValue.arrayValues[0].value", equalTo("hgl_check")))
        .withRequestBody(matchingJsonPath("$.queryParameters[?(@.name == 'players')].parameterValue.arrayValues[1]",
            absent())));
    backend.close();
  }

  @Test
  void estimate_dryRunsEachQueryInTheJobsLocation() {
    BigQueryGamesQuery wrong = BigQueryGamesQuery.builder().client(fake.client("US")).table("nba.games").build();
    BigQueryGamesQuery right = BigQueryGamesQuery.builder().client(fake.client("europe-west2")).table("nba.games")
        .build();
    LoadRequest request = LoadRequest.of(DATE, List.of("a", "b", "c"));

    assertThatThrownBy(() -> wrong.estimate(request, Strategy.perPlayer(4)))
        .isInstanceOf(BackendException.class).hasMessage(WRONG_LOCATION);
    CostEstimate estimate = right.estimate(request, Strategy.perPlayer(4));

    assertThat(estimate.queryCount()).isEqualTo(3);
    assertThat(estimate.totalBytesProcessed()).isEqualTo(3 * 123_456);
    assertThat(fake.calls()).containsExactly("jobs.query", "jobs.query", "jobs.query", "jobs.query");
    assertThat(fake.requestsInOrder()).allSatisfy(r -> assertThat(field(r, "dryRun")).isEqualTo("true"));
    assertThat(fake.requestsInOrder().subList(1, 4))
        .allSatisfy(r -> assertThat(field(r, "location")).isEqualTo("europe-west2"));
    wrong.close();
    right.close();
  }
}
