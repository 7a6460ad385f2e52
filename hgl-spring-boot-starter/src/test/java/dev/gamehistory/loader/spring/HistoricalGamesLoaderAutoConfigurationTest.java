package dev.gamehistory.loader.spring;

import static dev.gamehistory.loader.spring.Runners.request;
import static dev.gamehistory.loader.spring.Runners.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.CachingLoader;
import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.LoadListener;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoadResult;
import dev.gamehistory.loader.PlayerHistoryClient;
import dev.gamehistory.loader.inmemory.InMemoryGamesQuery;
import dev.gamehistory.loader.micrometer.LoaderMetrics;
import dev.gamehistory.loader.micrometer.LoaderObservations;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.spi.GamesQuery;
import dev.gamehistory.loader.spi.GamesQueryProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.ClassPathResource;

class HistoricalGamesLoaderAutoConfigurationTest {

  @Test
  void context_withTheInMemoryBackend_hasSettingsBackendAndALoaderThatLoads() {
    runner().run(context -> {
      assertThat(context).hasSingleBean(LoaderSettings.class).hasSingleBean(GamesQuery.class)
          .hasSingleBean(HistoricalGamesLoader.class).doesNotHaveBean(LoaderMetrics.class);
      assertThat(context.getBean(GamesQuery.class)).isInstanceOf(InMemoryGamesQuery.class);
      assertThat(context.getBean(LoaderSettings.class)).isEqualTo(LoaderSettings.fromMap(Map.of("backend", "in-memory")));
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      LoadResult result = loader.load(request(loader));
      assertThat(result.isComplete()).isTrue();
      assertThat(result.games("nobody")).isEmpty();
      assertThat(context.getBean(InMemoryGamesQuery.class).history()).hasSize(1);
    });
  }

  @Test
  void context_cacheEnabled_theLoaderIsACachingLoaderThatAnswersRepeatsFromTheCache() {
    runner().withPropertyValues("hgl.cache.enabled=true", "hgl.cache.maximum-players=500").run(context -> {
      assertThat(context).hasSingleBean(CachingLoader.class);
      CachingLoader loader = context.getBean(CachingLoader.class);
      assertThat(loader.cachePolicy().maximumPlayers()).isEqualTo(500);
      loader.load(request(loader));
      LoadResult again = loader.load(request(loader));
      assertThat(again.report().cache().orElseThrow().queried()).isZero();
      assertThat(context.getBean(InMemoryGamesQuery.class).history()).hasSize(1);
    });
  }

  @Test
  void context_playerHistoryClient_batchesOverTheLoaderAsTheBatchingPropertiesSay() {
    runner().withPropertyValues("hgl.batching.max-delay=1ms", "hgl.batching.max-players=7").run(context -> {
      PlayerHistoryClient client = context.getBean(PlayerHistoryClient.class);
      assertThat(client.policy()).isEqualTo(new BatchingPolicy(Duration.ofMillis(1), 7));
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      String player = request(loader).players().get(0);
      assertThat(client.load(player, request(loader).gameDate()).isLoaded()).isTrue();
    });
  }

  @Test
  void properties_eachHglKey_reachTheLibrarysParser() {
    runner().withPropertyValues("hgl.strategy=chunked", "hgl.chunk-size=50", "hgl.parallelism=2",
            "hgl.retry.max-attempts=5", "hgl.deadline=45s", "hgl.in-memory.seed=7", "hgl.bigquery.table=d.t")
        .run(context -> assertThat(context.getBean(LoaderSettings.class)).isEqualTo(LoaderSettings.fromMap(Map.of(
            "backend", "in-memory", "strategy", "chunked", "chunk-size", "50", "parallelism", "2",
            "retry.max-attempts", "5", "deadline", "45s", "in-memory.seed", "7", "bigquery.table", "d.t"))));
  }

