package dev.gamehistory.loader.spring;

import static dev.gamehistory.loader.spring.Runners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How {@code hgl.*} properties become settings keys: by Spring Boot's relaxed binding, in Spring's
 * precedence, each value with its Spring origin; the library validates them.
 */
class SettingsPropertiesTest {

  private static final String TEST_SOURCE = "from property source \"test\"";

  @Test
  void yaml_nestedKeys_becomeDottedSettingsKeys() {
    runner().withInitializer(new ConfigDataApplicationContextInitializer())
        .withPropertyValues("spring.config.name=hgl-settings-test")
        .run(context -> assertThat(context.getBean(LoaderSettings.class)).isEqualTo(LoaderSettings.fromMap(Map.of(
            "backend", "in-memory", "strategy", "chunked", "chunk-size", "50", "retry.max-attempts", "5",
            "retry.jitter", "0.25", "deadline", "45s", "fallback", "per-player", "in-memory.seed", "7",
            "bigquery.columns.player_lookup", "lookup"))));
  }

  @Test
  void propertiesFile_aBadValue_failsNamingTheFileLineAndColumn() {
    runner().withInitializer(new ConfigDataApplicationContextInitializer())
        .withPropertyValues("spring.config.name=hgl-bad-settings-test")
        .run(context -> {
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOfSatisfying(LoaderSettingsException.class, e -> assertThat(e.origin())
                  .isEqualTo("class path resource [hgl-bad-settings-test.properties] - 3:16"))
              .hasMessage("chunk-size (class path resource [hgl-bad-settings-test.properties] - 3:16): must be an"
                  + " integer between 1 and 10000; got '0'");
          assertThat(new LoaderSettingsFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
              .isEqualTo("""
                  Invalid loader setting 'hgl.chunk-size':

                      Property: hgl.chunk-size
                      Value: "0"
                      Origin: class path resource [hgl-bad-settings-test.properties] - 3:16
                      Reason: must be an integer between 1 and 10000; got '0'""");
        });
  }

  @Test
  void aBadValue_namesSpringsOriginOfTheProperty() {
    runner().withPropertyValues("hgl.retry.max-attempts=0").run(context -> assertThat(context.getStartupFailure())
        .rootCause().hasMessage("retry.max-attempts (\"hgl.retry.max-attempts\" " + TEST_SOURCE + "): must be an"
            + " integer between 1 and 20; got '0'"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hgl.chunk-size", "hgl.chunkSize", "hgl.chunk_size", "hgl.chunksize", "HGL.CHUNK-SIZE",
      "hgl.ChunkSize"})
  void relaxedNames_bindAsConfigurationPropertiesDo(String property) {
    runner().withPropertyValues("hgl.strategy=chunked", property + "=50")
        .run(context -> assertThat(context.getBean(LoaderSettings.class).strategy()).isEqualTo(Strategy.chunked(50, 4)));
  }

  @Test
  void relaxedNames_nestedAndUnderscoredKeys() {
    runner().withPropertyValues("hgl.retry.maxAttempts=5", "hgl.bigquery.columns.playerLookup=lookup",
            "hgl.inMemory.seed=7", "HGL.Max_Games=12")
        .run(context -> {
          LoaderSettings settings = context.getBean(LoaderSettings.class);
          assertThat(settings.retry().maxAttempts()).isEqualTo(5);
          assertThat(settings.maxGames()).isEqualTo(12);
          assertThat(settings.backendProperties()).containsEntry("bigquery.columns.player_lookup", "lookup")
              .containsEntry("in-memory.seed", "7");
        });
  }

  @Test
  void namedValues_readWithoutRegardToCase() {
    runner().withPropertyValues("hgl.strategy=PER_PLAYER", "hgl.fallback=Batch", "hgl.backend=IN_MEMORY",
            "hgl.cache.enabled=TRUE")
        .run(context -> {
          LoaderSettings settings = context.getBean(LoaderSettings.class);
          assertThat(settings.strategy()).isEqualTo(Strategy.fallback(Strategy.perPlayer(4), Strategy.batch()));
          assertThat(settings.backend()).isEqualTo("in-memory");
          assertThat(settings.cache().enabled()).isTrue();
        });
  }

  @Test
  void unknownName_failsNamingThePropertyAsWrittenAndTheNearestKey() {
    runner().withPropertyValues("hgl.chunkSise=50").run(context -> assertThat(context.getStartupFailure()).rootCause()
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("hgl.chunkSise (\"hgl.chunkSise\" " + TEST_SOURCE + "): unknown setting; did you mean"
            + " 'hgl.chunk-size'?"));
  }

  @Test
  void bracketForm_bindsWhereSpringBindsIt() {
    runner().withPropertyValues("hgl[strategy]=batch")
        .run(context -> assertThat(context.getBean(LoaderSettings.class).strategy()).isEqualTo(Strategy.batch()));
  }

  @Test
  void bracketForm_whereSpringDoesNotBindIt_isAnErrorRatherThanIgnored() {
    runner().withPropertyValues("hgl[chunk-size]=5").run(context -> assertThat(context.getStartupFailure())
        .rootCause().isInstanceOf(LoaderSettingsException.class)
        .hasMessage("hgl[chunk-size] (\"hgl[chunk-size]\" " + TEST_SOURCE + "): unknown setting; did you mean"
            + " 'hgl.chunk-size'?"));
  }

  @Test
  void listForm_isAnErrorRatherThanIgnored() {
    runner().withPropertyValues("hgl.fallback[0]=per-player").run(context -> assertThat(context.getStartupFailure())
        .rootCause().hasMessage("hgl.fallback[0] (\"hgl.fallback[0]\" " + TEST_SOURCE + "): not a list; give"
            + " hgl.fallback as one comma-separated string; got 'per-player'"));
  }

  @Test
  void otherPrefixes_areNotSettings() {
    runner().withPropertyValues("hglx.strategy=nonsense", "hgl-client.url=x")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void twoSpellingsInOneSource_failNamingBoth() {
    runner().withPropertyValues("hgl.strategy=chunked", "hgl.chunk-size=10", "hgl.chunkSize=20")
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .isInstanceOf(LoaderSettingsException.class)
            .hasMessage("hgl.chunk-size (\"hgl.chunkSize\" from property source \"test\"): given twice in one property"
                + " source, as 'hgl.chunk-size' (\"hgl.chunk-size\" from property source \"test\") and 'hgl.chunkSize';"
                + " got '10' and '20'"));
  }

  @Test
  void twoSpellingsAcrossSources_theHigherPrecedenceWins() {
    runner().withInitializer(context -> context.getEnvironment().getPropertySources().addLast(new MapPropertySource(
            "application.properties", Map.of("hgl.strategy", "chunked", "hgl.chunk-size", "10"))))
        .withPropertyValues("hgl.chunkSize=20")
        .run(context -> assertThat(context.getBean(LoaderSettings.class).strategy()).isEqualTo(Strategy.chunked(20, 4)));
  }

  @Test
  void environmentVariables_springsFormAndTheLibrarysForm() {
    runner(Map.of("HGL_STRATEGY", "chunked", "HGL_CHUNKSIZE", "50", "HGL_RETRY_MAX_ATTEMPTS", "7",
            "HGL_RETRY_INITIALBACKOFF", "1s", "HGL_BIGQUERY_COLUMNS_PLAYER_LOOKUP", "lookup", "PATH", "/bin"))
        .run(context -> assertThat(context.getBean(LoaderSettings.class)).isEqualTo(LoaderSettings.fromMap(Map.of(
            "backend", "in-memory", "strategy", "chunked", "chunk-size", "50", "retry.max-attempts", "7",
            "retry.initial-backoff", "1s", "bigquery.columns.player_lookup", "lookup"))));
  }

  @Test
  void environmentVariables_bothFormsOfOneKey_failNamingBoth() {
    runner(Map.of("HGL_CHUNK_SIZE", "50", "HGL_CHUNKSIZE", "60")).run(context -> assertThat(context.getStartupFailure())
        .rootCause().isInstanceOf(LoaderSettingsException.class)
        .hasMessageContaining("given twice in one property source, as 'HGL_CHUNK_SIZE' (\"HGL_CHUNK_SIZE\" from property"
            + " source \"systemEnvironment\") and 'HGL_CHUNKSIZE'; got '50' and '60'"));
  }

  @Test
  void environmentVariables_anUnknownHglVariable_failsWithTheNearestVariable() {
    runner(Map.of("HGL_CHUNK_SISE", "50")).run(context -> assertThat(context.getStartupFailure()).rootCause()
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("HGL_CHUNK_SISE (\"HGL_CHUNK_SISE\" from property source \"systemEnvironment\"): unknown setting;"
            + " did you mean 'HGL_CHUNK_SIZE' (chunk-size)?"));
  }

  @Test
  void precedence_isSpringsAcrossPropertySourcesAndTheEnvironment() {
    // Spring's order: test properties (highest here), then the environment variables, then files.
    runner(Map.of("HGL_MAX_GAMES", "20", "HGL_LOOKBACK_DAYS", "30"))
        .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(new MapPropertySource(
            "application.properties", Map.of("hgl.max-games", "10", "hgl.lookback-days", "10", "hgl.parallelism", "3"))))
        .withPropertyValues("hgl.max-games=40")
        .run(context -> {
          LoaderSettings settings = context.getBean(LoaderSettings.class);
          assertThat(settings.maxGames()).isEqualTo(40);
          assertThat(settings.lookbackDays()).isEqualTo(30);
          SettingsSources.Resolved resolved = EnvironmentSettings.resolve(context.getBean(ConfigurableEnvironment.class));
          assertThat(resolved.entry("max-games").orElseThrow().origin()).isEqualTo("\"hgl.max-games\" " + TEST_SOURCE);
          assertThat(resolved.entry("lookback-days").orElseThrow().origin())
              .isEqualTo("\"HGL_LOOKBACK_DAYS\" from property source \"systemEnvironment\"");
          assertThat(resolved.entry("parallelism").orElseThrow().origin())
              .isEqualTo("\"hgl.parallelism\" from property source \"application.properties\"");
          assertThat(context.getBean(SettingsSources.Resolved.class)).isEqualTo(resolved);
        });
  }

  @Test
  void strategyFromAHigherSource_ignoresTheLowerSourcesChunkSize() {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("hgl.strategy", "chunked");
    file.put("hgl.chunk-size", "50");
    runner()
        .withInitializer(context -> context.getEnvironment().getPropertySources().addLast(
            new MapPropertySource("application.properties", file)))
        .withPropertyValues("hgl.strategy=batch")
        .run(context -> {
          assertThat(context.getBean(LoaderSettings.class).strategy()).isEqualTo(Strategy.batch());
          assertThat(context.getBean(SettingsSources.Resolved.class).entry("chunk-size"))
              .contains(new SettingsSources.Entry("chunk-size", "50",
                  "\"hgl.chunk-size\" from property source \"application.properties\"",
                  Optional.of("not used by strategy 'batch' (\"hgl.strategy\" " + TEST_SOURCE + ")")));
        });
  }

  @Test
  void placeholders_areResolvedBeforeParsing() {
    runner().withPropertyValues("hgl.deadline=${limits.deadline}", "limits.deadline=40s")
        .run(context -> assertThat(context.getBean(LoaderSettings.class).timeouts().deadline().getSeconds()).isEqualTo(40));
  }
}
