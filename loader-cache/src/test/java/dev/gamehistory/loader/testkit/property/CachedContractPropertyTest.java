package dev.gamehistory.loader.testkit.property;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadReport;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.PlayerOutcome;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.testkit.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The manual-time contract property of {@link LoaderContractPropertyTest} through a caching loader
 * (loader-cache): the same generated scenarios, the same independent model and fault analysis,
 * through three routes:
 *
 * <ul>
 *   <li>cold then warm: one load, then the same request again, whose every player the first load
 *       loaded must be a cache hit equal to what the cold load returned (and to the model);
 *   <li>overlapping: two loads of the same request started at the same instant, the second waiting
 *       for the first one's query (querying itself only players the first could not load); both
 *       meet the contract;
 *   <li>a {@link PlayerHistoryClient} over the caching loader, one call per requested player.
 * </ul>
 *
 * Every tenth sample of the first and third routes runs twice and must run the same way (the second
 * races the test's thread against the loader's work). Replay as the testkit's property documents,
 * with {@code -pl loader-cache -Dtest=CachedContractPropertyTest}.
 */
class CachedContractPropertyTest {

  private static final int TRIES = 300;
  private static final CachePolicy POLICY = CachePolicy.of(100_000, Duration.ofDays(1));

  private final LoaderContractPropertyTest.Tally tally = new LoaderContractPropertyTest.Tally();

  @Test
  void caching_coldThenWarm_meetsTheContractAndAHitEqualsTheColdLoad() {
    LoaderContractPropertyTest.run("caching_coldThenWarm_meetsTheContractAndAHitEqualsTheColdLoad", TRIES, COLD_WARM,
        tally);
  }

  @Test
  void caching_twoOverlappingLoads_bothMeetTheContract() {
    LoaderContractPropertyTest.run("caching_twoOverlappingLoads_bothMeetTheContract", TRIES, OVERLAPPING, tally);
  }

  @Test
  void caching_throughAPlayerHistoryClient_meetsTheContract() {
    LoaderContractPropertyTest.run("caching_throughAPlayerHistoryClient_meetsTheContract", TRIES, CLIENT, tally);
  }

  private static final Route COLD_WARM = new Route() {
    @Override
    public String name() {
      return "cache cold, warm";
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      try (CachingLoader cache = HistoricalGamesLoader.caching(engine, POLICY, time)) {
        LoadResult cold = time.runUntilDone(cache.loadAsync(scenario.request())).join();
        LoadResult warm = time.runUntilDone(cache.loadAsync(scenario.request())).join();
        int loaded = 0;
        for (PlayerOutcome outcome : cold.outcomes().values()) {
          if (outcome instanceof PlayerOutcome.Loaded coldLoaded) {
            loaded++;
            PlayerOutcome again = warm.outcomes().get(outcome.player());
            if (!(again instanceof PlayerOutcome.Loaded warmLoaded) || !warmLoaded.games().equals(coldLoaded.games())) {
              throw new AssertionError("'" + outcome.player() + "' loaded cold but the warm load gave " + again);
            }
          }
        }
        LoadReport.CacheUse use = warm.report().cache().orElseThrow();
        if (use.hits() != loaded) {
          throw new AssertionError(loaded + " players loaded cold but the warm load had " + use);
        }
        return List.of(cold, warm);
      }
    }
  };

  private static final Route OVERLAPPING = new Route() {
    @Override
    public String name() {
      return "cache overlapping";
    }

    @Override
    public boolean deterministic() {
      return false;
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      try (CachingLoader cache = HistoricalGamesLoader.caching(engine, POLICY, time)) {
        CompletableFuture<LoadResult> first = cache.loadAsync(scenario.request());
        CompletableFuture<LoadResult> second = cache.loadAsync(scenario.request());
        time.runUntilDone(CompletableFuture.allOf(first, second));
        // The first load's work may have ended some players before the second started (no time passes
        // for a permanent error): those failures are not kept, so the second queries them again.
        long failedFirst = first.join().failures().size();
        LoadReport.CacheUse use = second.join().report().cache().orElseThrow();
        if (use.queried() > failedFirst) {
          throw new AssertionError("the second of two overlapping loads queried " + use.queried()
              + " players itself, but only " + failedFirst + " failed in the first: " + use);
        }
        return List.of(first.join(), second.join());
      }
    }
  };

  private static final Route CLIENT = new Route() {
    @Override
    public String name() {
      return "client over cache";
    }

    @Override
    public Scenario adapt(Scenario scenario) {
      return Route.forClient(scenario);
    }

    @Override
    public List<LoadResult> run(HistoricalGamesLoader engine, Scenario scenario, ManualTime time) {
      try (CachingLoader cache = HistoricalGamesLoader.caching(engine, POLICY, time);
          PlayerHistoryClient client = PlayerHistoryClient.of(cache, new BatchingPolicy(Route.WINDOW, 10_000), time)) {
        return List.of(Route.throughClient(client, scenario, time));
      }
    }
  };
}
