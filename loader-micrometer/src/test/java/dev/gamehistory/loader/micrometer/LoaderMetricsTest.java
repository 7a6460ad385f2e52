package dev.gamehistory.loader.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
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
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Exact meter values after loads with injected faults, on a {@link SimpleMeterRegistry}. */
class LoaderMetricsTest {

  private static final League LEAGUE = LeagueGenerator.generate(42, 1);
  private static final LocalDate DATE = LEAGUE.pickGameDate(1);
  private static final List<String> PLAYERS = List.copyOf(LEAGUE.slate(DATE)).subList(0, 6);

  private static LoadResult load(SimpleMeterRegistry registry, FaultPlan faults, Strategy strategy) {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build();
    LoaderSettings settings = LoaderSettings.builder().strategy(strategy)
        .retry(RetryPolicy.of(2, Duration.ZERO)).build();
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings)
        .listener(LoaderMetrics.of(registry)).build()) {
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  @Test
  void onLoadEnd_loadWithAPermanentAndARetriedError_exactValues() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FaultPlan faults = FaultPlan.builder()
        .on(QuerySelector.containingPlayer(PLAYERS.get(0)), Fault.permanentError("invalidQuery"))
        .on(QuerySelector.nth(2), Fault.transientError("backendError"))
        .build();

    LoadResult result = load(registry, faults, Strategy.perPlayer(1));

    // 6 players, one query each: player 0 fails for good, the second query fails once and is retried.
    assertThat(result.failures()).containsOnlyKeys(PLAYERS.get(0));
    assertThat(registry.get(LoaderMetrics.LOAD).tags("strategy", "per-player", "outcome", "partial").timer().count())
        .isEqualTo(1);
    assertThat(registry.get(LoaderMetrics.LOAD).timer().totalTime(TimeUnit.NANOSECONDS))
        .isEqualTo(result.report().elapsed().toNanos());
    assertThat(registry.get(LoaderMetrics.QUERY).tags("backend", "in-memory", "outcome", "succeeded").timer().count())
        .isEqualTo(5);
    assertThat(registry.get(LoaderMetrics.QUERY).tags("outcome", "failed").timer().count()).isEqualTo(2);
    assertThat(registry.get(LoaderMetrics.PLAYERS).tags("status", "loaded", "kind", "none").counter().count())
        .isEqualTo(5);
    assertThat(registry.get(LoaderMetrics.PLAYERS).tags("status", "failed", "kind", "backend").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(LoaderMetrics.RETRIES).tags("strategy", "per-player").counter().count()).isEqualTo(1);
    assertThat(registry.get(LoaderMetrics.SPLITS).counter().count()).isZero();
    assertThat(registry.get(LoaderMetrics.FALLBACKS).counter().count()).isZero();
    assertThat(registry.get(LoaderMetrics.QUERY_ROWS).summary().count()).isEqualTo(5);
    assertThat(registry.get(LoaderMetrics.QUERY_ROWS).summary().totalAmount()).isEqualTo(result.report().rows());
    assertThat(registry.find(LoaderMetrics.QUERY_BYTES_BILLED).summary()).isNull();
  }

  @Test
  void onLoadEnd_loadsThroughACache_countPlayersBySourceAndQueriesOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(LEAGUE).build();
    LoaderSettings settings = LoaderSettings.builder().strategy(Strategy.batch())
        .cache(CachePolicy.of(100, Duration.ofMinutes(1))).build();
    try (HistoricalGamesLoader loader = HistoricalGamesLoader.builder().backend(backend).settings(settings)
        .listener(LoaderMetrics.of(registry)).build()) {
      loader.load(LoadRequest.of(DATE, PLAYERS.subList(0, 4)));
      loader.load(LoadRequest.of(DATE, PLAYERS));
    }

    assertThat(registry.get(LoaderMetrics.CACHE_PLAYERS).tags("source", "hit").counter().count()).isEqualTo(4);
    assertThat(registry.get(LoaderMetrics.CACHE_PLAYERS).tags("source", "queried").counter().count()).isEqualTo(6);
    assertThat(registry.get(LoaderMetrics.CACHE_PLAYERS).tags("source", "shared").counter().count()).isZero();
    assertThat(registry.get(LoaderMetrics.LOAD).timer().count()).isEqualTo(2);
    assertThat(registry.get(LoaderMetrics.QUERY).timer().count()).isEqualTo(2);
    assertThat(registry.get(LoaderMetrics.PLAYERS).tags("status", "loaded").counter().count()).isEqualTo(10);
  }

  @Test
  void onLoadEnd_adaptiveSplitAfterTimeoutThenFallback_countsSplitsAndFallbacks() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FaultPlan faults = FaultPlan.builder()
        .on(QuerySelector.nth(1), Fault.transientError("rateLimitExceeded"))
        .on(QuerySelector.containingPlayer(PLAYERS.get(5)), Fault.permanentError("invalidQuery"))
        .build();

    LoadResult result = load(registry, faults, Strategy.fallback(Strategy.adaptive(), Strategy.batch()));

    // The first query is split in halves; the half holding player 5 fails for good, falls back to a
    // batch of its 3 players, and fails there too.
    assertThat(result.failures()).containsOnlyKeys(PLAYERS.subList(3, 6));
    assertThat(registry.get(LoaderMetrics.LOAD).tags("strategy", "fallback", "outcome", "partial").timer().count())
        .isEqualTo(1);
    assertThat(registry.get(LoaderMetrics.SPLITS).tags("strategy", "fallback").counter().count())
        .isEqualTo(result.report().count(dev.gamehistory.loader.ReportEvent.Kind.SPLIT)).isPositive();
    assertThat(registry.get(LoaderMetrics.FALLBACKS).counter().count()).isEqualTo(1);
    assertThat(registry.get(LoaderMetrics.QUERY).timers().stream().mapToLong(t -> t.count()).sum())
        .isEqualTo(result.report().queryCount());
  }

  @Test
  void meters_tagValues_areBoundedNeverPlayersOrIds() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    load(registry, FaultPlan.always(Fault.permanentError("invalidQuery")), Strategy.perPlayer(3));
    load(registry, FaultPlan.none(), Strategy.batch());

    for (Meter meter : registry.getMeters()) {
      meter.getId().getTags().forEach(tag -> {
        assertThat(tag.getKey()).isIn("strategy", "outcome", "backend", "status", "kind");
        assertThat(tag.getValue()).isIn("batch", "per-player", "complete", "partial", "cancelled",
            "in-memory", "succeeded", "failed", "timed_out", "loaded", "none", "backend", "timeout", "deadline");
      });
    }
  }
}
