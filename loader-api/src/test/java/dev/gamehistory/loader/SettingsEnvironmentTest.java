package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.Strategy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsEnvironmentTest {

  @Test
  void fromMap_environmentOverridesValues() {
    LoaderSettings settings = LoaderSettings.fromMap(
        Map.of("retry.max-attempts", "2", "max-games", "12"),
        Map.of("HGL_RETRY_MAX_ATTEMPTS", "7"));

    assertThat(settings.retry().maxAttempts()).isEqualTo(7);
    assertThat(settings.maxGames()).isEqualTo(12);
  }

  @Test
  void fromMap_environmentAlone() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of(), Map.of(
        "HGL_STRATEGY", "per-player",
        "HGL_PARALLELISM", " 12 ",
        "HGL_QUERY_TIMEOUT_PER_PLAYER", "10ms",
        "HGL_DEADLINE", "PT1M",
        "HGL_LOOKBACK_DAYS", "60"));

    assertThat(settings.strategy()).isEqualTo(Strategy.perPlayer(12));
    assertThat(settings.timeouts().perPlayer()).isEqualTo(Duration.ofMillis(10));
    assertThat(settings.timeouts().deadline()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.lookbackDays()).isEqualTo(60);
  }

  @Test
  void fromMap_environmentSetsBackendProperties() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("bigquery.columns.player_lookup", "lookup"), Map.of(
        "HGL_BACKEND", "bigquery",
        "HGL_BIGQUERY_COLUMNS_PLAYER_LOOKUP", "player",
        "HGL_BIGQUERY_MAXIMUM_BYTES_BILLED", "1000000000",
        "HGL_IN_MEMORY_CSV", "/data/games.csv"));

    assertThat(settings.backendProperties()).containsExactly(
        Map.entry("backend", "bigquery"),
        Map.entry("bigquery.columns.player_lookup", "player"),
        Map.entry("bigquery.maximum-bytes-billed", "1000000000"),
        Map.entry("in-memory.csv", "/data/games.csv"));
  }

  @Test
  void fromMap_otherVariablesIgnored() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of(), Map.of(
        "PATH", "/usr/bin", "hgl_chunk_size", "5", "HGLCHUNK_SIZE", "5", "MY_HGL_STRATEGY", "batch"));

    assertThat(settings).isEqualTo(LoaderSettings.defaults());
  }

  @Test
  void fromMap_unknownVariableNearKnownOne() {
    LoaderSettingsException e = catchThrowableOfType(LoaderSettingsException.class,
        () -> LoaderSettings.fromMap(Map.of(), Map.of("HGL_CHUNK_SISE", "10")));

    assertThat(e).hasMessage("HGL_CHUNK_SISE: unknown setting; did you mean 'HGL_CHUNK_SIZE' (chunk-size)?");
    assertThat(e.key()).isEqualTo("HGL_CHUNK_SISE");
    assertThat(e.value()).isEqualTo("10");
  }

  @Test
  void fromMap_variableWithDotsAndDashesKept() {
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> LoaderSettings.fromMap(Map.of(), Map.of("HGL_RETRY.MAX-ATTEMPTS", "4"))))
        .hasMessage("HGL_RETRY.MAX-ATTEMPTS: unknown setting; did you mean 'HGL_RETRY_MAX_ATTEMPTS' (retry.max-attempts)?");
  }

  @Test
  void fromMap_unknownVariableFarFromAll() {
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> LoaderSettings.fromMap(Map.of(), Map.of("HGL_HOME", "/opt/hgl"))))
        .hasMessage("HGL_HOME: unknown setting; an HGL_ variable must name a known setting: "
            + "HGL_ and the key upper-cased, with '.' and '-' as '_'");
  }

  @Test
  void fromMap_badValueFromEnvironmentNamesTheKey() {
    LoaderSettingsException e = catchThrowableOfType(LoaderSettingsException.class,
        () -> LoaderSettings.fromMap(Map.of("strategy", "chunked"), Map.of("HGL_CHUNK_SIZE", " 0 ")));

    assertThat(e).hasMessage("chunk-size (environment variable HGL_CHUNK_SIZE): must be an integer between 1 and 10000;"
        + " got '0'");
    assertThat(e.key()).isEqualTo("chunk-size");
    assertThat(e.origin()).isEqualTo("environment variable HGL_CHUNK_SIZE");
    assertThat(e.reason()).isEqualTo("must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void fromMap_environmentStrategyOverrides_theValuesItDoesNotUseAreIgnored() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of("strategy", "chunked", "chunk-size", "10"),
        Map.of("HGL_STRATEGY", "batch"));

    assertThat(settings.strategy()).isEqualTo(Strategy.batch());
  }

  @Test
  void fromMap_environmentChunkSizeWithTheValuesBatch_anError() {
    assertThat(catchThrowableOfType(LoaderSettingsException.class,
        () -> LoaderSettings.fromMap(Map.of("strategy", "batch"), Map.of("HGL_CHUNK_SIZE", "10"))))
        .hasMessage("chunk-size (environment variable HGL_CHUNK_SIZE): not used by strategy 'batch'; got '10';"
            + " used by chunked and adaptive");
  }

  @Test
  void fromMap_environmentCanClearFallback() {
    LoaderSettings settings = LoaderSettings.fromMap(
        Map.of("strategy", "batch", "fallback", "per-player"), Map.of("HGL_FALLBACK", ""));

    assertThat(settings.strategy()).isEqualTo(Strategy.batch());
  }
}