  @Test
  void startup_withAnUnknownKey_failsWithTheLibrarysMessage() {
    runner().withPropertyValues("hgl.chunk-sise=50").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LoaderSettingsException.class)
          .hasMessage("hgl.chunk-sise (\"hgl.chunk-sise\" from property source \"test\"): unknown setting; did you"
              + " mean 'hgl.chunk-size'?");
    });
  }

  @Test
  void startup_withABadValue_failsWithTheLibrarysMessageAndTheAnalyzerNamesTheProperty() {
    runner().withPropertyValues("hgl.strategy=chunked", "hgl.chunk-size=0").run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      assertThat(failure).rootCause().isInstanceOf(LoaderSettingsException.class)
          .hasMessage("chunk-size (\"hgl.chunk-size\" from property source \"test\"): must be an integer between 1"
              + " and 10000; got '0'");
      FailureAnalysis analysis = new LoaderSettingsFailureAnalyzer().analyze(failure);
      assertThat(analysis.getDescription()).isEqualTo("""
          Invalid loader setting 'hgl.chunk-size':

              Property: hgl.chunk-size
              Value: "0"
              Origin: "hgl.chunk-size" from property source "test"
              Reason: must be an integer between 1 and 10000; got '0'""");
      assertThat(analysis.getAction())
          .isEqualTo("Correct or remove the property hgl.chunk-size or the environment variable HGL_CHUNK_SIZE.");
    });
  }

  @Test
  void startup_cacheEnabledWithoutLoaderCache_failsAndTheAnalyzerNamesTheProperty() {
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    // The library finds the caching loader provider with ServiceLoader on the context class loader.
    thread.setContextClassLoader(new FilteredClassLoader(
        new ClassPathResource("META-INF/services/dev.gamehistory.loader.spi.CachingLoaderProvider")));
    try {
      runner().withPropertyValues("hgl.cache.enabled=true").run(context -> {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        assertThat(failure).rootCause().isInstanceOf(LoaderSettingsException.class).hasMessage(
            "cache.enabled (\"hgl.cache.enabled\" from property source \"test\"): no cache store on the class path:"
                + " add the dev.gamehistory:loader-cache module; got 'true'");
        assertThat(new LoaderSettingsFailureAnalyzer().analyze(failure).getAction())
            .isEqualTo("Correct or remove the property hgl.cache.enabled or the environment variable HGL_CACHE_ENABLED.");
      });
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  @Test
  void startup_withABackendNoProviderServes_failsNamingTheArtifactToAdd() {
    ClassPathResource providers = new ClassPathResource("META-INF/services/" + GamesQueryProvider.class.getName());
    runner().withClassLoader(new FilteredClassLoader(providers))
        .withPropertyValues("hgl.backend=bigquery").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LoaderSettingsException.class)
              .hasMessage("backend (\"hgl.backend\" from property source \"test\"): no backend 'bigquery' on the class"
                  + " path; add dev.gamehistory:loader-bigquery (found: none)");
        });
    runner().withClassLoader(new FilteredClassLoader(providers)).run(context ->
        assertThat(context.getStartupFailure()).rootCause().hasMessage("backend (\"hgl.backend\" from property source"
            + " \"test\"): no backend 'in-memory' on the class path; add dev.gamehistory:loader-inmemory (found: none)"));
  }

  @Test
  void startup_withAnUnknownName_theAnalyzerNamesThePropertyAsWritten() {
    runner().withPropertyValues("hgl.chunkSise=50").run(context -> {
      FailureAnalysis analysis = new LoaderSettingsFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).isEqualTo("""
          Invalid loader setting 'hgl.chunkSise':

              Property: hgl.chunkSise
              Value: "50"
              Origin: "hgl.chunkSise" from property source "test"
              Reason: unknown setting; did you mean 'hgl.chunk-size'?""");
      assertThat(analysis.getAction())
          .isEqualTo("Rename or remove the property hgl.chunkSise: hgl.<key>, with a key of the settings catalogue.");
    });
  }

  @Test
  void startup_withAnUnknownVariable_theAnalyzerNamesTheVariable() {
    runner(Map.of("HGL_CHUNK_SISE", "50")).run(context -> {
      FailureAnalysis analysis = new LoaderSettingsFailureAnalyzer().analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).startsWith("Invalid loader setting 'HGL_CHUNK_SISE':");
      assertThat(analysis.getAction()).isEqualTo("Correct or remove the environment variable HGL_CHUNK_SISE.");
    });
  }

  @Test
  void startup_withABackendRejectingAValue_namesWhereItCameFrom() {
    runner().withPropertyValues("hgl.backend=bigquery", "hgl.bigquery.project=p", "hgl.bigquery.table=nba..games")
        .run(context -> assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LoaderSettingsException.class)
            .hasMessageStartingWith("bigquery.table (\"hgl.bigquery.table\" from property source \"test\"): dataset ''"));
  }

  @Test
  void startup_withTheBigQueryBackendAndNoTable_failsWithTheBackendsMessage() {
    runner().withPropertyValues("hgl.backend=bigquery").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(LoaderSettingsException.class)
          .satisfies(e -> assertThat(((LoaderSettingsException) e).key()).isEqualTo("bigquery.table"));
    });
  }

  @Test
  void loader_whenTheUserDefinesOne_backsOff() {
    HistoricalGamesLoader own = HistoricalGamesLoader.builder().backend(InMemoryGamesQuery.builder().build()).build();
    runner().withBean("ownLoader", HistoricalGamesLoader.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(HistoricalGamesLoader.class);
      assertThat(context.getBean(HistoricalGamesLoader.class)).isSameAs(own);
    });
  }

  @Test
  void backend_whenTheUserDefinesOne_backsOffAndTheLoaderUsesTheUsers() {
    InMemoryGamesQuery own = InMemoryGamesQuery.builder().build();
    runner().withBean("ownBackend", GamesQuery.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(GamesQuery.class);
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      loader.load(request(loader));
      assertThat(own.history()).hasSize(1);
    });
  }

  @Test
  void settings_whenTheUserDefinesThem_backOffAndTheLoaderRunsWithThem() {
    LoaderSettings own = LoaderSettings.fromMap(Map.of("strategy", "per-player", "max-games", "5"));
    runner().withBean(LoaderSettings.class, () -> own)
        .run(context -> assertThat(context.getBean(HistoricalGamesLoader.class).settings()).isEqualTo(own));
  }

  @Test
  void metrics_withAMeterRegistryBean_recordEachLoad() {
    runner().withBean(SimpleMeterRegistry.class).run(context -> {
      assertThat(context).hasSingleBean(LoaderMetrics.class);
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      loader.load(request(loader));
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get(LoaderMetrics.LOAD).tag("outcome", "complete").timer().count()).isEqualTo(1);
      assertThat(registry.get(LoaderMetrics.QUERY).tag("backend", "in-memory").timer().count()).isEqualTo(1);
    });
  }

  @Test
  void metrics_withSpringBootsMetricsAutoConfiguration_recordEachLoad() {
    runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
        .run(context -> {
          assertThat(context).hasSingleBean(LoaderMetrics.class);
          HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
          loader.load(request(loader));
          assertThat(context.getBean(MeterRegistry.class).get(LoaderMetrics.LOAD).timer().count()).isEqualTo(1);
        });
  }

  @Test
  void observations_withAnObservationRegistryBeanButNoMeterHandler_observeEachLoadAndMetricsKeepTheirTimers() {
    runner().withBean(TestObservationRegistry.class, TestObservationRegistry::create)
        .withBean(SimpleMeterRegistry.class).run(context -> {
          assertThat(context).hasSingleBean(LoaderObservations.class);
          assertThat(context.getBean(LoaderMetrics.class)).hasToString("LoaderMetrics{SimpleMeterRegistry}");
          HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
          LoadResult result = loader.load(request(loader));
          TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
              .hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.LOAD, 1)
              .hasNumberOfObservationsWithNameEqualTo(LoaderMetrics.QUERY, 1);
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.get(LoaderMetrics.LOAD).timer().count()).isEqualTo(1);
          assertThat(meters.get(LoaderMetrics.PLAYERS).tag("status", "loaded").counter().count())
              .isEqualTo(result.loaded().size());
        });
  }

  @Test
  void observations_turnedOffBySpringBootsProperty_metricsKeepTheirTimers() {
    runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            ObservationAutoConfiguration.class))
        .withPropertyValues("management.observations.enable.hgl=false")
        .run(context -> {
          assertThat(context.getBean(LoaderMetrics.class)).hasToString("LoaderMetrics{SimpleMeterRegistry}");
          HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
          loader.load(request(loader));
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.get(LoaderMetrics.LOAD).timers()).singleElement()
              .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
        });
  }

  @Test
  void observations_withSpringBootsMetricsAndObservationAutoConfiguration_timeEachLoadOnce() {
    runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            ObservationAutoConfiguration.class))
        .run(context -> {
          assertThat(context).hasSingleBean(LoaderObservations.class).hasSingleBean(LoaderMetrics.class);
          assertThat(context.getBean(LoaderMetrics.class)).hasToString("LoaderMetrics{SimpleMeterRegistry, without timers}");
          HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
          loader.load(request(loader));
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.get(LoaderMetrics.LOAD).timers()).singleElement().satisfies(timer -> {
            assertThat(timer.count()).isEqualTo(1);
            assertThat(timer.getId().getTag("strategy")).isEqualTo("adaptive");
            assertThat(timer.getId().getTag("outcome")).isEqualTo("complete");
          });
          assertThat(meters.get(LoaderMetrics.QUERY).timers()).singleElement()
              .satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
        });
  }

  @Test
  void metrics_withoutLoaderMicrometer_areLeftOutAndTheLoaderStillStarts() {
    runner().withBean(SimpleMeterRegistry.class).withClassLoader(new FilteredClassLoader(LoaderMetrics.class))
        .run(context -> assertThat(context).doesNotHaveBean(LoaderMetrics.class).hasSingleBean(HistoricalGamesLoader.class));
  }

  @Test
  void listeners_userBeans_hearEachLoad() {
    List<LoadRequest> heard = Collections.synchronizedList(new ArrayList<>());
    LoadListener listener = new LoadListener() {
      @Override
      public void onLoadEnd(LoadRequest request, LoadResult result) {
        heard.add(request);
      }
    };
    runner().withBean(LoadListener.class, () -> listener).run(context -> {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      LoadRequest request = request(loader);
      loader.load(request);
      assertThat(heard).containsExactly(request);
    });
  }

  @Test
  void close_ofTheContext_closesTheLoaderAndTheBackendOnce() {
    Runners.BrokenBackend backend = new Runners.BrokenBackend();
    runner().withBean(GamesQuery.class, () -> backend).run(context -> {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      LoadRequest request = request(loader);
      context.close();
      assertThatThrownBy(() -> loader.loadAsync(request)).isInstanceOf(IllegalStateException.class);
      assertThat(backend.closes).hasValue(1);
    });
  }

  @Test
  void close_ofTheContext_closesTheAutoConfiguredBackend() {
    runner().run(context -> {
      InMemoryGamesQuery backend = context.getBean(InMemoryGamesQuery.class);
      context.close();
      assertThat(backend.isClosed()).isTrue();
    });
  }
}
