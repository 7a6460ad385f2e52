package dev.gamehistory.loader.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promises the caching loader makes under the worst interleavings, each forced with
 * {@link ManualTime} or a hook on the clock the cache reads while it stores ({@link HookedClock}),
 * over a backend whose data has a version ({@link VersionedBackend}) or a wrapped loader that
 * misbehaves. Nothing sleeps.
 */
class CachingPromisesTest {

  private static final Duration SAFETY = Duration.ofSeconds(10);
  private static final LocalDate GAME_DATE = LocalDate.of(2024, 3, 1);
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final CachePolicy POLICY = CachePolicy.of(100_000, Duration.ofHours(1));

  private final ManualTime time = ManualTime.create();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  /** Which invalidation a test makes. */
  enum Invalidation { REQUEST, PLAYER, ALL }

  static Stream<Arguments> storeReadings() {
    return Stream.of(Invalidation.values()).flatMap(how ->
        IntStream.of(1, 2, 3, 10, 250, 499).mapToObj(reading -> Arguments.of(how, reading)));
  }

  /**
   * The data changes and the cache is invalidated at a chosen clock reading of the store that follows
   * a 500-player query: whatever the reading, the next load gets the new version of every player the
   * invalidation names, and nothing read before it was kept.
   */
  @ParameterizedTest(name = "invalidate {0} at clock reading {1} of the store")
  @MethodSource("storeReadings")
  void invalidate_whileAQueryStoresItsResults_nothingReadBeforeItIsKept(Invalidation how, int reading) {
    VersionedBackend backend = new VersionedBackend(Duration.ZERO);
    HookedClock clock = new HookedClock(time);
    List<String> slate = players(500);
    LoadRequest request = request(slate);
    String last = slate.get(slate.size() - 1);
    CachingLoader[] cache = new CachingLoader[1];
    HistoricalGamesLoader engine = engine(backend);
    // Armed when the wrapped load has answered: from then on the cache stores its histories.
    HistoricalGamesLoader armed = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        return inner.loadAsync(asked).whenComplete((result, error) -> clock.armAt(reading, () -> {
          backend.bump();
          switch (how) {
            case REQUEST -> cache[0].invalidate(request);
            case PLAYER -> cache[0].invalidate(last);
            case ALL -> cache[0].invalidateAll();
          }
        }));
      }
    };
    cache[0] = HistoricalGamesLoader.caching(armed, POLICY, clock);
    closeables.add(cache[0]);

    LoadResult first = cache[0].load(request);
    assertThat(clock.fired()).as("the hook fired during the store").isTrue();
    LoadResult next = cache[0].load(how == Invalidation.PLAYER ? request(List.of(last)) : request);

    assertThat(first.isComplete()).isTrue();
    assertThat(next.outcomes().values()).allSatisfy(outcome -> assertThat(VersionedBackend.versionOf(
        ((PlayerOutcome.Loaded) outcome).games())).as("version of %s", outcome.player()).isEqualTo(2));
    assertThat(next.report().cache().orElseThrow().hits()).isZero();
  }

  /**
   * A load that starts once an invalidation has returned never joins a query that was running
   * before it: it gets the data as it was when the invalidation returned.
   */
  @ParameterizedTest(name = "invalidate {0}")
  @EnumSource(Invalidation.class)
  void loadAsync_startedAfterInvalidateReturned_neverGetsDataReadBeforeIt(Invalidation how) throws Exception {
    VersionedBackend backend = new VersionedBackend(Duration.ofSeconds(1));
    CachingLoader loader = HistoricalGamesLoader.caching(engine(backend), POLICY, time);
    closeables.add(loader);
    List<String> two = players(2);

    CompletableFuture<LoadResult> before = loader.loadAsync(request(two));
    backend.awaitQueries(1, SAFETY);
    backend.bump();
    switch (how) {
      case REQUEST -> loader.invalidate(request(two));
      case PLAYER -> two.forEach(loader::invalidate);
      case ALL -> loader.invalidateAll();
    }
    CompletableFuture<LoadResult> after = loader.loadAsync(request(two));
    time.advance(Duration.ofSeconds(1));

    assertThat(after).succeedsWithin(SAFETY);
    assertThat(after.join().outcomes().values()).allSatisfy(outcome ->
        assertThat(VersionedBackend.versionOf(((PlayerOutcome.Loaded) outcome).games())).isEqualTo(2));
    assertThat(before.join().isComplete()).isTrue();
    assertThat(backend.queries()).isEqualTo(2);
  }

  @Test
  void loadAsync_wrappedLoaderNeverAnswers_returnsByItsDeadlineAndTheNextLoadQueriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    HistoricalGamesLoader engine = engine(new VersionedBackend(Duration.ZERO));
    HistoricalGamesLoader silentOnce = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        return calls.incrementAndGet() == 1 ? new CompletableFuture<>() : inner.loadAsync(asked);
      }
    };
    CachingLoader loader = HistoricalGamesLoader.caching(silentOnce, POLICY, time);
    closeables.add(loader);
    List<String> two = players(2);

    CompletableFuture<LoadResult> first = loader.loadAsync(request(two, Duration.ofMillis(300)));
    time.advance(Duration.ofMillis(300 + HistoricalGamesLoader.DEADLINE_GRACE_MILLIS));

    assertThat(first).isDone();
    assertThat(first.join().outcomes().values())
        .allSatisfy(outcome -> assertThat(((PlayerOutcome.Failed) outcome).kind()).isEqualTo(FailureKind.DEADLINE));
    LoadResult next = loader.load(request(two));
    assertThat(next.isComplete()).isTrue();
    assertThat(calls).hasValue(2);
  }

  @Test
  void loadAsync_wrappedLoaderAnswersLate_returnsByItsDeadlineAndTheNextLoadQueriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    HistoricalGamesLoader engine = engine(new VersionedBackend(Duration.ZERO));
    HistoricalGamesLoader lateOnce = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        if (calls.incrementAndGet() > 1) {
          return inner.loadAsync(asked);
        }
        CompletableFuture<LoadResult> late = new CompletableFuture<>();
        time.scheduler().schedule(() -> inner.loadAsync(asked).whenComplete((r, e) -> late.complete(r)),
            1500, TimeUnit.MILLISECONDS);
        return late;
      }
    };
    CachingLoader loader = HistoricalGamesLoader.caching(lateOnce, POLICY, time);
    closeables.add(loader);
    List<String> two = players(2);

    CompletableFuture<LoadResult> first = loader.loadAsync(request(two, Duration.ofMillis(300)));
    time.advance(Duration.ofMillis(300 + HistoricalGamesLoader.DEADLINE_GRACE_MILLIS));

    assertThat(first).isDone();
    assertThat(first.join().failures()).hasSize(2);
    time.advance(Duration.ofSeconds(2));
    LoadResult next = loader.load(request(two));
    assertThat(next.isComplete()).isTrue();
    assertThat(calls).hasValue(2);
  }

  @Test
  void loadAsync_wrappedLoaderThrowsAnError_playersFailAsBackendAndTheNextLoadQueriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    HistoricalGamesLoader engine = engine(new VersionedBackend(Duration.ZERO));
    HistoricalGamesLoader throwsOnce = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        if (calls.incrementAndGet() == 1) {
          throw new Error("the wrapped loader broke");
        }
        return inner.loadAsync(asked);
      }
    };
    CachingLoader loader = HistoricalGamesLoader.caching(throwsOnce, POLICY, time);
    closeables.add(loader);
    List<String> two = players(2);

    LoadResult first = loader.load(request(two));
    LoadResult next = loader.load(request(two));

    assertThat(first.failures().values()).hasSize(2).allSatisfy(failure -> {
      assertThat(failure.kind()).isEqualTo(FailureKind.BACKEND);
      assertThat(failure).hasMessageContaining("the wrapped loader broke");
    });
    assertThat(next.isComplete()).isTrue();
    assertThat(calls).hasValue(2);
  }

  @Test
  void playerHistoryClient_loaderNeverAnswers_callCompletesByTheLoadersDeadline() {
    HistoricalGamesLoader engine = engine(new VersionedBackend(Duration.ZERO), Duration.ofMillis(300));
    HistoricalGamesLoader silent = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        return new CompletableFuture<>();
      }
    };
    PlayerHistoryClient client = PlayerHistoryClient.of(silent, new BatchingPolicy(Duration.ofMillis(5), 100), time);
    closeables.add(client);
    closeables.add(engine);

    CompletableFuture<PlayerOutcome> call = client.loadAsync("p0001", GAME_DATE);
    time.advance(Duration.ofMillis(300 + HistoricalGamesLoader.DEADLINE_GRACE_MILLIS));

    assertThat(call).isDone();
    assertThat(((PlayerOutcome.Failed) call.join()).kind()).isEqualTo(FailureKind.DEADLINE);
  }

  /**
   * The shared query's retry is skipped because its backoff would end past the deadline of the load
   * that started it: a waiting load with ten seconds left queries again with its own time and loads.
   */
  @Test
  void loadAsync_retryCutByTheOwnersDeadline_aWaiterWithTimeLeftQueriesAgainAndLoads() {
    AtomicInteger calls = new AtomicInteger();
    dev.gamehistory.loader.spi.GamesQuery busyOnce = new dev.gamehistory.loader.spi.GamesQuery() {
      private final VersionedBackend data = new VersionedBackend(Duration.ZERO);

      @Override
      public String name() {
        return "busy-once";
      }

      @Override
      public dev.gamehistory.loader.spi.QueryResult fetch(dev.gamehistory.loader.spi.WindowQuery query,
          dev.gamehistory.loader.spi.QueryContext context) {
        if (calls.incrementAndGet() == 1) {
          try {
            context.awaitCancellation(Duration.ofMillis(100)); // still running when the waiter comes
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw dev.gamehistory.loader.BackendException.transientError("rateLimitExceeded", "busy", null);
        }
        return data.fetch(query, context);
      }
    };
    HistoricalGamesLoader engine = HistoricalGamesLoader.builder().backend(busyOnce).timeSource(time)
        .settings(LoaderSettings.builder().strategy(Strategy.batch())
            .retry(RetryPolicy.of(3, Duration.ofSeconds(1))).timeouts(TimeoutPolicy.fixed(DEADLINE, DEADLINE)).build())
        .build();
    closeables.add(engine);
    CachingLoader loader = HistoricalGamesLoader.caching(engine, POLICY, time);
    closeables.add(loader);

    CompletableFuture<LoadResult> owner = loader.loadAsync(request(List.of("a"), Duration.ofMillis(400)));
    CompletableFuture<LoadResult> waiter = loader.loadAsync(request(List.of("a"), Duration.ofSeconds(10)));
    time.runUntilDone(CompletableFuture.allOf(owner, waiter));

    assertThat(owner.join().failures()).containsOnlyKeys("a");
    assertThat(waiter.join().isComplete()).as("the waiter with ten seconds left").isTrue();
    assertThat(waiter.join().report().cache().orElseThrow().queried()).isEqualTo(1);
    assertThat(calls).hasValue(2);
  }

  @Test
  void playerHistoryClient_loaderWhoseLoadAsyncNeverReturns_callEndsByTheDeadlineAndCloseReturns() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    HistoricalGamesLoader engine = engine(new VersionedBackend(Duration.ZERO), Duration.ofMillis(300));
    HistoricalGamesLoader stuck = new Decorated(engine) {
      @Override
      public CompletableFuture<LoadResult> loadAsync(LoadRequest asked) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new CompletableFuture<>();
      }
    };
    PlayerHistoryClient client = PlayerHistoryClient.of(stuck, new BatchingPolicy(Duration.ofMillis(1), 100));
    try {
      CompletableFuture<PlayerOutcome> call = client.loadAsync("p0001", GAME_DATE);

      assertThat(call).succeedsWithin(SAFETY);
      assertThat(((PlayerOutcome.Failed) call.join()).kind()).isEqualTo(FailureKind.DEADLINE);
      client.close();
    } finally {
      release.countDown();
      client.close();
    }
  }

  /** Two overlapping loads started by the test one after the other run the same way every time on manual time. */
  @Test
  void loadAsync_twoOverlappingLoadsOnManualTime_sameOutcomesOnEveryRun() {
    List<String> seen = new ArrayList<>();
    for (int run = 0; run < 50; run++) {
      ManualTime clock = ManualTime.create();
      VersionedBackend backend = new VersionedBackend(Duration.ofMillis(100));
      HistoricalGamesLoader engine = HistoricalGamesLoader.builder().backend(backend).timeSource(clock)
          .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none()).build()).build();
      try (CachingLoader loader = HistoricalGamesLoader.caching(engine, POLICY, clock)) {
        CompletableFuture<LoadResult> first = loader.loadAsync(request(players(3), Duration.ofMillis(50)));
        CompletableFuture<LoadResult> second = loader.loadAsync(request(players(3)));
        clock.runUntilDone(CompletableFuture.allOf(first, second));
        seen.add(first.join().failures().keySet() + " " + second.join().report().cache().orElseThrow() + " "
            + backend.queries() + " queries at " + clock.elapsed());
      }
    }
    assertThat(seen).containsOnly(seen.get(0));
  }

  @Test
  void caching_ofALoaderOnManualTime_takesItsClockAndLoadDrivesIt() {
    VersionedBackend backend = new VersionedBackend(Duration.ofSeconds(3));
    CachingLoader loader = HistoricalGamesLoader.caching(engine(backend), POLICY);
    closeables.add(loader);

    LoadResult result = loader.load(request(players(2)));

    assertThat(result.isComplete()).isTrue();
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(3));
    assertThat(loader.timeSource()).contains(time);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private HistoricalGamesLoader engine(VersionedBackend backend) {
    return engine(backend, DEADLINE);
  }

  private HistoricalGamesLoader engine(VersionedBackend backend, Duration deadline) {
    HistoricalGamesLoader engine = HistoricalGamesLoader.builder().backend(backend).timeSource(time)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none())
            .timeouts(TimeoutPolicy.fixed(deadline, deadline)).build())
        .build();
    closeables.add(engine);
    return engine;
  }

  private static List<String> players(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("p%04d", i)).toList();
  }

  private static LoadRequest request(List<String> players) {
    return LoadRequest.builder(GAME_DATE).players(players).build();
  }

  private static LoadRequest request(List<String> players, Duration deadline) {
    return LoadRequest.builder(GAME_DATE).players(players).deadline(deadline).build();
  }
}
