package dev.gamehistory.loader.testkit;

import static dev.gamehistory.loader.testkit.HglAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.FailureKind;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.LoaderException;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promises the engine keeps whatever a backend or a listener does: a listener that blocks delays no
 * other load; anything a backend throws, checked or not, is that query's {@code BACKEND} failure and
 * its worker and slot go on; a failure without a cause is never a loaded history. Nothing sleeps.
 */
class EnginePromisesTest {

  private static final Duration SAFETY = Duration.ofSeconds(10);

  private static LocalDate gameDate;
  private static List<String> players;
  private static League league;

  @BeforeAll
  static void generateLeague() {
    league = LeagueGenerator.generate(42, 1);
    gameDate = league.pickGameDate(1);
    players = List.copyOf(league.slate(gameDate));
  }

  /**
   * A load ends by its deadline while its query ignores the cancel, and its listener blocks: the
   * listener runs on a worker, never the shared timer thread, so another load still ends by its own
   * deadline meanwhile.
   */
  @Test
  void loadAsync_listenerOfALoadEndedByItsDeadlineBlocks_anotherLoadStillEndsByItsDeadline() throws Exception {
    CountDownLatch backendRelease = new CountDownLatch(1);
    CountDownLatch listenerEntered = new CountDownLatch(1);
    CountDownLatch listenerRelease = new CountDownLatch(1);
    List<String> listenerThreads = new CopyOnWriteArrayList<>();
    GamesQuery stubborn = new GamesQuery() {
      @Override
      public String name() {
        return "stubborn";
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        awaitIgnoringInterrupts(backendRelease);
        throw dev.gamehistory.loader.BackendException.permanentError("released", "released at the end of the test", null);
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(stubborn)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none())
            .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(10), Duration.ofSeconds(10))).build())
        .listener(new LoadListener() {
          @Override
          public void onLoadEnd(LoadRequest request, LoadResult result) {
            if (request.players().contains("slow")) {
              listenerThreads.add(Thread.currentThread().getName());
              listenerEntered.countDown();
              awaitIgnoringInterrupts(listenerRelease);
            }
          }
        })
        .build();
    try {
      loader.loadAsync(LoadRequest.builder(gameDate).players("slow").deadline(Duration.ofMillis(100)).build());
      assertThat(listenerEntered.await(SAFETY.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      CompletableFuture<LoadResult> other =
          loader.loadAsync(LoadRequest.builder(gameDate).players("other").deadline(Duration.ofMillis(200)).build());

      assertThat(other).succeedsWithin(SAFETY);
      assertThat(other.join()).allFailedWith(FailureKind.DEADLINE);
      assertThat(listenerThreads).singleElement().asString().startsWith("hgl-worker-");
    } finally {
      listenerRelease.countDown();
      backendRelease.countDown();
      loader.close();
    }
  }

  static Stream<Strategy> strategies() {
    return Stream.of(Strategy.batch(), Strategy.adaptive(0, 1), Strategy.perPlayer(1));
  }

  /** A backend written in a language without checked exceptions throws one the Java signature does not declare. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void loadAsync_backendThrowsAnUndeclaredCheckedException_failsAsBackendAndTheWorkerGoesOn(Strategy strategy) {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery memory = InMemoryGamesQuery.builder().league(league).timeSource(time).build();
    AtomicInteger calls = new AtomicInteger();
    GamesQuery sneaky = new GamesQuery() {
      @Override
      public String name() {
        return "sneaky";
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        if (calls.incrementAndGet() == 1) {
          throw EnginePromisesTest.<RuntimeException>sneakyThrow(new IOException("disk on fire"));
        }
        return memory.fetch(query, context);
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(sneaky).timeSource(time)
        .settings(LoaderSettings.builder().strategy(strategy).retry(RetryPolicy.none())
            .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(1), Duration.ofSeconds(3))).build())
        .build();
    try {
      CompletableFuture<LoadResult> first = loader.loadAsync(LoadRequest.builder(gameDate).players(players.get(0)).build());
      assertThat(first).succeedsWithin(SAFETY);
      CompletableFuture<LoadResult> second = loader.loadAsync(LoadRequest.builder(gameDate).players(players.get(1)).build());
      assertThat(second).succeedsWithin(SAFETY);

      assertThat(first.join()).hasFailed(players.get(0), FailureKind.BACKEND);
      assertThat(first.join().failures().get(players.get(0))).hasMessageContaining("java.io.IOException: disk on fire")
          .hasRootCauseInstanceOf(IOException.class);
      assertThat(second.join()).isComplete();
      assertThat(time.elapsed()).isZero();
    } finally {
      loader.close();
    }
  }

  @Test
  void loadAsync_backendFailsAPlayerWithANullCause_playerFailsAsBackendNeverLoaded() {
    ManualTime time = ManualTime.create();
    GamesQuery nullCause = new GamesQuery() {
      @Override
      public String name() {
        return "null-cause";
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        Map<String, LoaderException> failures = new HashMap<>();
        failures.put(query.players().get(0), null);
        return new QueryResult(Map.of(), 0, Optional.empty(), failures);
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(nullCause).timeSource(time)
        .settings(LoaderSettings.builder().strategy(Strategy.batch()).retry(RetryPolicy.none()).build()).build();
    try {
      CompletableFuture<LoadResult> future = loader.loadAsync(LoadRequest.builder(gameDate).players("a", "b").build());
      assertThat(future).succeedsWithin(SAFETY);

      assertThat(future.join().outcomes().get("a")).isInstanceOf(PlayerOutcome.Failed.class);
      assertThat(future.join()).hasFailed("a", FailureKind.BACKEND);
      assertThat(future.join().failures().get("a")).hasMessageContaining("the failure of player 'a' is null");
    } finally {
      loader.close();
    }
  }

  /** An exception whose description throws, and one whose cause chain is a cycle: neither stalls a load. */
  static Stream<Throwable> hostileThrowables() {
    java.util.concurrent.ExecutionException cyclic = new java.util.concurrent.ExecutionException("cyclic") {
      private static final long serialVersionUID = 1L;
    };
    cyclic.initCause(new java.util.concurrent.ExecutionException(cyclic));
    RuntimeException unprintable = new RuntimeException() {
      private static final long serialVersionUID = 1L;

      @Override
      public String getMessage() {
        throw new IllegalStateException("message unavailable");
      }
    };
    return Stream.of(cyclic, unprintable);
  }

  @ParameterizedTest
  @MethodSource("hostileThrowables")
  void loadAsync_backendThrowsAHostileThrowable_thatQueryFailsAsBackendAndTheOthersLoad(Throwable hostile) {
    ManualTime time = ManualTime.create();
    InMemoryGamesQuery memory = InMemoryGamesQuery.builder().league(league).timeSource(time).build();
    GamesQuery backend = new GamesQuery() {
      @Override
      public String name() {
        return "hostile";
      }

      @Override
      public QueryResult fetch(WindowQuery query, QueryContext context) {
        if (query.players().contains(players.get(0))) {
          throw EnginePromisesTest.<RuntimeException>sneakyThrow(hostile);
        }
        return memory.fetch(query, context);
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).timeSource(time)
        .settings(LoaderSettings.builder().strategy(Strategy.chunked(1, 1)).retry(RetryPolicy.none()).build()).build();
    try {
      LoadResult result = loader.load(LoadRequest.builder(gameDate).players(players.subList(0, 3)).build());

      assertThat(result).hasFailed(players.get(0), FailureKind.BACKEND);
      assertThat(result.loaded()).containsOnlyKeys(players.get(1), players.get(2));
      assertThat(time.elapsed()).isZero();
    } finally {
      loader.close();
    }
  }

  @Test
  void loadAsync_listenerThrowsAnUnprintableError_theLoadIsStillDelivered() {
    ManualTime time = ManualTime.create();
    LoadListener hostile = new LoadListener() {
      @Override
      public void onLoadEnd(LoadRequest request, LoadResult result) {
        throw new Error() {
          private static final long serialVersionUID = 1L;

          @Override
          public String toString() {
            throw new IllegalStateException("no description");
          }
        };
      }
    };
    HistoricalGamesLoader loader = HistoricalGamesLoader.builder().timeSource(time).listener(hostile)
        .backend(InMemoryGamesQuery.builder().league(league).timeSource(time).build()).build();
    try {
      LoadResult result = loader.load(LoadRequest.builder(gameDate).players(players.subList(0, 2)).build());

      assertThat(result).isComplete();
    } finally {
      loader.close();
    }
  }

  @Test
  void queryResult_failuresMapWhoseViewsDisagree_aNullFailureIsStillRejected() {
    Map<String, LoaderException> twoFaced = new java.util.AbstractMap<>() {
      @Override
      public java.util.Set<Map.Entry<String, LoaderException>> entrySet() {
        Map<String, LoaderException> real = new HashMap<>();
        real.put("a", null);
        return real.entrySet();
      }

      @Override
      public void forEach(java.util.function.BiConsumer<? super String, ? super LoaderException> action) {
        // Visits nothing.
      }
    };

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new QueryResult(Map.of(), 0, Optional.empty(), twoFaced))
        .isInstanceOf(NullPointerException.class).hasMessage("failures: the failure of player 'a' is null");
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow(Throwable error) throws E {
    throw (E) error;
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        if (latch.await(SAFETY.toMillis() * 3, TimeUnit.MILLISECONDS)) {
          break;
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
