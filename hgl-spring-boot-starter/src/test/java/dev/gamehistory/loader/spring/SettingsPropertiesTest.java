package dev.gamehistory.loader.spring;

import static dev.gamehistory.loader.spring.Runners.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.SettingsSources;
import dev.gamehistory.loader.spring.internal.EnvironmentSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/** How {@code hgl.*} properties become settings keys: exactly, in Spring's precedence, never relaxed. */
class SettingsPropertiesTest {

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
  void yaml_aBadValue_failsWithTheLibrarysMessage() {
    runner().withInitializer(new ConfigDataApplicationContextInitializer())
        .withPropertyValues("spring.config.name=hgl-settings-test", "hgl.retry.max-attempts=0")
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .hasMessage("retry.max-attempts (test): must be an integer between 1 and 20; got '0'"));
  }

  @Test
  void camelCase_isNotRelaxedToTheDashedKey() {
    runner().withPropertyValues("hgl.chunkSize=50").run(context -> assertThat(context.getStartupFailure()).rootCause()
        .isInstanceOf(LoaderSettingsException.class)
        .hasMessage("chunkSize (test): unknown setting; did you mean 'chunk-size'?"));
  }

  @Test
  void underscores_areNotRelaxedToTheDashedKey() {
    runner().withPropertyValues("hgl.retry.max_attempts=5").run(context -> assertThat(context.getStartupFailure())
        .rootCause().hasMessage("retry.max_attempts (test): unknown setting; did you mean 'retry.max-attempts'?"));
  }

  @Test
  void upperCasePrefix_isAnErrorRatherThanIgnored() {
    runner().withPropertyValues("HGL.strategy=batch").run(context -> assertThat(context.getStartupFailure())
        .rootCause().isInstanceOf(LoaderSettingsException.class)
        .hasMessage("HGL.strategy: not read as a setting; write hgl.<key>, the prefix lower-case and the key"
            + " exactly as the settings catalogue spells it; got 'batch'"));
  }

  @Test
  void bracketForm_isAnErrorRatherThanIgnored() {
    runner().withPropertyValues("hgl[strategy]=batch").run(context -> assertThat(context.getStartupFailure())
        .rootCause().isInstanceOf(LoaderSettingsException.class).hasMessageStartingWith("hgl[strategy]: not read"));
  }

  @Test
  void listForm_isAnUnknownKeyRatherThanJoined() {
    runner().withPropertyValues("hgl.fallback[0]=per-player").run(context -> assertThat(context.getStartupFailure())
        .rootCause().hasMessage("fallback[0] (test): unknown setting; did you mean 'fallback'?"));
  }

  @Test
  void otherPrefixes_areNotSettings() {
    runner().withPropertyValues("hglx.strategy=nonsense", "hgl-client.url=x")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void environmentVariables_mapAsTheLibraryMapsThem() {
    runner(Map.of("HGL_STRATEGY", "chunked", "HGL_RETRY_MAX_ATTEMPTS", "7", "PATH", "/bin"))
        .run(context -> assertThat(context.getBean(LoaderSettings.class)).isEqualTo(LoaderSettings.fromMap(Map.of(
            "backend", "in-memory", "strategy", "chunked", "retry.max-attempts", "7"))));
  }

  @Test
  void environmentVariables_anUnknownHglVariable_failsWithTheLibrarysMessage() {
    runner(Map.of("HGL_CHUNKSIZE", "50")).run(context -> assertThat(context.getStartupFailure()).rootCause()
        .isInstanceOf(LoaderSettingsException.class).hasMessageStartingWith("HGL_CHUNKSIZE: unknown setting; "));
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
          assertThat(resolved.entry("max-games").orElseThrow().origin()).isEqualTo("test");
          assertThat(resolved.entry("lookback-days").orElseThrow().origin()).isEqualTo("environment variable HGL_LOOKBACK_DAYS");
          assertThat(resolved.entry("parallelism").orElseThrow().origin()).isEqualTo("application.properties");
        });
  }

  @Test
  void placeholders_areResolvedBeforeParsing() {
    runner().withPropertyValues("hgl.deadline=${limits.deadline}", "limits.deadline=40s")
        .run(context -> assertThat(context.getBean(LoaderSettings.class).timeouts().deadline().getSeconds()).isEqualTo(40));
  }
}
