package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoaderSettingsTest {

  private static LoaderSettings parse(String... keysAndValues) {
    return LoaderSettings.fromMap(map(keysAndValues));
  }

  private static Map<String, String> map(String... keysAndValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static LoaderSettingsException failure(String... keysAndValues) {
    return catchThrowableOfType(LoaderSettingsException.class, () -> parse(keysAndValues));
  }

  @Test
  void fromMap_cacheKeys() {
    LoaderSettings settings = parse("cache.enabled", "true", "cache.maximum-players", "360",
        "cache.expire-after-write", "90s");

    assertThat(settings.cache()).isEqualTo(CachePolicy.of(360, Duration.ofSeconds(90)));
    assertThat(LoaderSettings.defaults().cache()).isEqualTo(CachePolicy.disabled());
    assertThat(CachePolicy.disabled().describe()).isEqualTo("no cache");
    assertThat(settings.cache().describe()).isEqualTo("cache 360 players for 90000 ms");
  }

  @Test
  void fromMap_cacheEnabledNotABoolean() {
    assertThat(failure("cache.enabled", "yes")).hasMessage("cache.enabled: must be true or false; got 'yes'");
  }

  @Test
  void fromMap_cacheMaximumPlayersOutOfRange() {
    assertThat(failure("cache.maximum-players", "0"))
        .hasMessage("cache.maximum-players: must be an integer between 1 and 10000000; got '0'");
  }

  @Test
  void fromMap_cacheExpireAfterWriteZero() {
    assertThat(failure("cache.expire-after-write", "0s"))
        .hasMessage("cache.expire-after-write: must be a positive duration; got '0s'");
  }

  @Test
  void fromMap_batchingKeys() {
    LoaderSettings settings = parse("batching.max-delay", "2ms", "batching.max-players", "100");

    assertThat(settings.batching()).isEqualTo(new BatchingPolicy(Duration.ofMillis(2), 100));
    assertThat(LoaderSettings.defaults().batching()).isEqualTo(BatchingPolicy.defaults());
    assertThat(settings.batching().describe()).isEqualTo("batch up to 100 players within 2ms");
  }

  @Test
  void fromMap_batchingMaxDelayTooLong() {
    assertThat(failure("batching.max-delay", "11s")).hasMessage("batching.max-delay: must be at most 10s; got '11s'");
  }

  @Test
  void fromMap_batchingMaxDelayNegative() {
    assertThat(failure("batching.max-delay", "-1ms")).hasMessage("batching.max-delay: must not be negative; got '-1ms'");
  }

  @Test
  void fromMap_batchingMaxPlayersOutOfRange() {
    assertThat(failure("batching.max-players", "10001"))
        .hasMessage("batching.max-players: must be an integer between 1 and 10000; got '10001'");
  }

  @Test
  void cachePolicy_badBounds_areRejectedNamingTheField() {
    assertThatThrownBy(() -> CachePolicy.of(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumPlayers must be between 1 and 10000000 but was 0");
    assertThatThrownBy(() -> CachePolicy.of(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expireAfterWrite must be positive but was PT0S");
    assertThatThrownBy(() -> new BatchingPolicy(Duration.ofMillis(-1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay must not be negative but was PT-0.001S");
    assertThatThrownBy(() -> new BatchingPolicy(Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPlayers must be between 1 and 10000 but was 0");
  }

  @Test
  void fromMap_emptyGivesDefaults() {
    LoaderSettings settings = LoaderSettings.fromMap(Map.of());

    assertThat(settings).isEqualTo(LoaderSettings.defaults());
    assertThat(settings.strategy()).isEqualTo(Strategy.adaptive(0, 4));
    assertThat(settings.timeouts()).isEqualTo(TimeoutPolicy.fixed(Duration.ofSeconds(20), Duration.ofSeconds(30)));
    assertThat(settings.retry()).isEqualTo(new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), 0.5));
    assertThat(settings.lookbackDays()).isEqualTo(90);
    assertThat(settings.maxGames()).isEqualTo(30);
    assertThat(settings.backendProperties()).isEmpty();
    assertThat(settings.backend()).isEqualTo("in-memory");
  }

  @Test
  void fromMap_everyLoaderKey() {
    LoaderSettings settings = parse(
        "strategy", "chunked", "chunk-size", "50", "parallelism", "8",
        "query-timeout", "5s", "query-timeout-per-player", "100ms", "query-timeout-max", "PT15S", "deadline", "1m",
        "retry.max-attempts", "5", "retry.initial-backoff", "0", "retry.max-backoff", "2s", "retry.jitter", "0.25",
        "lookback-days", "30", "max-games", "10");

    assertThat(settings.strategy()).isEqualTo(Strategy.chunked(50, 8));
    assertThat(settings.timeouts()).isEqualTo(TimeoutPolicy.scaled(
        Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMinutes(1)));
    assertThat(settings.retry()).isEqualTo(new RetryPolicy(5, Duration.ZERO, Duration.ofSeconds(2), 0.25));
    assertThat(settings.lookbackDays()).isEqualTo(30);
    assertThat(settings.maxGames()).isEqualTo(10);
  }

  @Test
  void fromMap_trimsKeysAndValues() {
    assertThat(parse(" strategy ", " per-player ", "parallelism", "\t16 ").strategy())
        .isEqualTo(Strategy.perPlayer(16));
  }

  @Test
  void fromProperties_sameAsFromMap() {
    Properties properties = new Properties();
    properties.setProperty("strategy", "batch");
    properties.setProperty("max-games", "12");

    assertThat(LoaderSettings.fromProperties(properties)).isEqualTo(parse("strategy", "batch", "max-games", "12"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "batch      |        |     | batch",
      "chunked    |        |     | chunked(size=100, parallelism=4)",
      "chunked    | 1      | 1   | chunked(size=1, parallelism=1)",
      "chunked    | 10000  | 256 | chunked(size=10000, parallelism=256)",
      "per-player |        |     | per-player(parallelism=4)",
      "per-player |        | 32  | per-player(parallelism=32)",
      "adaptive   |        |     | adaptive(initial-chunk=all, parallelism=4)",
      "adaptive   | 0      |     | adaptive(initial-chunk=all, parallelism=4)",
      "adaptive   | 120    | 2   | adaptive(initial-chunk=120, parallelism=2)",
  })
  void fromMap_strategies(String strategy, String chunkSize, String parallelism, String expected) {
    Map<String, String> values = map("strategy", strategy);
    if (chunkSize != null) {
      values.put("chunk-size", chunkSize);
    }
    if (parallelism != null) {
      values.put("parallelism", parallelism);
    }
    assertThat(LoaderSettings.fromMap(values).strategy().describe()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "strategy                 | fast  | strategy: unknown strategy; got 'fast'; allowed: batch, chunked, per-player, adaptive",
      "strategy                 | per player | strategy: unknown strategy; got 'per player'; allowed: batch, chunked, per-player, adaptive",
      "strategy                 | ''    | strategy: unknown strategy; got ''; allowed: batch, chunked, per-player, adaptive",
      "chunk-size               | x     | chunk-size: must be an integer between 0 and 10000; got 'x'",
      "parallelism              | 0     | parallelism: must be an integer between 1 and 256; got '0'",
      "parallelism              | 257   | parallelism: must be an integer between 1 and 256; got '257'",
      "parallelism              | 4.0   | parallelism: must be an integer between 1 and 256; got '4.0'",
      "parallelism              | 0x10  | parallelism: must be an integer between 1 and 256; got '0x10'",
      "parallelism              | 99999999999999999999 | parallelism: must be an integer between 1 and 256; got '99999999999999999999'",
      "query-timeout            | soon  | query-timeout: not a duration (use 500ms, 30s, 2m or ISO-8601 like PT30S); got 'soon'",
      "query-timeout            | ''    | query-timeout: not a duration (use 500ms, 30s, 2m or ISO-8601 like PT30S); got ''",
      "query-timeout            | 30    | query-timeout: not a duration (use 500ms, 30s, 2m or ISO-8601 like PT30S); got '30'",
      "query-timeout            | 0s    | query-timeout: must be a positive duration; got '0s'",
      "query-timeout            | -5s   | query-timeout: must be a positive duration; got '-5s'",
      "query-timeout-per-player | -1ms  | query-timeout-per-player: must not be negative; got '-1ms'",
      "query-timeout-per-player | x     | query-timeout-per-player: not a duration (use 500ms, 30s, 2m or ISO-8601 like PT30S); got 'x'",
      "query-timeout-max        | PT-1S | query-timeout-max: must not be negative; got 'PT-1S'",
      "deadline                 | 0     | deadline: must be a positive duration; got '0'",
      "retry.max-attempts       | 0     | retry.max-attempts: must be an integer between 1 and 20; got '0'",
      "retry.max-attempts       | 21    | retry.max-attempts: must be an integer between 1 and 20; got '21'",
      "retry.max-attempts       | three | retry.max-attempts: must be an integer between 1 and 20; got 'three'",
      "retry.initial-backoff    | -1s   | retry.initial-backoff: must not be negative; got '-1s'",
      "retry.max-backoff        | 100ms | retry.max-backoff: must not be less than retry.initial-backoff (200ms); got '100ms'",
      "retry.jitter             | 1.01  | retry.jitter: must be a decimal number between 0 and 1; got '1.01'",
      "retry.jitter             | -0.1  | retry.jitter: must be a decimal number between 0 and 1; got '-0.1'",
      "retry.jitter             | NaN   | retry.jitter: must be a decimal number between 0 and 1; got 'NaN'",
      "retry.jitter             | 1e-1  | retry.jitter: must be a decimal number between 0 and 1; got '1e-1'",
      "retry.jitter             | 1.0000000000000000001 | retry.jitter: must be a decimal number between 0 and 1; got '1.0000000000000000001'",
      "lookback-days            | 0     | lookback-days: must be an integer between 1 and 3650; got '0'",
      "lookback-days            | 3651  | lookback-days: must be an integer between 1 and 3650; got '3651'",
      "max-games                | 1001  | max-games: must be an integer between 1 and 1000; got '1001'",
      "max-games                | +5    | max-games: must be an integer between 1 and 1000; got '+5'",
      "backend                  | mysql | backend: unknown backend; got 'mysql'; allowed: in-memory, bigquery",
      "backend                  | in memory | backend: unknown backend; got 'in memory'; allowed: in-memory, bigquery",
      "cache.enabled            | yes   | cache.enabled: must be true or false; got 'yes'",
  })
  void fromMap_badValue(String key, String value, String message) {
    LoaderSettingsException e = failure(key, value);

    assertThat(e).hasMessage(message);
    assertThat(e.key()).isEqualTo(key);
    assertThat(e.value()).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "chunked    | 0 | chunk-size: must be an integer between 1 and 10000; got '0'",
      "chunked    | 10001 | chunk-size: must be an integer between 1 and 10000; got '10001'",
      "chunked    | -1 | chunk-size: must be an integer between 1 and 10000; got '-1'",
      "adaptive   | -1 | chunk-size: must be an integer between 0 and 10000; got '-1'",
      "adaptive   | 10001 | chunk-size: must be an integer between 0 and 10000; got '10001'",
  })
  void fromMap_chunkSizeOutOfRangeForStrategy(String strategy, String chunkSize, String message) {
    assertThat(failure("strategy", strategy, "chunk-size", chunkSize)).hasMessage(message);
  }

  @Test
  void fromMap_chunkSizeWithBatch() {
    LoaderSettingsException e = failure("strategy", "batch", "chunk-size", "100");

    assertThat(e).hasMessage("chunk-size: not used by strategy 'batch'; got '100'; used by chunked and adaptive");
    assertThat(e.key()).isEqualTo("chunk-size");
    assertThat(e.value()).isEqualTo("100");
  }

  @Test
  void fromMap_chunkSizeWithPerPlayer() {
    assertThat(failure("strategy", "per-player", "chunk-size", "100"))
        .hasMessage("chunk-size: not used by strategy 'per-player'; got '100'; used by chunked and adaptive");
  }

  @Test
  void fromMap_parallelismWithBatch() {
    assertThat(failure("strategy", "batch", "parallelism", "8"))
        .hasMessage("parallelism: not used by strategy 'batch'; got '8'; used by chunked, per-player and adaptive");
  }

  @Test
  void fromMap_queryTimeoutAboveDeadline_acceptedAsInCode() {
    TimeoutPolicy timeouts = parse("query-timeout", "40s", "deadline", "30s").timeouts();

    assertThat(timeouts).isEqualTo(TimeoutPolicy.fixed(Duration.ofSeconds(40), Duration.ofSeconds(30)));
    assertThat(timeouts.describe()).isEqualTo("query 40000 ms (cut to the deadline), deadline 30000 ms");
  }

  @Test
  void fromMap_queryTimeoutAboveDefaultDeadline_accepted() {
    assertThat(parse("query-timeout", "31s").timeouts())
        .isEqualTo(TimeoutPolicy.fixed(Duration.ofSeconds(31), Duration.ofSeconds(30)));
  }

  @Test
  void fromMap_deadlineAlone_theUnsetQueryTimeoutFollowsIt() {
    assertThat(parse("deadline", "5s").timeouts())
        .isEqualTo(TimeoutPolicy.fixed(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    assertThat(parse("deadline", "45s").timeouts())
        .isEqualTo(TimeoutPolicy.fixed(Duration.ofSeconds(20), Duration.ofSeconds(45)));
  }

  @Test
  void fromMap_queryTimeoutMaxAlone_theUnsetQueryTimeoutFollowsIt() {
    assertThat(parse("query-timeout-per-player", "10ms", "query-timeout-max", "8s", "deadline", "5s").timeouts())
        .isEqualTo(TimeoutPolicy.scaled(Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofSeconds(8),
            Duration.ofSeconds(5)));
    assertThat(parse("query-timeout-per-player", "10ms", "query-timeout-max", "3s", "deadline", "5s").timeouts())
        .isEqualTo(TimeoutPolicy.scaled(Duration.ofSeconds(3), Duration.ofMillis(10), Duration.ofSeconds(3),
            Duration.ofSeconds(5)));
  }

  @Test
  void fromMap_queryTimeoutMaxBelowQueryTimeout_rejectedAsInCode() {
    assertThat(failure("query-timeout", "10s", "query-timeout-max", "9s").key()).isEqualTo("query-timeout-max");
    assertThatThrownBy(() -> TimeoutPolicy.scaled(Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofSeconds(9),
        Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueryTimeout (PT9S) must not be less than queryTimeout (PT10S)");
  }

  @Test
  void fromMap_queryTimeoutEqualToDeadline() {
    assertThat(parse("query-timeout", "30s").timeouts().queryTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fromMap_queryTimeoutMaxBelowGivenQueryTimeout() {
    assertThat(failure("query-timeout", "10s", "query-timeout-max", "9s"))
        .hasMessage("query-timeout-max: must be 0 (no cap) or at least query-timeout (10s); got '9s'");
  }

  @Test
  void fromMap_queryTimeoutMaxZeroMeansNoCap() {
    TimeoutPolicy timeouts = parse("query-timeout-per-player", "50ms", "query-timeout-max", "0").timeouts();

    assertThat(timeouts.isScaled()).isTrue();
    assertThat(timeouts.queryTimeoutFor(1000)).isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void fromMap_maxBackoffDefaultFollowsLongerInitialBackoff() {
    RetryPolicy retry = parse("retry.initial-backoff", "8s").retry();

    assertThat(retry.initialBackoff()).isEqualTo(Duration.ofSeconds(8));
    assertThat(retry.maxBackoff()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void fromMap_maxBackoffBelowGivenInitialBackoff() {
    assertThat(failure("retry.initial-backoff", "8s", "retry.max-backoff", "5s"))
        .hasMessage("retry.max-backoff: must not be less than retry.initial-backoff (8s); got '5s'");
  }

  @ParameterizedTest
  @CsvSource({"0, 0.0", "1, 1.0", "0.5, 0.5", "1.000, 1.0", ".25, 0.25", "0.0001, 0.0001"})
  void fromMap_jitter(String text, double expected) {
    assertThat(parse("retry.jitter", text).retry().jitter()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "3650, 3650", "007, 7"})
  void fromMap_lookbackDays(String text, int expected) {
    assertThat(parse("lookback-days", text).lookbackDays()).isEqualTo(expected);
  }

  @Test
  void fromMap_unknownKeyNearKnownOne() {
    LoaderSettingsException e = failure("chunk-sise", "10");

    assertThat(e).hasMessage("chunk-sise: unknown setting; did you mean 'chunk-size'?");
    assertThat(e.key()).isEqualTo("chunk-sise");
    assertThat(e.value()).isEqualTo("10");
  }

  @Test
  void fromMap_unknownKeyByPrefix() {
    assertThat(failure("bigquery.columns.player", "who"))
        .hasMessage("bigquery.columns.player: unknown setting; did you mean 'bigquery.columns.player_lookup'?");
  }

  @Test
  void fromMap_unknownKeyCaseMatters() {
    assertThat(failure("Strategy", "batch")).hasMessage("Strategy: unknown setting; did you mean 'strategy'?");
  }

  @Test
  void fromMap_unknownKeyFarFromAll() {
    assertThat(failure("colour", "red")).hasMessage("colour: unknown setting; known settings: strategy, chunk-size, "
        + "parallelism, fallback, query-timeout, query-timeout-per-player, query-timeout-max, deadline, "
        + "retry.max-attempts, retry.initial-backoff, retry.max-backoff, retry.jitter, lookback-days, max-games, "
        + "cache.enabled, cache.maximum-players, cache.expire-after-write, batching.max-delay, batching.max-players, "
        + "backfill.dates-per-query, backfill.pairs-per-query, backfill.deadline, "
        + "backend, bigquery.project, bigquery.table, bigquery.location, bigquery.host, "
        + "bigquery.maximum-bytes-billed, bigquery.labels, bigquery.credentials, bigquery.wait-slice, bigquery.first-wait, "
        + "bigquery.job-creation, "
        + "bigquery.read-attempts, bigquery.columns.player_lookup, "
        + "bigquery.columns.game_date, bigquery.columns.opponent_team_abbr, bigquery.columns.points, "
        + "bigquery.columns.minutes_played, bigquery.columns.team_abbr, bigquery.columns.game_id, in-memory.csv, "
        + "in-memory.seed, in-memory.seasons");
  }

  @Test
  void fromMap_unknownBackendKeyUnderKnownPrefix() {
    assertThat(failure("bigquery.dataset", "games"))
        .hasMessageStartingWith("bigquery.dataset: unknown setting; known settings: strategy, chunk-size, ")
        .hasMessageEndingWith(", in-memory.seasons");
  }

  @Test
  void fromMap_blankKey() {
    LoaderSettingsException e = failure("  ", "x");

    assertThat(e).hasMessage("settings keys must not be blank; got '  ' with value 'x'");
  }

  @Test
  void fromMap_nullValue() {
    assertThat(failure("max-games", null)).hasMessage("max-games: no value; got null");
  }

  @Test
  void fromMap_sameKeyTwiceAfterTrimming() {
    assertThat(failure("max-games", "10", "max-games ", "11"))
        .hasMessage("max-games: given twice; got 'max-games' and 'max-games ' as keys");
  }

  @Test
  void fromMap_backendPropertiesKeptVerbatim() {
    LoaderSettings settings = parse(
        "backend", "bigquery",
        "bigquery.table", " my-project.games.player_game_summary ",
        "bigquery.labels", "team=ml,env=prod",
        "bigquery.columns.points", "pts",
        "in-memory.seed", "not checked here");

    assertThat(settings.backend()).isEqualTo("bigquery");
    assertThat(settings.backendProperties()).containsExactly(
        Map.entry("backend", "bigquery"),
        Map.entry("bigquery.columns.points", "pts"),
        Map.entry("bigquery.labels", "team=ml,env=prod"),
        Map.entry("bigquery.table", "my-project.games.player_game_summary"),
        Map.entry("in-memory.seed", "not checked here"));
  }

  @Test
  void fromMap_inMemoryBackendNamedExplicitly() {
    assertThat(parse("backend", "in-memory").backendProperties()).containsExactly(Map.entry("backend", "in-memory"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "BATCH | batch", "Batch | batch", "CHUNKED | chunked(size=100, parallelism=4)",
      "Per-Player | per-player(parallelism=4)", "PER_PLAYER | per-player(parallelism=4)",
      "perPlayer | per-player(parallelism=4)", "perplayer | per-player(parallelism=4)",
      "ADAPTIVE | adaptive(initial-chunk=all, parallelism=4)"})
  void fromMap_strategyNames_readWithoutRegardToCaseDashesAndUnderscores(String text, String described) {
    assertThat(parse("strategy", text).strategy().describe()).isEqualTo(described);
  }

  @Test
  void fromMap_namedValues_readWithoutRegardToCaseAndStoredCanonically() {
    LoaderSettings settings = parse("backend", "BigQuery", "bigquery.job-creation", "OPTIONAL", "cache.enabled", "TRUE",
        "fallback", "PER_PLAYER, Batch");

    assertThat(settings.backend()).isEqualTo("bigquery");
    assertThat(settings.backendProperties()).containsEntry("bigquery.job-creation", "optional");
    assertThat(settings.cache().enabled()).isTrue();
    assertThat(settings.strategy()).isEqualTo(Strategy.fallback(Strategy.adaptive(), Strategy.perPlayer(4),
        Strategy.batch()));
    assertThat(parse("backend", "IN_MEMORY").backend()).isEqualTo("in-memory");
    assertThat(parse("backend", "InMemory").backend()).isEqualTo("in-memory");
    assertThat(parse("cache.enabled", "False").cache().enabled()).isFalse();
  }

  @Test
  void fromMap_otherBackendValues_keptAsGiven() {
    assertThat(parse("bigquery.job-creation", "Sometimes", "bigquery.location", "EU").backendProperties())
        .containsEntry("bigquery.job-creation", "Sometimes")
        .containsEntry("bigquery.location", "EU");
  }

  @Test
  void fromMap_firstErrorInCatalogueOrder() {
    assertThat(failure("max-games", "0", "strategy", "fast", "deadline", "never"))
        .hasMessage("strategy: unknown strategy; got 'fast'; allowed: batch, chunked, per-player, adaptive");
  }

  @Test
  void fromMap_unknownKeyBeforeBadValue() {
    assertThat(failure("strategy", "fast", "zzz-unknown-key-zzz", "1").key()).isEqualTo("zzz-unknown-key-zzz");
  }

  @Test
  void fromMap_nullMapRejected() {
    assertThatThrownBy(() -> LoaderSettings.fromMap(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void fromProperties_valueNotAString_rejectedNamingTheKey() {
    java.util.Properties properties = new java.util.Properties();
    properties.put("deadline", java.time.Duration.ofSeconds(5));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoaderSettings.fromProperties(properties))
        .isInstanceOfSatisfying(LoaderSettingsException.class, e -> assertThat(e.key()).isEqualTo("deadline"))
        .hasMessage("deadline: must be given as a string, not a java.time.Duration; got 'PT5S'");
  }

  @Test
  void fromProperties_defaultsOfTheProperties_read() {
    java.util.Properties defaults = new java.util.Properties();
    defaults.setProperty("deadline", "45s");
    java.util.Properties properties = new java.util.Properties(defaults);
    properties.setProperty("query-timeout", "10s");

    LoaderSettings settings = LoaderSettings.fromProperties(properties);

    assertThat(settings.timeouts().deadline()).isEqualTo(java.time.Duration.ofSeconds(45));
  }

  @Test
  void loadRequest_windowOutsideTheBigQueryDateRange_rejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadRequest.of(java.time.LocalDate.of(1, 2, 1), List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the window 0000-11-03 .. 0001-02-01 (gameDate 0001-02-01, lookbackDays 90) must lie within"
            + " 0001-01-01 .. 9999-12-31, the range of a BigQuery DATE");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadRequest.of(java.time.LocalDate.of(10000, 1, 1), List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the window 9999-10-03 .. +10000-01-01");
    assertThat(LoadRequest.of(java.time.LocalDate.of(9999, 12, 31), List.of("a")).windowEnd())
        .isEqualTo(java.time.LocalDate.of(9999, 12, 31));
  }
}
