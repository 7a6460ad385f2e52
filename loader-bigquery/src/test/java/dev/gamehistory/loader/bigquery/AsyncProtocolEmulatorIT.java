package dev.gamehistory.loader.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.QueryAttempt;
import dev.gamehistory.loader.inmemory.GameRow;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol on a real engine under BigQuery's asynchronous {@code jobs.query}, modelled by
 * {@code scripts/latency-proxy.py --async-jobs} in front of the emulator: the requests of a 0.7 s
 * and a 3 s query, a paged result read through the long-poll, a timed-out query whose job is
 * cancelled (later reads answer the cancellation), and a stop inside the first wait, whose job
 * ends at its {@code jobTimeoutMs}. Each test starts its own proxy.
 */
@ExtendWith(BigQueryEmulator.Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncProtocolEmulatorIT {

  private static final LocalDate DATE = LocalDate.of(2024, 3, 1);
  private static final List<String> PLAYERS = List.of("ann", "bob", "cy", "nobody");
  private static final String QUERY = "POST /bigquery/v2/projects/test/queries";
  private static final String RESULTS = "GET /bigquery/v2/projects/test/queries/{job}";
  private static final String CANCEL = "POST /bigquery/v2/projects/test/jobs/{job}/cancel";

  private BigQueryEmulator emulator;
  private String table;
  private List<GameRow> rows;

  @BeforeAll
  void seed(BigQueryEmulator emulator) {
    this.emulator = emulator;
    rows = new ArrayList<>();
    for (String player : List.of("ann", "bob", "cy")) {
      for (int game = 0; game < 12; game++) {
        rows.add(GameRow.of(player, DATE.minusDays(3 + 4L * game).toString(), "T" + (game % 5), 10 + game, "30." + game % 10));
      }
    }
    table = EmulatorTables.newTable("async", "games");
    EmulatorTables.seed(emulator, table, rows);
  }

  private LoaderSettings settings(LatencyProxy proxy, Duration queryTimeout, Duration deadline) {
    Map<String, String> properties = new HashMap<>(emulator.backendProperties(table));
    properties.put("bigquery.host", proxy.url());
    return LoaderSettings.builder()
        .strategy(Strategy.batch())
        .timeouts(TimeoutPolicy.fixed(queryTimeout, deadline))
        .retry(RetryPolicy.none())
        .backendProperties(properties)
        .build();
  }

  private static LoadResult load(LoaderSettings settings, BigQueryGamesQuery backend) {
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  private LoadResult expected() {
    try (HistoricalGamesLoader memory = HistoricalGamesLoader.builder().backend(InMemoryGamesQuery.of(rows))
        .settings(LoaderSettings.defaults()).build()) {
      return memory.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  @Test
  void load_queryOf700ms_oneRequest() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--min-job-ms", "700")) {
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(20), Duration.ofSeconds(30));

      LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).build());

      assertThat(result.isComplete()).as("%s", result.failures()).isTrue();
      assertThat(result.loaded()).isEqualTo(expected().loaded());
      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1));
      System.out.printf("0.7 s query through the asynchronous proxy: %s in %d ms%n", proxy.requestsByKind(),
          result.report().elapsed().toMillis());
    }
  }

  @Test
  void load_queryOf3s_firstAnswerWithTheJobIdThenOneLongPoll() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--min-job-ms", "3000")) {
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(20), Duration.ofSeconds(30));

      LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).build());

      assertThat(result.isComplete()).as("%s", result.failures()).isTrue();
      assertThat(result.loaded()).isEqualTo(expected().loaded());
      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1, RESULTS, 1));
      assertThat(proxy.jobs()).singleElement().satisfies(job -> assertThat(job.outcome()).isEqualTo("succeeded"));
      System.out.printf("3 s query through the asynchronous proxy: %s in %d ms%n", proxy.requestsByKind(),
          result.report().elapsed().toMillis());
    }
  }

  @Test
  void load_resultPastThePageSize_longPollThenEveryPage() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--max-hold-ms", "0")) {
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(60), Duration.ofSeconds(120));

      LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).pageSize(7).build());

      assertThat(result.isComplete()).as("%s", result.failures()).isTrue();
      assertThat(result.loaded()).isEqualTo(expected().loaded());
      // 36 rows, 7 a page: the long-poll brings the first page, five page reads the others.
      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1, RESULTS, 6));
      assertThat(result.report().attempts().get(0).statistics()).hasValueSatisfying(s -> {
        assertThat(s.requests()).hasValue(7);
        assertThat(s.jobId()).hasValueSatisfying(id -> assertThat(id).startsWith("proxy_"));
      });
    }
  }

  @Test
  void load_timeoutAfterTheFirstAnswer_cancelsTheJobAtOnce() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--min-job-ms", "60000")) {
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(1), Duration.ofSeconds(10));

      LoadResult result = load(settings, BigQueryGamesQuery.builder().fromSettings(settings).build());

      assertThat(result.failures().values()).hasSize(PLAYERS.size())
          .allSatisfy(f -> assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT));
      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1, RESULTS, 1, CANCEL, 1));
      LatencyProxy.ProxyJob job = proxy.jobs().get(0);
      // The job's jobTimeoutMs is the same 1 s budget: which of the two stops it first is a race.
      assertThat(job.outcome()).isIn("cancelled", "timed_out");
      // The first answer (a quarter of the 1 s budget) brought the job id; the stop at 1 s disconnects the
      // long-poll and sends the cancel. On a quiet machine within a few ms; the bound is for a busy one.
      QueryAttempt attempt = result.report().attempts().get(0);
      long decided = result.report().startedAt().plus(attempt.startedAt()).plus(attempt.duration()).toEpochMilli();
      long latency = job.cancelRequestedMillis() - decided;
      System.out.printf("cancel reached the proxy %d ms after a 1 s timeout%n", latency);
      assertThat(latency).isBetween(0L, 1000L);
    }
  }

  @Test
  void loadAsync_cancelledAfterTheFirstAnswer_cancelsTheJobAndLaterReadsAnswerTheCancellation() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--min-job-ms", "60000")) {
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(20), Duration.ofSeconds(30));
      try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
          .backend(BigQueryGamesQuery.builder().fromSettings(settings).build()).settings(settings).build()) {
        CompletableFuture<LoadResult> load = loader.loadAsync(LoadRequest.of(DATE, PLAYERS));
        while (!proxy.requestsByKind().containsKey(RESULTS)) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }

        load.cancel(true);
      }

      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1, RESULTS, 1, CANCEL, 1));
      LatencyProxy.ProxyJob job = proxy.jobs().get(0);
      assertThat(job.outcome()).isEqualTo("cancelled");
      HttpResponse<String> read = proxy.call("/bigquery/v2/projects/test/queries/" + job.id() + "?timeoutMs=10");
      assertThat(read.statusCode()).isEqualTo(400);
      assertThat(read.body()).contains("\"reason\": \"stopped\"")
          .contains("Job execution was cancelled: User requested cancellation");
    }
  }

  @Test
  void loadAsync_cancelledInsideTheFirstWait_hasNoJobIdAndTheJobEndsAtItsJobTimeout() throws Exception {
    try (LatencyProxy proxy = LatencyProxy.start(emulator.url(), "--async-jobs", "--min-job-ms", "60000")) {
      // A first wait of 2 s (a quarter of the 8 s budget): the cancel comes well inside it.
      Map<String, String> properties = new HashMap<>(settings(proxy, Duration.ofSeconds(8), Duration.ofSeconds(10))
          .backendProperties());
      properties.put("bigquery.first-wait", "2s");
      LoaderSettings settings = settings(proxy, Duration.ofSeconds(8), Duration.ofSeconds(10)).toBuilder()
          .backendProperties(properties).build();
      try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder()
          .backend(BigQueryGamesQuery.builder().fromSettings(settings).build()).settings(settings).build()) {
        CompletableFuture<LoadResult> load = loader.loadAsync(LoadRequest.of(DATE, PLAYERS));
        while (proxy.jobs().isEmpty()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }

        load.cancel(true);
      }

      // The stop came before the first answer: no job id, no cancel. The job's jobTimeoutMs (the
      // query's 8 s budget) ends it.
      assertThat(proxy.requestsByKind()).isEqualTo(Map.of(QUERY, 1));
      LatencyProxy.ProxyJob job = proxy.jobs().get(0);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ("running".equals(job.outcome()) && System.nanoTime() < end) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        job = proxy.jobs().get(0);
      }
      assertThat(job.outcome()).isEqualTo("timed_out");
      assertThat(job.cancelRequestedMillis()).isNull();
      assertThat(job.doneMillis() - job.createdMillis()).isBetween(7500L, 8500L);
    }
  }
}
