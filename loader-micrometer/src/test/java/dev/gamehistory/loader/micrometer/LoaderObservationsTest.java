package dev.gamehistory.loader.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
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
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An observation per load and per query on Micrometer's {@link TestObservationRegistry}: names,
 * keys, parents, errors; and beside {@link LoaderMetrics#withoutTimers()}, every load and query timed
 * once.
 */
class LoaderObservationsTest {

  private static final League LEAGUE = LeagueGenerator.generate(42, 1);
  private static final LocalDate DATE = LEAGUE.pickGameDate(1);
  private static final List<String> PLAYERS = List.copyOf(LEAGUE.slate(DATE)).subList(0, 4);

  private static LoadResult load(HistoricalGamesLoader.Builder builder, FaultPlan faults, Strategy strategy,
      CachePolicy cache) {
    InMemoryGamesQuery backend = InMemoryGamesQuery.builder().league(LEAGUE).faults(faults).build();
    LoaderSettings settings = LoaderSettings.builder().strategy(strategy).retry(RetryPolicy.none()).cache(cache).build();
    try (HistoricalGamesLoader loader = builder.backend(backend).settings(settings).build()) {
      loader.load(LoadRequest.of(DATE, PLAYERS));
      return loader.load(LoadRequest.of(DATE, PLAYERS));
    }
  }

  @Test
  @SuppressWarnings("unchecked") // ObservationContextAssert is handed over as a raw type
  void listener_loadWithAFailedQuery_anObservationPerLoadAndAChildPerQuery() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    FaultPlan faults = FaultPlan.builder()
        .on(QuerySelector.containingPlayer(PLAYERS.get(0)), Fault.permanentError("invalidQuery")).build();

    load(HistoricalGamesLoader.builder().listener(LoaderObservations.of(registry)), faults, Strategy.perPlayer(1),
        CachePolicy.disabled());

    assertThat(registry).hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.LOAD, 2)
        .hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.QUERY, 8)
        .forAllObservationsWithNameEqualTo(LoaderMetrics.LOAD, observation -> observation
            .doesNotHaveParentObservation()
            .hasLowCardinalityKeyValue("strategy", "per-player")
            .hasLowCardinalityKeyValue("outcome", "partial")
            .hasHighCardinalityKeyValue("hgl.players", "4")
            .hasHighCardinalityKeyValue("hgl.queries", "4")
            .hasContextualNameEqualTo("hgl load"));
    assertThat(registry).forAllObservationsWithNameEqualTo(LoaderMetrics.QUERY, observation -> observation
        .hasLowCardinalityKeyValue("backend", "in-memory")
        .hasHighCardinalityKeyValue("hgl.players", "1")
        .hasHighCardinalityKeyValue("hgl.attempt", "1")
        .hasParentObservationContextMatching(parent -> parent instanceof LoadObservationContext));
    assertThat(registry).hasHandledContextsThatSatisfy(contexts -> {
      List<Observation.Context> queries = contexts.stream()
          .filter(context -> context instanceof QueryObservationContext).toList();
      assertThat(queries).extracting(context -> context.getLowCardinalityKeyValue("outcome").getValue())
          .containsExactlyInAnyOrder("failed", "succeeded", "succeeded", "succeeded",
              "failed", "succeeded", "succeeded", "succeeded");
      assertThat(queries).filteredOn(context -> context.getError() != null).hasSize(2)
          .allSatisfy(context -> assertThat(context.getError()).hasMessageContaining("invalidQuery"));
    });
  }

  @Test
  void listener_besideMetricsWithoutTimers_everyLoadAndQueryIsTimedOnce() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));

    LoadResult second = load(HistoricalGamesLoader.builder()
            .listener(LoaderObservations.of(observations))
            .listener(LoaderMetrics.of(meters).withoutTimers()),
        FaultPlan.none(), Strategy.batch(), CachePolicy.disabled());

    assertThat(second.isComplete()).isTrue();
    assertThat(meters.get(LoaderMetrics.LOAD).tags("strategy", "batch", "outcome", "complete").timers())
        .singleElement().satisfies(timer -> assertThat(timer.count()).isEqualTo(2));
    assertThat(meters.get(LoaderMetrics.QUERY).tags("backend", "in-memory", "outcome", "succeeded").timers())
        .singleElement().satisfies(timer -> assertThat(timer.count()).isEqualTo(2));
    assertThat(meters.get(LoaderMetrics.PLAYERS).tags("status", "loaded").counter().count()).isEqualTo(8);
  }

  @Test
  void listener_throughACacheBuiltFromSettings_observesTheCallersLoadsAndTheEnginesQueries() {
    TestObservationRegistry registry = TestObservationRegistry.create();

    LoadResult second = load(HistoricalGamesLoader.builder().listener(LoaderObservations.of(registry)),
        FaultPlan.none(), Strategy.batch(), CachePolicy.of(100, Duration.ofMinutes(1)));

    assertThat(second.report().cache().orElseThrow().hits()).isEqualTo(4);
    assertThat(registry).hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.LOAD, 2)
        .hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.QUERY, 1);
  }

  @Test
  void withConventions_renamesAndAddsKeys() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    LoadObservationConvention load = new DefaultLoadObservationConvention() {
      @Override
      public String getName() {
        return "games.load";
      }

      @Override
      public KeyValues getLowCardinalityKeyValues(LoadObservationContext context) {
        return super.getLowCardinalityKeyValues(context).and("team", "home");
      }
    };

    load(HistoricalGamesLoader.builder().listener(LoaderObservations.of(registry)
        .withConventions(load, new DefaultQueryObservationConvention())), FaultPlan.none(), Strategy.batch(),
        CachePolicy.disabled());

    assertThat(registry).hasNumberOfObservationsWithNameEqualTo("games.load", 2)
        .forAllObservationsWithNameEqualTo("games.load", observation -> observation
            .hasLowCardinalityKeyValue("team", "home").hasLowCardinalityKeyValue("outcome", "complete"));
  }
}
