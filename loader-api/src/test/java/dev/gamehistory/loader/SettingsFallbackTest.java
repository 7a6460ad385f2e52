package dev.gamehistory.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsFallbackTest {

  private static Strategy strategy(String... keysAndValues) {
    return LoaderSettings.fromMap(map(keysAndValues)).strategy();
  }

  private static Map<String, String> map(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static LoaderSettingsException failure(String... keysAndValues) {
    return catchThrowableOfType(LoaderSettingsException.class, () -> strategy(keysAndValues));
  }

  @Test
  void fromMap_batchThenPerPlayer() {
    assertThat(strategy("strategy", "batch", "fallback", "per-player", "parallelism", "8"))
        .isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.perPlayer(8)));
  }

  @Test
  void fromMap_fallbackStagesUseDefaultsWithoutKeys() {
    assertThat(strategy("strategy", "batch", "fallback", "chunked, adaptive, per-player"))
        .isEqualTo(Strategy.fallback(Strategy.batch(),
            Strategy.chunked(100, 4), Strategy.adaptive(0, 4), Strategy.perPlayer(4)));
  }

  @Test
  void fromMap_sharedKeysApplyToEveryStageTakingThem() {
    assertThat(strategy("strategy", "chunked", "chunk-size", "50", "parallelism", "2",
        "fallback", "adaptive,per-player,batch"))
        .isEqualTo(Strategy.fallback(Strategy.chunked(50, 2),
            Strategy.adaptive(50, 2), Strategy.perPlayer(2), Strategy.batch()));
  }

  @Test
  void fromMap_chunkSizeZeroForAdaptiveLeavesChunkedAtDefault() {
    assertThat(strategy("strategy", "adaptive", "chunk-size", "0", "fallback", "chunked"))
        .isEqualTo(Strategy.fallback(Strategy.adaptive(0, 4), Strategy.chunked(100, 4)));
    assertThat(strategy("strategy", "batch", "chunk-size", "0", "fallback", "chunked, adaptive"))
        .isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.chunked(100, 4), Strategy.adaptive(0, 4)));
  }

  @Test
  void fromMap_chunkSizeZeroWithChunkedMainAndAdaptiveFallback_acceptedAsTheJavadocSays() {
    assertThat(strategy("strategy", "chunked", "chunk-size", "0", "fallback", "adaptive"))
        .isEqualTo(Strategy.fallback(Strategy.chunked(100, 4), Strategy.adaptive(0, 4)));
  }

  @Test
  void fromMap_chunkSizeZeroWithOnlyChunkedFallback() {
    assertThat(failure("strategy", "batch", "chunk-size", "0", "fallback", "chunked"))
        .hasMessage("chunk-size: must be an integer between 1 and 10000; got '0'");
  }

  @Test
  void fromMap_sharedKeysUsedByFallbackOnly() {
    assertThat(strategy("strategy", "batch", "chunk-size", "25", "parallelism", "3", "fallback", "chunked"))
        .isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.chunked(25, 3)));
  }

  @Test
  void fromMap_stageParameters() {
    assertThat(strategy("strategy", "chunked", "chunk-size", "200", "parallelism", "2",
        "fallback", "chunked(chunk-size=20), adaptive( chunk-size = 0 , parallelism=1 ), per-player(parallelism=16)"))
        .isEqualTo(Strategy.fallback(Strategy.chunked(200, 2),
            Strategy.chunked(20, 2), Strategy.adaptive(0, 1), Strategy.perPlayer(16)));
  }

  @Test
  void fromMap_emptyStageParameters() {
    assertThat(strategy("strategy", "batch", "fallback", "per-player()"))
        .isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.perPlayer(4)));
  }

  @Test
  void fromMap_emptyFallbackMeansNone() {
    assertThat(strategy("strategy", "batch", "fallback", " ")).isEqualTo(Strategy.batch());
  }

  @Test
  void fromMap_sameStrategyTwice() {
    assertThat(strategy("strategy", "batch", "fallback", "batch"))
        .isEqualTo(Strategy.fallback(Strategy.batch(), Strategy.batch()));
  }

  @Test
  void fromMap_keysUnusedByEveryStage() {
    assertThat(failure("strategy", "batch", "fallback", "per-player", "chunk-size", "10"))
        .hasMessage("chunk-size: not used by strategy 'batch' nor by fallback 'per-player'; got '10';"
            + " used by chunked and adaptive");
    assertThat(failure("strategy", "batch", "fallback", "batch", "parallelism", "10"))
        .hasMessage("parallelism: not used by strategy 'batch' nor by fallback 'batch'; got '10';"
            + " used by chunked, per-player and adaptive");
  }

  @Test
  void fromMap_sharedKeyOverriddenByEveryStageIsUnused() {
    assertThat(failure("strategy", "batch", "fallback", "chunked(chunk-size=5)", "chunk-size", "10"))
        .hasMessage("chunk-size: not used by strategy 'batch' nor by fallback 'chunked(chunk-size=5)'; got '10';"
            + " used by chunked and adaptive");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "per-player, fast | fallback: unknown strategy 'fast'; got 'per-player, fast'; allowed: batch, chunked, per-player, adaptive",
      "fallback | fallback: unknown strategy 'fallback'; got 'fallback'; allowed: batch, chunked, per-player, adaptive",
      "Per Player | fallback: malformed stage 'Per Player'; got 'Per Player'; a stage is a strategy name, optionally with parameters, e.g. chunked(chunk-size=50, parallelism=2)",
      "batch,,per-player | fallback: a stage is empty; got 'batch,,per-player'",
      "per-player, | fallback: a stage is empty; got 'per-player,'",
      "chunked(chunk-size=5 | fallback: unbalanced parentheses; got 'chunked(chunk-size=5'",
      "chunked)chunk-size=5( | fallback: unbalanced parentheses; got 'chunked)chunk-size=5('",
      "chunked(chunk-size 5) | fallback: malformed stage 'chunked(chunk-size 5)'; got 'chunked(chunk-size 5)'; a stage is a strategy name, optionally with parameters, e.g. chunked(chunk-size=50, parallelism=2)",
      "chunked(chunk-size=5,) | fallback: malformed stage 'chunked(chunk-size=5,)'; got 'chunked(chunk-size=5,)'; a stage is a strategy name, optionally with parameters, e.g. chunked(chunk-size=50, parallelism=2)",
      "chunked(size=5) | fallback: stage 'chunked' takes no parameter 'size'; got 'chunked(size=5)'; allowed: chunk-size, parallelism",
      "per-player(chunk-size=5) | fallback: stage 'per-player' takes no parameter 'chunk-size'; got 'per-player(chunk-size=5)'; allowed: parallelism",
      "batch(parallelism=2) | fallback: stage 'batch' takes no parameter 'parallelism'; got 'batch(parallelism=2)'; allowed: none",
      "per-player(parallelism=2, parallelism=3) | fallback: stage 'per-player' has parameter 'parallelism' twice; got 'per-player(parallelism=2, parallelism=3)'",
      "chunked(chunk-size=1, chunk-size=1) | fallback: stage 'chunked' has parameter 'chunk-size' twice; got 'chunked(chunk-size=1, chunk-size=1)'",
      "chunked(chunk-size=0) | fallback: chunk-size of stage 'chunked' must be an integer between 1 and 10000; got 'chunked(chunk-size=0)'",
      "adaptive(chunk-size=-1) | fallback: chunk-size of stage 'adaptive' must be an integer between 0 and 10000; got 'adaptive(chunk-size=-1)'",
      "per-player(parallelism=300) | fallback: parallelism of stage 'per-player' must be an integer between 1 and 256; got 'per-player(parallelism=300)'",
  })
  void fromMap_badFallback(String fallback, String message) {
    LoaderSettingsException e = failure("strategy", "batch", "fallback", fallback);

    assertThat(e).hasMessage(message);
    assertThat(e.key()).isEqualTo("fallback");
    assertThat(e.value()).isEqualTo(fallback);
  }
}
