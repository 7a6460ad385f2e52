package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEFAULT_CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEFAULT_PARALLELISM;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.FALLBACK;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.PARALLELISM;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGIES;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGY;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.ADAPTIVE;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.CHUNKED;

import dev.gamehistory.loader.internal.settings.GivenValues.Given;
import dev.gamehistory.loader.internal.settings.StrategyGrammar.Stage;
import dev.gamehistory.loader.settings.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The strategy in effect (the top layer's choice and fallback) and the shared keys its stages take:
 * {@code chunk-size} or {@code parallelism} that a higher layer's choice left unused is ignored, one
 * unused already at its own layer (that layer, or one below it, chose a strategy that does not take
 * it) is an error.
 */
final class StrategyChoice {

  private final GivenValues values;
  private final List<Map<String, Given>> layers;
  private final Map<String, String> ignored;

  /**
   * @param layers each layer's values, lowest first
   * @param ignored where each ignored key is noted, with why
   */
  StrategyChoice(GivenValues values, List<Map<String, Given>> layers, Map<String, String> ignored) {
    this.values = values;
    this.layers = layers;
    this.ignored = ignored;
  }

  Strategy strategy() {
    Given strategyValue = values.get(STRATEGY);
    String mainName = ADAPTIVE;
    if (strategyValue == null) {
      values.defaults.put(STRATEGY, ADAPTIVE);
    } else {
      String name = StrategyGrammar.strategyName(strategyValue.value());
      if (name == null) {
        throw values.error(STRATEGY, "unknown strategy", "; allowed: " + String.join(", ", STRATEGIES));
      }
      mainName = name;
    }
    Stage main = new Stage(mainName, null, null);
    List<Stage> fallback = fallback();
    List<Stage> stages = new ArrayList<>();
    stages.add(main);
    stages.addAll(fallback);

    Integer chunkSize = null;
    List<Stage> chunkSizeUsers = stages.stream().filter(stage -> stage.usesShared(CHUNK_SIZE)).toList();
    if (values.has(CHUNK_SIZE)) {
      if (chunkSizeUsers.isEmpty()) {
        ignoreOrReject(CHUNK_SIZE, mainName, "chunked and adaptive");
      } else {
        // 0 (the whole slate as the first chunk) means something only to adaptive: it is accepted when
        // any stage that takes the shared chunk-size is adaptive; chunked stages then use the default.
        boolean zeroAllowed = chunkSizeUsers.stream().anyMatch(stage -> stage.name().equals(ADAPTIVE));
        chunkSize = values.integer(CHUNK_SIZE, zeroAllowed ? 0 : 1, Strategy.MAX_CHUNK_SIZE, 0);
      }
    } else if (!chunkSizeUsers.isEmpty()) {
      Set<String> stageNames = new LinkedHashSet<>();
      chunkSizeUsers.forEach(stage -> stageNames.add(stage.name()));
      values.defaults.put(CHUNK_SIZE, stageNames.size() > 1 ? DEFAULT_CHUNK_SIZE + " for chunked, 0 for adaptive"
          : stageNames.contains(CHUNKED) ? Integer.toString(DEFAULT_CHUNK_SIZE) : "0");
    }
    Integer parallelism = null;
    boolean parallelismUsed = stages.stream().anyMatch(stage -> stage.usesShared(PARALLELISM));
    if (values.has(PARALLELISM)) {
      if (!parallelismUsed) {
        ignoreOrReject(PARALLELISM, mainName, "chunked, per-player and adaptive");
      } else {
        parallelism = values.integer(PARALLELISM, 1, Strategy.MAX_PARALLELISM, DEFAULT_PARALLELISM);
      }
    } else if (parallelismUsed) {
      values.defaults.put(PARALLELISM, Integer.toString(DEFAULT_PARALLELISM));
    }

    try {
      if (fallback.isEmpty()) {
        return SettingsParser.build(main, chunkSize, parallelism);
      }
      List<Strategy> built = new ArrayList<>();
      for (Stage stage : fallback) {
        built.add(SettingsParser.build(stage, chunkSize, parallelism));
      }
      return Strategy.fallback(SettingsParser.build(main, chunkSize, parallelism), built.toArray(new Strategy[0]));
    } catch (IllegalArgumentException e) {
      throw values.rejected(values.has(FALLBACK) ? FALLBACK : STRATEGY, e);
    }
  }

  /**
   * {@code key} is used by no stage of the strategy in effect: ignored when the strategy in effect
   * at the key's own layer used it (a higher layer changed the strategy or the fallback), else an
   * error (its layer, or one below, chose a strategy that does not take it).
   */
  private void ignoreOrReject(String key, String mainName, String usedBy) {
    String unused = "not used by strategy '" + mainName + "'" + values.whereGiven(STRATEGY);
    Given fallback = values.get(FALLBACK);
    if (fallback != null && !fallback.value().isBlank()) {
      unused += " nor by fallback '" + fallback.value() + "'" + fallback.where();
    }
    if (usedAtLayer(key, Objects.requireNonNull(values.get(key), key).layer())) {
      ignored.put(key, unused);
      return;
    }
    throw values.error(key, unused, "; used by " + usedBy);
  }

  /**
   * Whether the strategy and fallback in effect at layer {@code index} (that layer and those below)
   * take {@code key}; {@code true} when those values do not parse, as the top layer overrode them.
   */
  private boolean usedAtLayer(String key, int index) {
    String strategy = ADAPTIVE;
    String fallback = "";
    for (int i = 0; i <= index; i++) {
      Given layerStrategy = layers.get(i).get(STRATEGY);
      if (layerStrategy != null) {
        strategy = layerStrategy.value();
      }
      Given layerFallback = layers.get(i).get(FALLBACK);
      if (layerFallback != null) {
        fallback = layerFallback.value();
      }
    }
    String name = StrategyGrammar.strategyName(strategy);
    if (name == null) {
      return true;
    }
    List<Stage> stages = new ArrayList<>();
    stages.add(new Stage(name, null, null));
    try {
      stages.addAll(StrategyGrammar.stages(fallback));
    } catch (StrategyGrammar.Malformed e) {
      return true;
    }
    return stages.stream().anyMatch(stage -> stage.usesShared(key));
  }

  private List<Stage> fallback() {
    Given value = values.get(FALLBACK);
    if (value == null) {
      values.defaults.put(FALLBACK, "");
      return List.of();
    }
    try {
      return StrategyGrammar.stages(value.value());
    } catch (StrategyGrammar.Malformed e) {
      throw values.error(FALLBACK, e.problem(), e.help());
    }
  }
}
