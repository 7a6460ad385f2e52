package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.internal.engine.LoadLog;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.SubstituteLogger;

/** The listener SPI through the engine, and the per-load log line with its exact text. */
class LoadListenerTest {

  private static final LocalDate DATE = LocalDate.of(2024, 2, 28);

  /** Answers one game for "a", fails "b" permanently, nothing for the others. */
  private static final class Backend implements GamesQuery {
    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      if (query.players().contains("boom")) {
        throw BackendException.transientError("backendError", "try again", null);
      }
      return QueryResult.of(query.players().contains("a")
          ? Map.of("a", List.of(new HistoricalGame("a", DATE.minusDays(2), "BOS", OptionalInt.of(20), Optional.empty(),
              1, OptionalInt.empty())))
          : Map.of());
    }
  }

  @Test
  void listener_hearsEveryQueryThenTheLoadBeforeTheFutureCompletes() {
    List<String> heard = new CopyOnWriteArrayList<>();
    LoadListener listener = new LoadListener() {
      @Override
      public void onQueryEnd(LoadRequest request, QueryAttempt attempt) {
        heard.add("query " + attempt.players() + " " + attempt.outcome());
      }

      @Override
      public void onLoadEnd(LoadRequest request, LoadResult result) {
        heard.add("load " + result.isComplete());
      }
    };
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(new Backend()).listener(listener)
        .settings(LoaderSettings.builder().strategy(Strategy.perPlayer(1)).retry(RetryPolicy.none()).build()).build()) {
      CompletableFuture<List<String>> seen = loader.loadAsync(LoadRequest.of(DATE, List.of("a", "boom", "c")))
          .thenApply(result -> List.copyOf(heard));

      assertThat(seen.join()).containsExactly(
          "query [a] SUCCEEDED", "query [boom] FAILED", "query [c] SUCCEEDED", "load false");
    }
  }

  @Test
  void listener_hearsTheLoadsStartEachQuerysStartAndEndThenItsEndWithOneScope() {
    List<String> heard = new CopyOnWriteArrayList<>();
    List<LoadScope> scopes = new CopyOnWriteArrayList<>();
    LoadListener listener = new LoadListener() {
      @Override
      public void onLoadStart(LoadScope load) {
        scopes.add(load);
        load.put("mark", "started");
        heard.add("load start " + load.request().players());
      }

      @Override
      public void onQueryStart(LoadScope load, QueryStart query) {
        scopes.add(load);
        heard.add("query " + query.id() + " start " + query.players() + " on " + query.backend() + " try " + query.attempt());
      }

      @Override
      public void onQueryEnd(LoadScope load, QueryAttempt attempt) {
        scopes.add(load);
        heard.add("query " + attempt.id() + " end " + attempt.outcome());
      }

      @Override
      public void onLoadEnd(LoadScope load, LoadResult result) {
        scopes.add(load);
        heard.add("load end " + load.get("mark", String.class) + " " + result.isComplete());
      }
    };
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(new Backend()).listener(listener)
        .settings(LoaderSettings.builder().strategy(Strategy.perPlayer(1)).retry(RetryPolicy.none()).build()).build()) {
      CompletableFuture<List<String>> seen = loader.loadAsync(LoadRequest.of(DATE, List.of("a", "boom")))
          .thenApply(result -> List.copyOf(heard));

      assertThat(seen.join()).containsExactly("load start [a, boom]",
          "query 1 start [a] on scripted try 1", "query 1 end SUCCEEDED",
          "query 2 start [boom] on scripted try 1", "query 2 end FAILED",
          "load end started false");
      assertThat(scopes).hasSize(6).allSatisfy(scope -> assertThat(scope).isSameAs(scopes.get(0)));
    }
  }

  @Test
  void listener_throwing_isIgnoredAndTheLoadStands() {
    LoadListener broken = new LoadListener() {
      @Override
      public void onLoadEnd(LoadRequest request, LoadResult result) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(new Backend()).listener(broken)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none()).build()).build()) {
      LoadResult result = loader.load(LoadRequest.of(DATE, List.of("a", "c")));

      assertThat(result.isComplete()).isTrue();
      assertThat(result.games("a")).hasSize(1);
    }
  }

  // ---- the log line -------------------------------------------------------------------------

  private static final class Recorded {
    final ArrayBlockingQueue<SubstituteLoggingEvent> events = new ArrayBlockingQueue<>(100);
    final EventRecordingLogger logger = new EventRecordingLogger(
        new SubstituteLogger(LoadLog.LOGGER, events, false), events);

    List<String> lines() {
      List<String> lines = new ArrayList<>();
      for (SubstituteLoggingEvent event : events) {
        lines.add(event.getLevel() + " " + event.getMessage());
      }
      return lines;
    }
  }

  private static LoadReport report(List<QueryAttempt> attempts, List<ReportEvent> events) {
    return new LoadReport("adaptive(initial-chunk=all, parallelism=4)", "adaptive", "bigquery", Instant.parse("2024-02-28T10:00:00Z"),
        Duration.ofSeconds(30), Duration.ofMillis(2140), attempts, events);
  }

  private static QueryAttempt attempt(int id, List<String> players, QueryAttempt.Outcome outcome, long rows,
      Optional<LoaderException> failure, Optional<BackendStatistics> statistics) {
    return new QueryAttempt(id, "adaptive", players, 1, Duration.ofMillis(10 * id), Duration.ofMillis(2000), outcome,
        rows, outcome == QueryAttempt.Outcome.TIMED_OUT, failure, statistics);
  }

  @Test
  void onLoadEnd_everyPlayerLoaded_oneInfoLineOfKeyValues() {
    Recorded log = new Recorded();
    BackendStatistics statistics = BackendStatistics.builder().jobId("job-1").requests(1L)
        .bytesProcessed(52_428_800L).bytesBilled(52_428_800L).build();
    LoadResult result = LoadResult.of(List.of(
        new PlayerOutcome.Loaded("a", List.of(new HistoricalGame("a", DATE.minusDays(2), "BOS", OptionalInt.of(20),
            Optional.empty(), 1, OptionalInt.empty()))),
        new PlayerOutcome.Loaded("b", List.of())),
        report(List.of(attempt(1, List.of("a", "b"), QueryAttempt.Outcome.SUCCEEDED, 1, Optional.empty(),
            Optional.of(statistics))), List.of()));

    new LoadLog(log.logger).onLoadEnd(LoadRequest.of(DATE, List.of("a", "b")), result);

    assertThat(log.lines()).containsExactly("INFO load outcome=complete"
        + " strategy=\"adaptive(initial-chunk=all, parallelism=4)\" backend=bigquery players=2 loaded=2 loaded_empty=1"
        + " failed=0 queries=1 retries=0 splits=0 fallbacks=0 rows=1 bytes_processed=52428800 bytes_billed=52428800"
        + " elapsed_ms=2140 deadline_ms=30000");
  }

  @Test
  void onLoadEnd_throughACache_countsHitsSharedAndQueried() {
    Recorded log = new Recorded();
    LoadReport base = report(List.of(), List.of());
    LoadReport cached = new LoadReport(base.strategy(), base.strategyName(), base.backend(), base.startedAt(),
        base.deadline(), Duration.ofMillis(1), List.of(), List.of(), Optional.of(new LoadReport.CacheUse(2, 0, 0)));
    LoadResult result = LoadResult.of(List.of(new PlayerOutcome.Loaded("a", List.of()),
        new PlayerOutcome.Loaded("b", List.of())), cached);

    new LoadLog(log.logger).onLoadEnd(LoadRequest.of(DATE, List.of("a", "b")), result);

    assertThat(log.lines()).containsExactly("INFO load outcome=complete"
        + " strategy=\"adaptive(initial-chunk=all, parallelism=4)\" backend=bigquery players=2 loaded=2 loaded_empty=2"
        + " failed=0 queries=0 retries=0 splits=0 fallbacks=0 cache_hits=2 cache_shared=0 cache_queried=0 rows=0"
        + " elapsed_ms=1 deadline_ms=30000");
    assertThat(cached.summary()).isEqualTo(
        "adaptive(initial-chunk=all, parallelism=4): 0 queries, 0 rows, 0 retries, 0 splits, 0 fallbacks,"
            + " 2 cached, 0 shared, 1 ms");
  }

  @Test
  void onLoadEnd_somePlayersFailed_oneWarnLineCountingFailuresByKind() {
    Recorded log = new Recorded();
    QueryTimeoutException timeout = QueryTimeoutException.of(Duration.ofSeconds(2), 2);
    LoadResult result = LoadResult.of(List.of(
        new PlayerOutcome.Loaded("a", List.of()),
        new PlayerOutcome.Failed("b", timeout),
        new PlayerOutcome.Failed("c", timeout),
        new PlayerOutcome.Failed("d", DeadlineExceededException.of(Duration.ofSeconds(30)))),
        report(List.of(
            attempt(1, List.of("a"), QueryAttempt.Outcome.SUCCEEDED, 0, Optional.empty(), Optional.empty()),
            attempt(2, List.of("b", "c"), QueryAttempt.Outcome.TIMED_OUT, 0, Optional.of(timeout), Optional.empty())),
            List.of(new ReportEvent(ReportEvent.Kind.SPLIT, Duration.ofMillis(5), 4, "split"))));

    new LoadLog(log.logger).onLoadEnd(LoadRequest.of(DATE, List.of("a", "b", "c", "d")), result);

    assertThat(log.lines()).containsExactly("WARN load outcome=partial"
        + " strategy=\"adaptive(initial-chunk=all, parallelism=4)\" backend=bigquery players=4 loaded=1 loaded_empty=1"
        + " failed=3 failed_timeout=2 failed_deadline=1 queries=2 retries=0 splits=1 fallbacks=0 rows=0"
        + " elapsed_ms=2140 deadline_ms=30000 first_failure=\"" + timeout.getMessage() + "\"");
  }

  @Test
  void onQueryEnd_debug_oneLinePerAttempt() {
    Recorded log = new Recorded();
    QueryTimeoutException timeout = QueryTimeoutException.of(Duration.ofSeconds(2), 2);

    new LoadLog(log.logger).onQueryEnd(LoadRequest.of(DATE, List.of("b", "c")),
        attempt(2, List.of("b", "c"), QueryAttempt.Outcome.TIMED_OUT, 0, Optional.of(timeout),
            Optional.of(BackendStatistics.builder().jobId("job-9").requests(3L).build())));

    assertThat(log.events).singleElement().satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
    assertThat(log.lines()).containsExactly("DEBUG query id=2 stage=adaptive players=2 try=1 outcome=timed_out rows=0"
        + " started_ms=20 duration_ms=2000 cancelled=true job=job-9 requests=3 failure_kind=timeout"
        + " failure=\"" + timeout.getMessage() + "\"");
  }

  @Test
  void status_cancelledFailures_cancelled() {
    LoadResult cancelled = LoadResult.of(List.of(new PlayerOutcome.Failed("a", LoadCancelledException.of("closed"))),
        report(List.of(), List.of()));

    assertThat(cancelled.status()).isEqualTo(LoadResult.Status.CANCELLED);
  }
}
