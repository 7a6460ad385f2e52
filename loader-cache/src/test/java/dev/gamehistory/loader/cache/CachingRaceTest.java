package dev.gamehistory.loader.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGame;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.inmemory.Fault;
import dev.gamehistory.loader.inmemory.FaultPlan;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.inmemory.League;
import dev.gamehistory.loader.inmemory.LeagueGenerator;
import dev.gamehistory.loader.inmemory.QuerySelector;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.QueryContext;
import dev.gamehistory.loader.spi.QueryResult;
import dev.gamehistory.loader.spi.WindowQuery;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many overlapping loads through one caching loader in real time, over a backend with random
 * latency, transient and permanent errors, with short deadlines and cancellations: every result has
 * one outcome per requested player in request order, every loaded history is the true one, and once
 * the faults stop every player loads its true history, so no failure was ever kept in the cache.
 * Seeded; the seed is in the failure message.
 */
class CachingRaceTest {

  private static final League LEAGUE = LeagueGenerator.generate(7, 1);
  private static final LocalDate DATE = LEAGUE.pickGameDate(3);

  @Test
  void loadAsync_overlappingLoadsWithFaultsDeadlinesAndCancels_keepTheContractAndCacheNoFailure() throws Exception {
    long seed = Long.getLong("hgl.property.seed", 20261201L);
    List<String> pool = LEAGUE.players().subList(0, 40);
    Map<String, List<HistoricalGame>> truth = truth(pool);
    InMemoryGamesQuery faulty = InMemoryGamesQuery.builder().league(LEAGUE).faults(FaultPlan.builder().seed(seed)
        .always(Fault.latency(Duration.ZERO, Duration.ofMillis(15)))
        .on(QuerySelector.share(0.15), Fault.transientError("backendError"))
        .on(QuerySelector.containingPlayer(pool.get(0)), Fault.permanentError("invalidQuery"))
        .build()).build();
    Switch backend = new Switch(faulty, InMemoryGamesQuery.builder().league(LEAGUE).build());
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.adaptive())
        .timeouts(TimeoutPolicy.fixed(Duration.ofMillis(100), Duration.ofSeconds(2)))
        .retry(RetryPolicy.of(2, Duration.ZERO))
        .cache(CachePolicy.of(1000, Duration.ofMinutes(10)))
        .build();
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().settings(settings).backend(backend).build()) {
      List<Future<?>> workers = new ArrayList<>();
      AtomicInteger shared = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      for (int t = 0; t < 16; t++) {
        Random random = new Random(seed * 31 + t);
        workers.add(threads.submit(() -> {
          for (int i = 0; i < 25; i++) {
            List<String> players = new ArrayList<>(pool);
            Collections.shuffle(players, random);
            LoadRequest.Builder request = LoadRequest.builder(DATE).players(players.subList(0, 1 + random.nextInt(12)));
            if (random.nextInt(3) == 0) {
              request.deadline(Duration.ofMillis(1 + random.nextInt(60)));
            }
            LoadRequest built = request.build();
            long started = System.nanoTime();
            CompletableFuture<LoadResult> future = loader.loadAsync(built);
            if (random.nextInt(8) == 0) {
              future.cancel(true);
              continue;
            }
            LoadResult result = future.get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // The deadline plus its grace, and a second for a busy machine: catches a load that
            // waits for someone else's query past its own deadline, not a slow one.
            Duration limit = built.deadline().orElse(settings.timeouts().deadline())
                .plusMillis(HistoricalGamesLoader.DEADLINE_GRACE_MILLIS + 1000);
            assertThat(took).as("seed %d: %s returned by its deadline", seed, built).isLessThanOrEqualTo(limit);
            check(seed, built, result, truth);
            shared.addAndGet(result.report().cache().orElseThrow().shared());
            failed.addAndGet(result.failures().size());
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(120, TimeUnit.SECONDS);
      }

      assertThat(shared.get()).as("seed %d: players answered by another load's query", seed).isPositive();
      assertThat(failed.get()).as("seed %d: players that failed", seed).isPositive();
      backend.faultsOff();
      LoadResult after = loader.load(LoadRequest.of(DATE, pool));
      assertThat(after.isComplete()).as("seed %d: every player loads once the faults stop", seed).isTrue();
      assertThat(after.loaded()).as("seed %d: true histories, none a cached failure", seed).isEqualTo(truth);
      assertThat(after.report().cache().orElseThrow().hits()).as("seed %d", seed).isPositive();
    } finally {
      threads.shutdownNow();
    }
  }

  private static void check(long seed, LoadRequest request, LoadResult result, Map<String, List<HistoricalGame>> truth) {
    assertThat(result.outcomes().keySet()).as("seed %d: one outcome per player, in request order", seed)
        .containsExactlyElementsOf(request.players());
    for (PlayerOutcome outcome : result.outcomes().values()) {
      if (outcome instanceof PlayerOutcome.Loaded loaded) {
        assertThat(loaded.games()).as("seed %d: history of %s", seed, loaded.player())
            .isEqualTo(truth.get(loaded.player()));
      }
    }
    var use = result.report().cache().orElseThrow();
    assertThat(use.hits() + use.shared() + use.queried()).as("seed %d: cache counts", seed)
        .isEqualTo(request.players().size());
  }

  private static Map<String, List<HistoricalGame>> truth(List<String> players) {
    try (HistoricalGamesLoader plain = HistoricalGamesLoader.builder()
        .backend(InMemoryGamesQuery.builder().league(LEAGUE).build()).build()) {
      return plain.load(LoadRequest.of(DATE, players)).orThrow().loaded();
    }
  }

  /** The faulty backend until {@link #faultsOff()}, then a clean one over the same league. */
  private static final class Switch implements GamesQuery {
    private final GamesQuery faulty;
    private final GamesQuery clean;
    private volatile boolean faults = true;

    Switch(GamesQuery faulty, GamesQuery clean) {
      this.faulty = faulty;
      this.clean = clean;
    }

    void faultsOff() {
      faults = false;
    }

    @Override
    public String name() {
      return "in-memory";
    }

    @Override
    public QueryResult fetch(WindowQuery query, QueryContext context) {
      return (faults ? faulty : clean).fetch(query, context);
    }

    @Override
    public void close() {
      faulty.close();
      clean.close();
    }
  }
}
