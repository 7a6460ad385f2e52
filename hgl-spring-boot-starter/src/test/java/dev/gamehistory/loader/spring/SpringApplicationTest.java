package dev.gamehistory.loader.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.HistoricalGamesLoader;
import dev.gamehistory.loader.micrometer.LoaderMetrics;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A whole Spring Boot application: the imports file, the failure analyzer, the health registry. */
@ExtendWith(OutputCaptureExtension.class)
class SpringApplicationTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}

  private static SpringApplication application() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of()));
    SpringApplication application = new SpringApplication(Application.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setEnvironment(environment);
    application.setBannerMode(Banner.Mode.OFF);
    application.setDefaultProperties(Map.of("logging.level.root", "warn"));
    return application;
  }

  @Test
  void run_withTheYamlSettings_autoConfiguresTheLoaderMetricsAndHealth() {
    try (ConfigurableApplicationContext context = application().run("--spring.config.name=hgl-settings-test")) {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      assertThat(loader.settings().maxGames()).isEqualTo(30);
      assertThat(loader.settings().backendProperties()).containsEntry("in-memory.seed", "7");
      loader.load(Runners.request(loader));
      assertThat(context.getBean(MeterRegistry.class).get(LoaderMetrics.LOAD).timer().count()).isEqualTo(1);
      HealthIndicator hgl = (HealthIndicator) context.getBean(HealthContributorRegistry.class).getContributor("hgl");
      assertThat(hgl.health().getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void run_withABadValue_failsAndTheAnalyzerReportsThePropertyItsValueAndOrigin(CapturedOutput output) {
    assertThatThrownBy(() -> application().run("--hgl.strategy=chunked", "--hgl.chunk-size=0"))
        .rootCause().isInstanceOf(LoaderSettingsException.class)
        .hasMessage("chunk-size (\"hgl.chunk-size\" from property source \"commandLineArgs\"): must be an integer"
            + " between 1 and 10000; got '0'");
    assertThat(output).contains("Description:", String.join(System.lineSeparator(),
            "Invalid loader setting 'hgl.chunk-size':", "",
            "    Property: hgl.chunk-size",
            "    Value: \"0\"",
            "    Origin: \"hgl.chunk-size\" from property source \"commandLineArgs\"",
            "    Reason: must be an integer between 1 and 10000; got '0'"),
        "Action:", "Correct or remove the property hgl.chunk-size or the environment variable HGL_CHUNK_SIZE.");
  }

  @Test
  void run_aCommandLineStrategyOverApplicationProperties_startsAndIgnoresTheFilesChunkSize(CapturedOutput output) {
    try (ConfigurableApplicationContext context =
        application().run("--spring.config.name=hgl-layers-test", "--hgl.strategy=batch")) {
      HistoricalGamesLoader loader = context.getBean(HistoricalGamesLoader.class);
      assertThat(loader.settings().strategy()).isEqualTo(Strategy.batch());
      assertThat(context.getBean(SettingsSources.Resolved.class).entry("chunk-size").flatMap(SettingsSources.Entry::ignored))
          .contains("not used by strategy 'batch' (\"hgl.strategy\" from property source \"commandLineArgs\")");
      assertThat(context.getBean(SettingsSources.Resolved.class).entry("chunk-size").orElseThrow().origin())
          .isEqualTo("class path resource [hgl-layers-test.properties] - 2:16");
    }
    assertThat(output.getAll().lines().filter(line -> line.contains("settings ignored"))).singleElement()
        .asString().contains("WARN", "dev.gamehistory.loader.settings", "settings ignored, not used by strategy"
            + " 'batch' (\"hgl.strategy\" from property source \"commandLineArgs\"): chunk-size=50 (class path"
            + " resource [hgl-layers-test.properties] - 2:16)");
  }
}
