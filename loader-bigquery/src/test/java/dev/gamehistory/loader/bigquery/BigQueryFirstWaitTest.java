package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.gamehistory.loader.bigquery.BigQueryFaultTest.TWO_ROWS;
import static dev.gamehistory.loader.bigquery.BigQueryFaultTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import dev.gamehistory.loader.testkit.ManualTime;
import dev.gamehistory.loader.testkit.TestQueryContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first wait: the first {@code jobs.query} asks BigQuery to hold it at most
 * {@code bigquery.first-wait} (900 ms), the wait slice and a quarter of the query's time, so that a query
 * that finishes within it costs one request and a longer one has its job id, and can be cancelled,
 * from then on. Against the fake's model of BigQuery's asynchronous {@code jobs.query}: each answer
 * held for its request's {@code timeoutMs} or until the job is done.
 */
class BigQueryFirstWaitTest {

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

  private static LoadResult load(LoaderSettings settings) {
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
        .backend(BigQueryGamesQuery.builder().fromSettings(settings).build()).settings(settings).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  private LoaderSettings settings(Duration queryTimeout, Map<String, String> extra) {
    LoaderSettings base = fake.settings(queryTimeout, Duration.ofSeconds(30)).build();
    Map<String, String> properties = new HashMap<>(base.backendProperties());
    properties.putAll(extra);
    return base.toBuilder().backendProperties(properties).build();
  }

  private static long timeoutMs(LoggedRequest request) {
    return request.queryParameter("timeoutMs").isPresent()
        ? Long.parseLong(request.queryParameter("timeoutMs").firstValue())
        : Long.parseLong(field(request, "timeoutMs"));
  }

  @Test
  void load_queryOf700ms_oneRequestHeldUntilItIsDone() {
    fake.jobsTake(Duration.ofMillis(700), TWO_ROWS);

    LoadResult result = load(settings(Duration.ofSeconds(20), Map.of()));

    assertThat(result.isComplete()).isTrue();
    assertThat(fake.calls()).containsExactly("jobs.query");
    assertThat(timeoutMs(fake.requestsInOrder().get(0))).isEqualTo(900);
  }

  @Test
  void load_queryOf3s_firstAnswerAfterTheFirstWaitThenOneLongPoll() {
    fake.jobsTake(Duration.ofSeconds(3), TWO_ROWS);

    LoadResult result = load(settings(Duration.ofSeconds(20), Map.of()));

    assertThat(result.isComplete()).isTrue();
    assertThat(result.games("nikola_jokic")).hasSize(1);
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults");
    List<LoggedRequest> sent = fake.requestsInOrder();
    assertThat(timeoutMs(sent.get(0))).isEqualTo(900);
    // The long-poll waits one slice (5 s, the time left being longer): it returns when the job is done.
    assertThat(timeoutMs(sent.get(1))).isEqualTo(5_000);
    assertThat(result.report().attempts().get(0).statistics()).hasValueSatisfying(s ->
        assertThat(s.requests()).hasValue(2));
  }

  @Test
  void load_firstWaitSetting_isTheFirstRequestsWait() {
    fake.jobsTake(Duration.ofMillis(100), TWO_ROWS);

    assertThat(load(settings(Duration.ofSeconds(20), Map.of("bigquery.first-wait", "2s"))).isComplete()).isTrue();
    assertThat(load(settings(Duration.ofSeconds(20), Map.of("bigquery.wait-slice", "250ms"))).isComplete()).isTrue();

    assertThat(fake.requestsInOrder()).extracting(BigQueryFirstWaitTest::timeoutMs).containsExactly(2_000L, 250L);
  }

  @Test
  void load_shortQueryTimeout_firstWaitIsAQuarterOfIt() {
    fake.jobsTake(Duration.ofMillis(100), TWO_ROWS);

    assertThat(load(settings(Duration.ofSeconds(1), Map.of())).isComplete()).isTrue();

    assertThat(timeoutMs(fake.requestsInOrder().get(0))).isBetween(200L, 250L);
  }

  @Test
  void load_timeoutAfterTheFirstWait_cancelsTheJobFromTheLongPoll() {
    fake.jobsTake(Duration.ofSeconds(60), TWO_ROWS);
    // The first wait, 375 ms (a quarter of the 1.5 s), answers with the job id; the timeout comes during the long-poll.
    LoaderSettings settings = settings(Duration.ofMillis(1500), Map.of());

    LoadResult result = load(settings);

    assertThat(result.failures().values()).hasSize(2).allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT));
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.cancel");
    List<LoggedRequest> sent = fake.requestsInOrder();
    assertThat(timeoutMs(sent.get(0))).isBetween(340L, 375L);
    assertThat(sent.get(2).getUrl()).startsWith(FakeBigQueryServer.JOBS + "/job-" + field(sent.get(0), "requestId")
        + "/cancel");
    // From the engine's decision to the cancel's arrival: a disconnect and one request. On a quiet
    // machine a few ms; the bound is for a busy 2-core one.
    QueryAttempt attempt = result.report().attempts().get(0);
    Instant decided = result.report().startedAt().plus(attempt.startedAt()).plus(attempt.duration());
    Duration latency = Duration.between(decided, sent.get(2).getLoggedDate().toInstant());
    System.out.printf("cancel %d ms after a 1.5 s timeout%n", latency.toMillis());
    assertThat(latency).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void fetch_callersCancelAfterTheFirstWait_cancelsTheJob() {
    fake.jobsTake(Duration.ofSeconds(60), TWO_ROWS);
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();
    TestQueryContext context = TestQueryContext.create(ManualTime.create(), Duration.ofSeconds(20));
    WindowQuery query = new WindowQuery(PLAYERS, DATE, 90, 30);

    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(query, context));
    assertThat(fake.awaitRequests(getRequestedFor(urlPathMatching(FakeBigQueryServer.RESULTS)), 1,
        Duration.ofSeconds(10))).hasSize(1);
    context.cancel();

    assertThat(fetch).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(LoadCancelledException.class);
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.cancel");
    assertThat(timeoutMs(fake.requestsInOrder().get(0))).isEqualTo(900);
    backend.close();
  }

  @Test
  void fetch_callersCancelInsideTheFirstWait_hasNoJobIdToCancel() {
    fake.jobsTake(Duration.ofSeconds(60), TWO_ROWS);
    BigQueryGamesQuery backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();
    TestQueryContext context = TestQueryContext.create(ManualTime.create(), Duration.ofSeconds(20));
    WindowQuery query = new WindowQuery(PLAYERS, DATE, 90, 30);

    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(query, context));
    assertThat(fake.awaitRequests(postRequestedFor(urlPathEqualTo(FakeBigQueryServer.QUERIES)), 1,
        Duration.ofSeconds(10))).hasSize(1);
    context.cancel();

    // The trade-off: the job id comes only with the first answer; this job runs on to its jobTimeoutMs.
    assertThat(fetch).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(LoadCancelledException.class);
    assertThat(fake.calls()).containsExactly("jobs.query");
    backend.close();
  }
}
