package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_DATES_PER_QUERY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_DEADLINE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_PAIRS_PER_QUERY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BATCHING_MAX_DELAY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BATCHING_MAX_PLAYERS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_ENABLED;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_EXPIRE_AFTER_WRITE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_MAXIMUM_PLAYERS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEADLINE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEFAULT_CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEFAULT_PARALLELISM;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.FALLBACK;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.LOOKBACK_DAYS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.MAX_GAMES;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.PARALLELISM;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT_MAX;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT_PER_PLAYER;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_INITIAL_BACKOFF;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_JITTER;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_MAX_ATTEMPTS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_MAX_BACKOFF;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGY;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.ADAPTIVE;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.BATCH;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.CHUNKED;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.PER_PLAYER;

import dev.gamehistory.loader.internal.settings.GivenValues.Given;
import dev.gamehistory.loader.internal.settings.StrategyGrammar.Stage;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.SettingsSources;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and prints {@link LoaderSettings}: the rules behind {@link LoaderSettings#fromMap(Map, Map)},
 * {@link LoaderSettings#toMap()} and {@link SettingsSources}.
 *
 * <p>Rules beyond each key's own range:
 *
 * <ul>
 *   <li>Keys are exact after trimming; values are trimmed. An unknown key, or an {@code HGL_}
 *       variable naming no key, is an error that suggests the nearest key. Values that are names
 *       from a fixed list (strategies, also in {@code fallback}; {@code backend};
 *       {@code cache.enabled}; {@code bigquery.job-creation}) are read without regard to case,
 *       {@code -} and {@code _}, see {@link SettingsKeys#canonicalValue}.
 *   <li>Layers: the value of a key is the one of the highest layer that gives it.
 *   <li>{@code chunk-size} and {@code parallelism} apply to every stage that takes them (the main
 *       strategy and each {@code fallback} stage): batch takes neither, per-player only parallelism.
 *       A stage without the key uses its default (chunk size 100 for chunked, 0 for adaptive;
 *       parallelism 4). {@code chunk-size=0} is accepted when an adaptive stage uses it; chunked
 *       stages then use 100. Giving one that no stage uses is an error, unless a higher layer than
 *       the key's chose the strategy or fallback that leaves it unused: then it is ignored, listed
 *       as such in {@link SettingsSources.Resolved#entries()} and logged at WARN once per
 *       resolution (logger {@value #LOGGER}).
 *   <li>A {@code fallback} stage may carry its own parameters, which override the shared keys for
 *       that stage: {@code chunked(chunk-size=50, parallelism=2)}, {@code per-player(parallelism=8)}.
 *       {@link #toMap} writes them only where a stage differs from what the shared keys give.
 *   <li>An unset {@code query-timeout} is the shortest of 20 s, {@code deadline} and a non-zero
 *       {@code query-timeout-max}; a longer one is accepted, as {@link dev.gamehistory.loader.settings.TimeoutPolicy}
 *       accepts it: no query runs past the deadline. A non-zero {@code query-timeout-max} must not be
 *       below {@code query-timeout}.
 *   <li>{@code retry.max-backoff} must not be below {@code retry.initial-backoff}; when absent it is
 *       5 s, or the initial backoff when that is longer.
 *   <li>Backend keys ({@code backend}, {@code bigquery.*}, {@code in-memory.*}) go to
 *       {@link LoaderSettings#backendProperties()} as given (trimmed; named values canonical); only
 *       {@code backend} is checked here, against {@link SettingsKeys#BACKENDS}.
 *   <li>Messages: {@code <key> (<origin>): <problem>; got '<value>'<help>}, the origin left out
 *       for values given without one (the map of {@link LoaderSettings#fromMap(Map)}).
 * </ul>
 */
public final class SettingsParser {

  /** The logger of ignored settings. */
  public static final String LOGGER = "dev.gamehistory.loader.settings";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  /** The origin shown in entries for values given without one. */
  private static final String UNNAMED_ORIGIN = "settings";

  private SettingsParser() {}

  /**
   * Parses settings keys and values, then applies the {@code HGL_} environment overrides.
   *
   * @throws LoaderSettingsException naming the key (or variable) and the value for any bad input
   */
  public static LoaderSettings parse(Map<String, String> values, Map<String, String> environment) {
    return resolve(List.of(SettingsLayer.values(null, values), SettingsLayer.environment(environment)))
        .settings();
  }

  /**
   * Merges the layers (later wins) and parses the result, keeping each value's origin; logs the
   * ignored keys, if any, in one WARN line.
   *
   * @throws LoaderSettingsException naming the key (or variable), its origin and the value for any bad input
   */
  public static SettingsSources.Resolved resolve(List<SettingsLayer> layers) {
    List<Map<String, Given>> byLayer = new ArrayList<>();
    Map<String, Given> given = new HashMap<>();
    for (SettingsLayer layer : layers) {
      Map<String, Given> values = layer.environment()
          ? readEnvironment(layer, byLayer.size()) : readValues(layer, byLayer.size());
      byLayer.add(values);
      given.putAll(values);
    }
    SettingsInterpreter interpreter = new SettingsInterpreter(given, byLayer);
    LoaderSettings settings = interpreter.settings();
    List<SettingsSources.Entry> entries = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String key : SettingsKeys.catalogue().keySet()) {
      Given value = given.get(key);
      if (value != null) {
        String origin = value.origin() != null ? value.origin() : UNNAMED_ORIGIN;
        Optional<String> why = Optional.ofNullable(interpreter.ignored.get(key));
        entries.add(new SettingsSources.Entry(key, value.value(), origin, why));
        why.ifPresent(reason -> ignored.add(key + "=" + value.value() + value.where()));
      } else if (interpreter.defaults.containsKey(key)) {
        entries.add(new SettingsSources.Entry(key, interpreter.defaults.get(key), SettingsSources.DEFAULT_ORIGIN));
      }
    }
    if (!ignored.isEmpty()) {
      // Every ignored key has the same reason: the strategy and fallback in effect do not use it.
      LOG.warn("settings ignored, {}: {}", interpreter.ignored.values().iterator().next(), String.join(", ", ignored));
    }
    return new SettingsSources.Resolved(settings, entries);
  }

  /**
   * The settings as keys and values, in catalogue order, that {@link #parse} turns back into equal
   * settings. Every setting is written, including the strategy parameters that apply; keys that do
   * not apply (e.g. {@code chunk-size} for batch) and {@code fallback} without a fallback are left
   * out. Backend properties are written as they are, so settings built in code with keys or values
   * {@link #parse} would reject (an unknown backend key, a value with surrounding spaces, a query
   * timeout above the deadline) give a map that {@link #parse} rejects.
   *
   * @throws IllegalArgumentException when a backend property has the key of a loader setting
   */
  public static Map<String, String> toMap(LoaderSettings settings) {
    Map<String, String> map = new LinkedHashMap<>();
    List<Strategy> stages = settings.strategy() instanceof Strategy.Fallback fallback
        ? fallback.stages() : List.of(settings.strategy());
    Integer chunkSize = null;
    Integer parallelism = null;
    for (Strategy stage : stages) {
      if (chunkSize == null) {
        chunkSize = chunkSizeOf(stage);
      }
      if (parallelism == null) {
        parallelism = parallelismOf(stage);
      }
    }
    map.put(STRATEGY, stages.get(0).name());
    if (chunkSize != null) {
      map.put(CHUNK_SIZE, Integer.toString(chunkSize));
    }
    if (parallelism != null) {
      map.put(PARALLELISM, Integer.toString(parallelism));
    }
    if (stages.size() > 1) {
      List<String> fallback = new ArrayList<>();
      for (Strategy stage : stages.subList(1, stages.size())) {
        fallback.add(describeStage(stage, chunkSize, parallelism));
      }
      map.put(FALLBACK, String.join(", ", fallback));
    }
    TimeoutPolicy timeouts = settings.timeouts();
    map.put(QUERY_TIMEOUT, DurationParser.format(timeouts.queryTimeout()));
    map.put(QUERY_TIMEOUT_PER_PLAYER, DurationParser.format(timeouts.perPlayer()));
    map.put(QUERY_TIMEOUT_MAX, DurationParser.format(timeouts.maxQueryTimeout()));
    map.put(DEADLINE, DurationParser.format(timeouts.deadline()));
    RetryPolicy retry = settings.retry();
    map.put(RETRY_MAX_ATTEMPTS, Integer.toString(retry.maxAttempts()));
    map.put(RETRY_INITIAL_BACKOFF, DurationParser.format(retry.initialBackoff()));
    map.put(RETRY_MAX_BACKOFF, DurationParser.format(retry.maxBackoff()));
    map.put(RETRY_JITTER, BigDecimal.valueOf(retry.jitter()).stripTrailingZeros().toPlainString());
    map.put(LOOKBACK_DAYS, Integer.toString(settings.lookbackDays()));
    map.put(MAX_GAMES, Integer.toString(settings.maxGames()));
    CachePolicy cache = settings.cache();
    map.put(CACHE_ENABLED, Boolean.toString(cache.enabled()));
    map.put(CACHE_MAXIMUM_PLAYERS, Integer.toString(cache.maximumPlayers()));
    map.put(CACHE_EXPIRE_AFTER_WRITE, DurationParser.format(cache.expireAfterWrite()));
    BatchingPolicy batching = settings.batching();
    map.put(BATCHING_MAX_DELAY, DurationParser.format(batching.maxDelay()));
    map.put(BATCHING_MAX_PLAYERS, Integer.toString(batching.maxPlayers()));
    BackfillPolicy backfill = settings.backfill();
    map.put(BACKFILL_DATES_PER_QUERY, Integer.toString(backfill.datesPerQuery()));
    map.put(BACKFILL_PAIRS_PER_QUERY, Integer.toString(backfill.pairsPerQuery()));
    map.put(BACKFILL_DEADLINE, DurationParser.format(backfill.deadline()));
    Map<String, String> backend = new TreeMap<>(settings.backendProperties());
    for (String key : SettingsKeys.catalogue().keySet()) {
      String value = backend.remove(key);
      if (value != null) {
        putBackendProperty(map, key, value);
      }
    }
    backend.forEach((key, value) -> putBackendProperty(map, key, value));
    return Collections.unmodifiableMap(map);
  }

  private static void putBackendProperty(Map<String, String> map, String key, String value) {
    if (map.containsKey(key)) {
      throw new IllegalArgumentException(
          "backendProperties: '" + key + "' is a loader setting, not a backend property");
    }
    map.put(key, value);
  }

  private static @Nullable Integer chunkSizeOf(Strategy stage) {
    if (stage instanceof Strategy.Chunked chunked) {
      return chunked.chunkSize();
    }
    if (stage instanceof Strategy.Adaptive adaptive) {
      return adaptive.initialChunkSize();
    }
    return null;
  }

  private static @Nullable Integer parallelismOf(Strategy stage) {
    if (stage instanceof Strategy.Chunked chunked) {
      return chunked.parallelism();
    }
    if (stage instanceof Strategy.PerPlayer perPlayer) {
      return perPlayer.parallelism();
    }
    if (stage instanceof Strategy.Adaptive adaptive) {
      return adaptive.parallelism();
    }
    return null;
  }

  /** A fallback stage as text, with the parameters where the shared keys would give other values. */
  private static String describeStage(Strategy stage, @Nullable Integer chunkSize, @Nullable Integer parallelism) {
    Strategy shared = build(new Stage(stage.name(), null, null), chunkSize, parallelism);
    List<String> parameters = new ArrayList<>();
    Integer ownChunkSize = chunkSizeOf(stage);
    if (ownChunkSize != null && !ownChunkSize.equals(chunkSizeOf(shared))) {
      parameters.add(CHUNK_SIZE + "=" + ownChunkSize);
    }
    Integer ownParallelism = parallelismOf(stage);
    if (ownParallelism != null && !ownParallelism.equals(parallelismOf(shared))) {
      parameters.add(PARALLELISM + "=" + ownParallelism);
    }
    return parameters.isEmpty() ? stage.name() : stage.name() + "(" + String.join(", ", parameters) + ")";
  }

  /** A stage with the shared values where it has no parameter of its own, else the defaults. */
  static Strategy build(Stage stage, @Nullable Integer chunkSize, @Nullable Integer parallelism) {
    int ownParallelism = stage.parallelism() != null ? stage.parallelism()
        : parallelism != null ? parallelism : DEFAULT_PARALLELISM;
    return switch (stage.name()) {
      case BATCH -> Strategy.batch();
      case CHUNKED -> Strategy.chunked(stage.chunkSize() != null ? stage.chunkSize()
          : chunkSize != null && chunkSize >= 1 ? chunkSize : DEFAULT_CHUNK_SIZE, ownParallelism);
      case PER_PLAYER -> Strategy.perPlayer(ownParallelism);
      case ADAPTIVE -> Strategy.adaptive(stage.chunkSize() != null ? stage.chunkSize()
          : chunkSize != null ? chunkSize : 0, ownParallelism);
      default -> throw new IllegalStateException("no such strategy: " + stage.name());
    };
  }

  private static Map<String, Given> readValues(SettingsLayer layer, int index) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(layer.values().entrySet());
    for (Map.Entry<String, String> entry : entries) {
      Objects.requireNonNull(entry.getKey(), () -> "a settings key"
          + (layer.origin() == null ? "" : " from " + layer.origin()) + " is null");
    }
    entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    Map<String, Given> values = new HashMap<>();
    Map<String, String> rawKeys = new HashMap<>();
    for (Map.Entry<String, String> entry : entries) {
      String rawKey = entry.getKey();
      String key = rawKey.trim();
      @Nullable String value = entry.getValue();
      @Nullable String origin = layer.originOf(rawKey);
      if (key.isEmpty()) {
        throw new LoaderSettingsException(rawKey, value, "settings keys must not be blank; got '" + rawKey
            + "' with value '" + value + "'" + (origin == null ? "" : " (" + origin + ")"));
      }
      if (!SettingsKeys.isKnown(key)) {
        throw unknownKey(key, value, origin);
      }
      if (value == null) {
        throw LoaderSettingsException.of(key, null, origin, "no value; got null");
      }
      String previous = rawKeys.put(key, rawKey);
      if (previous != null) {
        throw LoaderSettingsException.of(key, value, origin,
            "given twice; got '" + previous + "' and '" + rawKey + "' as keys");
      }
      values.put(key, new Given(value.trim(), origin, index));
    }
    return values;
  }

  private static Map<String, Given> readEnvironment(SettingsLayer layer, int index) {
    Map<String, Given> values = new HashMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(withoutNullKeys(layer.values())).entrySet()) {
      String variable = entry.getKey();
      if (!variable.startsWith(SettingsKeys.ENVIRONMENT_PREFIX)) {
        continue;
      }
      @Nullable String value = entry.getValue();
      String key = SettingsKeys.keyOfVariable(variable).orElseThrow(() -> unknownVariable(variable, value));
      if (value == null) {
        throw new LoaderSettingsException(variable, null, variable + ": no value; got null");
      }
      values.put(key, new Given(value.trim(), SettingsLayer.ENVIRONMENT_ORIGIN + " " + variable, index));
    }
    return values;
  }

  private static Map<String, String> withoutNullKeys(Map<String, String> map) {
    Map<String, String> copy = new HashMap<>(map);
    copy.keySet().removeIf(Objects::isNull);
    return copy;
  }

  private static LoaderSettingsException unknownKey(String key, @Nullable String value, @Nullable String origin) {
    String help = SettingsKeys.nearest(key, SettingsKeys.catalogue().keySet())
        .map(nearest -> "did you mean '" + nearest + "'?")
        .orElseGet(() -> "known settings: " + String.join(", ", SettingsKeys.catalogue().keySet()));
    return LoaderSettingsException.of(key, value, origin, "unknown setting; " + help);
  }

  private static LoaderSettingsException unknownVariable(String variable, @Nullable String value) {
    String help = SettingsKeys.nearest(variable, SettingsKeys.environmentVariables())
        .map(nearest -> "did you mean '" + nearest + "' (" + SettingsKeys.keyOfVariable(nearest).orElseThrow() + ")?")
        .orElse("an " + SettingsKeys.ENVIRONMENT_PREFIX + " variable must name a known setting: "
            + SettingsKeys.ENVIRONMENT_PREFIX + " and the key upper-cased, with '.' and '-' as '_'");
    return new LoaderSettingsException(variable, value, variable + ": unknown setting; " + help);
  }
}
