package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamehistory.loader.internal.settings.SettingsKeys;
import dev.gamehistory.loader.settings.SettingsSources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsKeysTest {

  @Test
  void knownKeys_catalogueOrderWithEnvironmentVariables() {
    Map<String, SettingsSources.KnownKey> keys = SettingsSources.knownKeys();

    assertThat(keys.keySet()).containsExactly(
        "strategy", "chunk-size", "parallelism", "fallback",
        "query-timeout", "query-timeout-per-player", "query-timeout-max", "deadline",
        "retry.max-attempts", "retry.initial-backoff", "retry.max-backoff", "retry.jitter",
        "lookback-days", "max-games",
        "cache.enabled", "cache.maximum-players", "cache.expire-after-write",
        "batching.max-delay", "batching.max-players",
        "backfill.dates-per-query", "backfill.pairs-per-query", "backfill.deadline", "backend",
        "bigquery.project", "bigquery.table", "bigquery.location", "bigquery.host",
        "bigquery.maximum-bytes-billed", "bigquery.labels", "bigquery.credentials",
        "bigquery.wait-slice", "bigquery.first-wait", "bigquery.job-creation", "bigquery.read-attempts",
        "bigquery.columns.player_lookup", "bigquery.columns.game_date", "bigquery.columns.opponent_team_abbr",
        "bigquery.columns.points", "bigquery.columns.minutes_played", "bigquery.columns.team_abbr",
        "bigquery.columns.game_id",
        "in-memory.csv", "in-memory.seed", "in-memory.seasons");
    assertThat(keys.get("retry.max-attempts").environmentVariable()).isEqualTo("HGL_RETRY_MAX_ATTEMPTS");
    assertThat(keys.get("bigquery.columns.player_lookup").environmentVariable())
        .isEqualTo("HGL_BIGQUERY_COLUMNS_PLAYER_LOOKUP");
    assertThat(keys.get("in-memory.csv").environmentVariable()).isEqualTo("HGL_IN_MEMORY_CSV");
    assertThat(keys.get("query-timeout").defaultValue()).isEqualTo("20s, or deadline or query-timeout-max when shorter");
    assertThat(keys.get("bigquery.wait-slice").environmentVariable()).isEqualTo("HGL_BIGQUERY_WAIT_SLICE");
    assertThat(keys.get("backfill.dates-per-query").environmentVariable()).isEqualTo("HGL_BACKFILL_DATES_PER_QUERY");
    assertThat(keys.values()).allSatisfy(key -> {
      assertThat(key.description()).isNotBlank().doesNotContain("\n");
      assertThat(key.defaultValue()).isNotBlank();
    });
  }

  @Test
  void knownKeys_unmodifiable() {
    Map<String, SettingsSources.KnownKey> keys = SettingsSources.knownKeys();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.remove("strategy"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void keyOfVariable_everyKeyHasItsOwnVariable() {
    for (String key : SettingsSources.knownKeys().keySet()) {
      assertThat(SettingsKeys.keyOfVariable(SettingsKeys.environmentVariable(key))).contains(key);
    }
    assertThat(SettingsKeys.keyOfVariable("HGL_NOPE")).isEmpty();
  }

  @Test
  void isBackendKey_backendAndItsPrefixes() {
    assertThat(SettingsSources.knownKeys().keySet().stream().filter(SettingsKeys::isBackendKey))
        .hasSize(22)
        .startsWith("backend", "bigquery.project");
    assertThat(SettingsKeys.isBackendKey("chunk-size")).isFalse();
  }

  @Test
  void nearest_withinThreeEditsOrByPrefix() {
    List<String> candidates = List.of("chunk-size", "parallelism", "bigquery.columns.player_lookup");

    assertThat(SettingsKeys.nearest("chunk-sise", candidates)).contains("chunk-size");
    assertThat(SettingsKeys.nearest("Chunk_Size", candidates)).contains("chunk-size");
    assertThat(SettingsKeys.nearest("paralelism", candidates)).contains("parallelism");
    assertThat(SettingsKeys.nearest("bigquery.columns.player", candidates)).contains("bigquery.columns.player_lookup");
    assertThat(SettingsKeys.nearest("parallelism-max", candidates)).contains("parallelism");
    assertThat(SettingsKeys.nearest("colour", candidates)).isEmpty();
    assertThat(SettingsKeys.nearest("", candidates)).isEmpty();
  }

  @Test
  void canonicalValue_namedValuesOnly() {
    assertThat(SettingsKeys.canonicalValue("strategy", "Per_Player")).contains("per-player");
    assertThat(SettingsKeys.canonicalValue("backend", "BIGQUERY")).contains("bigquery");
    assertThat(SettingsKeys.canonicalValue("bigquery.job-creation", "Required")).contains("required");
    assertThat(SettingsKeys.canonicalValue("cache.enabled", "TRUE")).contains("true");
    assertThat(SettingsKeys.canonicalValue("strategy", "fast")).isEmpty();
    assertThat(SettingsKeys.canonicalValue("bigquery.location", "EU")).isEmpty();
    assertThat(SettingsKeys.takesNamedValues("bigquery.location")).isFalse();
  }

  @Test
  void nearest_tieGoesToTheFirstCandidate() {
    assertThat(SettingsKeys.nearest("ab", List.of("ax", "xb"))).contains("ax");
  }
}
