package dev.gamehistory.loader.bigquery;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.LoadCancelledException;
import dev.gamehistory.loader.QueryTimeoutException;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import dev.gamehistory.loader.testkit.ManualTime;
import dev.gamehistory.loader.testkit.TestQueryContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code fetch} called directly, with a context the test cancels and time it advances. */
class BigQueryFetchTest {

  private static final WindowQuery QUERY = new WindowQuery(List.of("a", "b"), LocalDate.of(2024, 1, 10), 90, 30);

  private FakeBigQueryServer fake;
  private ManualTime time;
  private BigQueryGamesQuery backend;

  @BeforeEach
  void start() {
    fake = new FakeBigQueryServer();
    time = ManualTime.create();
    backend = BigQueryGamesQuery.builder().client(fake.client()).table("nba.games").build();
  }

  @AfterEach
  void stop() {
    backend.close();
    fake.close();
  }

  @Test
  void fetch_alreadyCancelled_insertsNoJob() {
    TestQueryContext context = TestQueryContext.create(time, Duration.ofSeconds(10));
    context.cancel();

    assertThatThrownBy(() -> backend.fetch(QUERY, context))
        .isInstanceOf(LoadCancelledException.class)
        .hasMessage("load cancelled: query test-1 (a query without a job id yet) was cancelled");
    assertThat(fake.server.getAllServeEvents()).isEmpty();
  }

  @Test
  void fetch_cancelledMidLongPoll_disconnectsAndCancelsTheJobFromItsOwnThread() {
    fake.queryRuns();
    fake.resultsRunning(Duration.ofSeconds(30));
    fake.cancelAnswers();
    TestQueryContext context = TestQueryContext.create(time, Duration.ofSeconds(20));

    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(QUERY, context));
    assertThat(fake.awaitRequests(getRequestedFor(urlPathMatching(FakeBigQueryServer.RESULTS)), 1, Duration.ofSeconds(10)))
        .hasSize(1);
    context.cancel();

    // The long-poll (held 30 s by the fake) is disconnected: the fetch ends at once, its cancel sent.
    assertThat(fetch).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(LoadCancelledException.class)
        .withMessageMatching("load cancelled: query test-1 \\(job job-[0-9a-f-]+\\) was cancelled");
    assertThat(fake.calls()).containsExactly("jobs.query", "getQueryResults", "jobs.cancel");
  }

  @Test
  void fetch_cancelledWhileFirstRequestInFlight_endsAtOnceWithNothingToCancel() {
    fake.server.stubFor(FakeBigQueryServer.query().willReturn(
        FakeBigQueryServer.running(FakeBigQueryServer.QUERY_JOB_REFERENCE).withFixedDelay(30_000)));
    TestQueryContext context = TestQueryContext.create(time, Duration.ofSeconds(20));

    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(QUERY, context));
    assertThat(fake.awaitRequests(postRequestedFor(urlPathEqualTo(FakeBigQueryServer.QUERIES)), 1, Duration.ofSeconds(10)))
        .hasSize(1);
    context.cancel();

    assertThat(fetch).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(LoadCancelledException.class);
    assertThat(fake.calls()).containsExactly("jobs.query");
  }

  @Test
  void fetch_timeRunsOutWithoutEngine_cancelsJobAndThrowsTimeout() {
    fake.queryRuns();
    fake.resultsRunning(Duration.ZERO);
    fake.cancelAnswers();
    TestQueryContext context = TestQueryContext.create(time, Duration.ofSeconds(1));

    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(QUERY, context));
    assertThat(fake.awaitRequests(postRequestedFor(urlPathEqualTo(FakeBigQueryServer.QUERIES)), 1, Duration.ofSeconds(10)))
        .hasSize(1);
    // Nobody cancels this context and the fake answers every poll at once, incomplete: polls pause
    // on the test's clock, time passes until the backend gives up by itself (after the grace it
    // leaves the engine's timer).
    for (int step = 0; step < 500 && !fetch.isDone(); step++) {
      time.advance(Duration.ofMillis(100));
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }

    assertThat(fetch).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
        .havingRootCause().isInstanceOf(QueryTimeoutException.class)
        .withMessageStartingWith("query for 2 players did not finish within its timeout of ");
    assertThat(context.isCancelled()).isFalse();
    assertThat(fake.awaitRequests(postRequestedFor(urlPathMatching(FakeBigQueryServer.CANCEL)), 1, Duration.ofSeconds(10)))
        .isNotEmpty();
  }

  @Test
  void close_whileAFetchWaits_stopsItAndItsCancelIsSentBeforeCloseReturns() {
    fake.queryRuns();
    fake.resultsRunning(Duration.ofSeconds(30));
    fake.cancelAnswers();
    TestQueryContext context = TestQueryContext.create(time, Duration.ofSeconds(20));
    CompletableFuture<QueryResult> fetch = CompletableFuture.supplyAsync(() -> backend.fetch(QUERY, context));
    fake.awaitRequests(getRequestedFor(urlPathMatching(FakeBigQueryServer.RESULTS)), 1, Duration.ofSeconds(10));

    backend.close();

    assertThat(fake.requests(postRequestedFor(urlPathMatching(FakeBigQueryServer.CANCEL)))).hasSize(1);
    assertThat(fetch).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(LoadCancelledException.class)
        .withMessageEndingWith("was stopped: the backend is closed");
    assertThatThrownBy(() -> backend.fetch(QUERY, TestQueryContext.create(time, Duration.ofSeconds(20))))
        .isInstanceOf(LoadCancelledException.class);
  }

}
