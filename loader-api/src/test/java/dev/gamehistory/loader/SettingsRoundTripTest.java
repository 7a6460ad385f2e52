package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamehistory.loader.internal.settings.SettingsKeys;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SettingsRoundTripTest {

  private static void assertRoundTrip(LoaderSettings settings) {
    Map<String, String> map = settings.toMap();
    assertThat(LoaderSettings.fromMap(map)).as("%s", map).isEqualTo(settings);
  }

  @Test
  void toMap_defaults() {
    assertThat(LoaderSettings.defaults().toMap()).containsExactly(
        Map.entry("strategy", "adaptive"),
        Map.entry("chunk-size", "0"),
        Map.entry("parallelism", "4"),
        Map.entry("query-timeout", "20s"),
        Map.entry("query-timeout-per-player", "0s"),
        Map.entry("query-timeout-max", "0s"),
        Map.entry("deadline", "30s"),
        Map.entry("retry.max-attempts", "3"),
        Map.entry("retry.initial-backoff", "200ms"),
        Map.entry("retry.max-backoff", "5s"),
        Map.entry("retry.jitter", "0.5"),
        Map.entry("lookback-days", "90"),
        Map.entry("max-games", "30"),
        Map.entry("cache.enabled", "false"),
        Map.entry("cache.maximum-players", "10000"),
        Map.entry("cache.expire-after-write", "10m"),
        Map.entry("batching.max-delay", "5ms"),
        Map.entry("batching.max-players", "500"),
        Map.entry("backfill.dates-per-query", "30"),
        Map.entry("backfill.pairs-per-query", "10000"),
        Map.entry("backfill.deadline", "30m"));
    assertRoundTrip(LoaderSettings.defaults());
  }

  @Test
  void toMap_batchLeavesOutChunkSizeAndParallelism() {
    LoaderSettings settings = LoaderSettings.builder().strategy(Strategy.batch()).build();

    assertThat(settings.toMap()).doesNotContainKeys("chunk-size", "parallelism", "fallback");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_fallbackChainWithSharedParameters() {
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.fallback(Strategy.batch(), Strategy.chunked(50, 8), Strategy.perPlayer(8)))
        .build();

    assertThat(settings.toMap())
        .containsEntry("strategy", "batch")
        .containsEntry("chunk-size", "50")
        .containsEntry("parallelism", "8")
        .containsEntry("fallback", "chunked, per-player");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_fallbackStagesWithTheirOwnParameters() {
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.fallback(Strategy.chunked(100, 4), Strategy.adaptive(0, 4), Strategy.chunked(10, 2),
            Strategy.perPlayer(16), Strategy.batch()))
        .build();

    assertThat(settings.toMap())
        .containsEntry("strategy", "chunked")
        .containsEntry("chunk-size", "100")
        .containsEntry("parallelism", "4")
        .containsEntry("fallback",
            "adaptive(chunk-size=0), chunked(chunk-size=10, parallelism=2), per-player(parallelism=16), batch");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_adaptiveZeroThenChunkedDefault() {
    LoaderSettings settings = LoaderSettings.builder()
        .strategy(Strategy.fallback(Strategy.adaptive(0, 4), Strategy.chunked(100, 4)))
        .build();

    assertThat(settings.toMap()).containsEntry("chunk-size", "0").containsEntry("fallback", "chunked");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_scaledTimeouts() {
    LoaderSettings settings = LoaderSettings.builder()
        .timeouts(TimeoutPolicy.scaled(Duration.ofMillis(1500), Duration.ofNanos(2_500_000), Duration.ofMinutes(2),
            Duration.ofHours(1)))
        .build();

    assertThat(settings.toMap())
        .containsEntry("query-timeout", "1500ms")
        .containsEntry("query-timeout-per-player", "PT0.0025S")
        .containsEntry("query-timeout-max", "2m")
        .containsEntry("deadline", "1h");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_retryAndBackend() {
    LoaderSettings settings = LoaderSettings.builder()
        .retry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.0))
        .backendProperty("backend", "bigquery")
        .backendProperty("bigquery.table", "p.d.t")
        .backendProperty("in-memory.seed", "7")
        .build();

    assertThat(settings.toMap())
        .containsEntry("retry.initial-backoff", "0s")
        .containsEntry("retry.jitter", "0")
        .containsEntry("backend", "bigquery")
        .containsEntry("bigquery.table", "p.d.t")
        .containsEntry("in-memory.seed", "7");
    assertThat(List.copyOf(settings.toMap().keySet())).endsWith("backend", "bigquery.table", "in-memory.seed");
    assertRoundTrip(settings);
  }

  @Test
  void toMap_backendPropertyNamedLikeLoaderSetting() {
    LoaderSettings settings = LoaderSettings.builder().backendProperty("strategy", "batch").build();

    assertThatThrownBy(settings::toMap)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backendProperties: 'strategy' is a loader setting, not a backend property");
  }

  @Test
  void toMap_settingsOutsideTheKeysAreRejectedWhenParsedBack_aQueryTimeoutAboveTheDeadlineIsNot() {
    LoaderSettings unknownKey = LoaderSettings.builder().backendProperty("bigquery.tabel", "t").build();
    LoaderSettings timeoutAboveDeadline = LoaderSettings.builder()
        .timeouts(TimeoutPolicy.fixed(Duration.ofSeconds(40), Duration.ofSeconds(30)))
        .build();

    assertThatThrownBy(() -> LoaderSettings.fromMap(unknownKey.toMap()))
        .hasMessage("bigquery.tabel: unknown setting; did you mean 'bigquery.table'?");
    assertRoundTrip(timeoutAboveDeadline);
  }

  @Test
  void toMap_parsedSettingsRoundTrip() {
    List<Map<String, String>> inputs = List.of(
        Map.of(),
        Map.of("strategy", "batch", "fallback", "per-player", "parallelism", "16"),
        Map.of("strategy", "per-player", "fallback", "chunked(chunk-size=7), batch, adaptive"),
        Map.of("strategy", "batch", "chunk-size", "0", "fallback", "chunked, adaptive"),
        Map.of("query-timeout", "1.5s", "query-timeout-per-player", "25ms", "query-timeout-max", "PT10S"),
        Map.of("retry.initial-backoff", "8s", "retry.jitter", ".125"),
        Map.of("backend", "bigquery", "bigquery.labels", "a=b,c=d", "bigquery.host", "http://127.0.0.1:9050"),
        Map.of("cache.enabled", "true", "cache.maximum-players", "360", "cache.expire-after-write", "90s"),
        Map.of("batching.max-delay", "0s", "batching.max-players", "1"));
    for (Map<String, String> input : inputs) {
      assertRoundTrip(LoaderSettings.fromMap(input));
    }
  }

  @Test
  void toMap_randomSettingsRoundTrip() {
    Random random = new Random(20240601);
    for (int i = 0; i < 2_000; i++) {
      assertRoundTrip(randomSettings(random));
    }
  }

  private static LoaderSettings randomSettings(Random random) {
    List<Strategy> stages = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      stages.add(randomStage(random));
    }
    Strategy strategy = stages.size() == 1
        ? stages.get(0) : Strategy.fallback(stages.get(0), stages.subList(1, stages.size()).toArray(new Strategy[0]));
    Duration queryTimeout = randomDuration(random).plusNanos(1);
    Duration deadline = queryTimeout.plus(random.nextBoolean() ? Duration.ZERO : randomDuration(random));
    Duration perPlayer = random.nextBoolean() ? Duration.ZERO : randomDuration(random);
    Duration max = random.nextBoolean() ? Duration.ZERO : queryTimeout.plus(randomDuration(random));
    Duration initialBackoff = random.nextBoolean() ? Duration.ZERO : randomDuration(random);
    Duration maxBackoff = initialBackoff.plus(random.nextBoolean() ? Duration.ZERO : randomDuration(random));
    double jitter = switch (random.nextInt(3)) {
      case 0 -> 0.0;
      case 1 -> 1.0;
      default -> random.nextDouble();
    };
    Map<String, String> backend = new TreeMap<>();
    List<String> backendKeys = SettingsSources.knownKeys().keySet().stream().filter(SettingsKeys::isBackendKey).toList();
    for (String key : backendKeys) {
      if (random.nextInt(4) == 0) {
        backend.put(key, key.equals("backend") ? SettingsKeys.BACKENDS.get(random.nextInt(2)) : "v" + random.nextInt(100));
      }
    }
    return LoaderSettings.builder()
        .strategy(strategy)
        .timeouts(new TimeoutPolicy(queryTimeout, perPlayer, max, deadline))
        .retry(new RetryPolicy(1 + random.nextInt(20), initialBackoff, maxBackoff, jitter))
        .lookbackDays(1 + random.nextInt(3650))
        .maxGames(1 + random.nextInt(1000))
        .backendProperties(backend)
        .cache(new CachePolicy(random.nextBoolean(), 1 + random.nextInt(CachePolicy.MAX_MAXIMUM_PLAYERS),
            randomDuration(random).plusNanos(1)))
        // A window of one's own ends before the deadline (settings refuse it otherwise, in code and in properties).
        .batching(new BatchingPolicy(Duration.ofNanos(random.nextLong(Math.max(1, Math.min(1_000_000_000,
            deadline.toNanos())))), 1 + random.nextInt(BatchingPolicy.MAX_MAX_PLAYERS)))
        .build();
  }

  private static Strategy randomStage(Random random) {
    int parallelism = random.nextBoolean() ? 4 : 1 + random.nextInt(256);
    int chunkSize = switch (random.nextInt(3)) {
      case 0 -> 100;
      case 1 -> 0;
      default -> random.nextInt(10_001);
    };
    return switch (random.nextInt(4)) {
      case 0 -> Strategy.batch();
      case 1 -> Strategy.chunked(Math.max(1, chunkSize), parallelism);
      case 2 -> Strategy.perPlayer(parallelism);
      default -> Strategy.adaptive(chunkSize, parallelism);
    };
  }

  private static Duration randomDuration(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Duration.ofMillis(random.nextInt(100_000));
      case 1 -> Duration.ofSeconds(random.nextInt(10_000));
      case 2 -> Duration.ofMinutes(random.nextInt(100));
      default -> Duration.ofNanos(random.nextInt(Integer.MAX_VALUE));
    };
  }
}
