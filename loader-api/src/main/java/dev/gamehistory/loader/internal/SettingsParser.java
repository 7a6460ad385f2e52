package dev.gamehistory.loader.internal;

import static dev.gamehistory.loader.internal.SettingsKeys.BACKEND;
import static dev.gamehistory.loader.internal.SettingsKeys.BATCHING_MAX_DELAY;
import static dev.gamehistory.loader.internal.SettingsKeys.BATCHING_MAX_PLAYERS;
import static dev.gamehistory.loader.internal.SettingsKeys.CACHE_ENABLED;
import static dev.gamehistory.loader.internal.SettingsKeys.CACHE_EXPIRE_AFTER_WRITE;
import static dev.gamehistory.loader.internal.SettingsKeys.CACHE_MAXIMUM_PLAYERS;
import static dev.gamehistory.loader.internal.SettingsKeys.CHUNK_SIZE;
import static dev.gamehistory.loader.internal.SettingsKeys.DEADLINE;
import static dev.gamehistory.loader.internal.SettingsKeys.DEFAULT_CHUNK_SIZE;
import static dev.gamehistory.loader.internal.SettingsKeys.DEFAULT_PARALLELISM;
import static dev.gamehistory.loader.internal.SettingsKeys.FALLBACK;
import static dev.gamehistory.loader.internal.SettingsKeys.LOOKBACK_DAYS;
import static dev.gamehistory.loader.internal.SettingsKeys.MAX_GAMES;
import static dev.gamehistory.loader.internal.SettingsKeys.PARALLELISM;
import static dev.gamehistory.loader.internal.SettingsKeys.QUERY_TIMEOUT;
import static dev.gamehistory.loader.internal.SettingsKeys.QUERY_TIMEOUT_MAX;
import static dev.gamehistory.loader.internal.SettingsKeys.QUERY_TIMEOUT_PER_PLAYER;
import static dev.gamehistory.loader.internal.SettingsKeys.RETRY_INITIAL_BACKOFF;
import static dev.gamehistory.loader.internal.SettingsKeys.RETRY_JITTER;
import static dev.gamehistory.loader.internal.SettingsKeys.RETRY_MAX_ATTEMPTS;
import static dev.gamehistory.loader.internal.SettingsKeys.RETRY_MAX_BACKOFF;
import static dev.gamehistory.loader.internal.SettingsKeys.STRATEGY;

import dev.gamehistory.loader.BatchingPolicy;
import dev.gamehistory.loader.CachePolicy;
import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.LoaderSettings;
import dev.gamehistory.loader.LoaderSettingsException;
import dev.gamehistory.loader.RetryPolicy;
import dev.gamehistory.loader.SettingsSources;
import dev.gamehistory.loader.Strategy;
import dev.gamehistory.loader.TimeoutPolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses and prints {@link LoaderSettings}: the rules behind {@link LoaderSettings#fromMap(Map, Map)},
 * {@link LoaderSettings#toMap()} and {@link SettingsSources}.
 *
 * <p>Rules beyond each key's own range:
 *
 * <ul>
 *   <li>Keys are exact after trimming; values are trimmed. An unknown key, or an {@code HGL_}
 *       variable naming no key, is an error that suggests the nearest key.
 *   <li>{@code chunk-size} and {@code parallelism} apply to every stage that takes them (the main
 *       strategy and each {@code fallback} stage): batch takes neither, per-player only parallelism.
 *       Giving one that no stage uses is an error. A stage without the key uses its default
 *       (chunk size 100 for chunked, 0 for adaptive; parallelism 4). {@code chunk-size=0} is
 *       accepted when an adaptive stage uses it; chunked stages then use 100.
 *   <li>A {@code fallback} stage may carry its own parameters, which override the shared keys for
 *       that stage: {@code chunked(chunk-size=50, parallelism=2)}, {@code per-player(parallelism=8)}.
 *       {@link #toMap} writes them only where a stage differs from what the shared keys give.
 *   <li>{@code query-timeout} must not exceed {@code deadline}; a non-zero
 *       {@code query-timeout-max} must not be below {@code query-timeout}.
 *   <li>{@code retry.max-backoff} must not be below {@code retry.initial-backoff}; when absent it is
 *       5 s, or the initial backoff when that is longer.
 *   <li>Backend keys ({@code backend}, {@code bigquery.*}, {@code in-memory.*}) go to
 *       {@link LoaderSettings#backendProperties()} as given (trimmed); only {@code backend} is checked
 *       here, against {@link SettingsKeys#BACKENDS}.
 * </ul>
 */
public final class SettingsParser {

  private static final String BATCH = "batch";
  private static final String CHUNKED = "chunked";
  private static final String PER_PLAYER = "per-player";
  private static final String ADAPTIVE = "adaptive";
  private static final List<String> STRATEGIES = List.of(BATCH, CHUNKED, PER_PLAYER, ADAPTIVE);

  private static final Pattern STAGE = Pattern.compile("([a-z-]+)\\s*(?:\\((.*)\\))?", Pattern.DOTALL);
  private static final Pattern PARAMETER = Pattern.compile("([a-z-]+)\\s*=\\s*(\\S+)");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+");
  /** The settings key of each field named by the API types' validation messages. */
  private static final Map<String, String> FIELD_KEYS = Map.ofEntries(
      Map.entry("chunkSize", CHUNK_SIZE),
      Map.entry("initialChunkSize", CHUNK_SIZE),
      Map.entry("parallelism", PARALLELISM),
      Map.entry("queryTimeout", QUERY_TIMEOUT),
      Map.entry("perPlayer", QUERY_TIMEOUT_PER_PLAYER),
      Map.entry("maxQueryTimeout", QUERY_TIMEOUT_MAX),
      Map.entry("deadline", DEADLINE),
      Map.entry("maxAttempts", RETRY_MAX_ATTEMPTS),
      Map.entry("initialBackoff", RETRY_INITIAL_BACKOFF),
      Map.entry("maxBackoff", RETRY_MAX_BACKOFF),
      Map.entry("jitter", RETRY_JITTER),
      Map.entry("lookbackDays", LOOKBACK_DAYS),
      Map.entry("maxGames", MAX_GAMES));
  private static final Duration RETRY_MAX_BACKOFF_DEFAULT = RetryPolicy.defaults().maxBackoff();

  private SettingsParser() {}

  /**
   * Parses settings keys and values, then applies the {@code HGL_} environment overrides.
   *
   * @throws LoaderSettingsException naming the key (or variable) and the value for any bad input
   */
  public static LoaderSettings parse(Map<String, String> values, Map<String, String> environment) {
    return resolve(List.of(SettingsLayer.values("settings", values), SettingsLayer.environment(environment)))
        .settings();
  }

  /**
   * Merges the layers (later wins) and parses the result, keeping each value's origin.
   *
   * @throws LoaderSettingsException naming the key (or variable) and the value for any bad input
   */
  public static SettingsSources.Resolved resolve(List<SettingsLayer> layers) {
    Map<String, Given> given = new HashMap<>();
    for (SettingsLayer layer : layers) {
      given.putAll(layer.environment() ? readEnvironment(layer) : readValues(layer));
    }
    Interpreter interpreter = new Interpreter(given);
    LoaderSettings settings = interpreter.settings();
    List<SettingsSources.Entry> entries = new ArrayList<>();
    for (String key : SettingsKeys.catalogue().keySet()) {
      Given value = given.get(key);
      if (value != null) {
        entries.add(new SettingsSources.Entry(key, value.value(), value.origin()));
      } else if (interpreter.defaults.containsKey(key)) {
        entries.add(new SettingsSources.Entry(key, interpreter.defaults.get(key), SettingsSources.DEFAULT_ORIGIN));
      }
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
  private static Strategy build(Stage stage, @Nullable Integer chunkSize, @Nullable Integer parallelism) {
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

  private static Map<String, Given> readValues(SettingsLayer layer) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(layer.values().entrySet());
    for (Map.Entry<String, String> entry : entries) {
      Objects.requireNonNull(entry.getKey(), () -> "a settings key from " + layer.origin() + " is null");
    }
    entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    Map<String, Given> values = new HashMap<>();
    Map<String, String> rawKeys = new HashMap<>();
    for (Map.Entry<String, String> entry : entries) {
      String rawKey = entry.getKey();
      String key = rawKey.trim();
      @Nullable String value = entry.getValue();
      if (key.isEmpty()) {
        throw new LoaderSettingsException(rawKey, value,
            "settings keys must not be blank; got '" + rawKey + "' with value '" + value + "'");
      }
      if (!SettingsKeys.isKnown(key)) {
        throw unknownKey(key, value);
      }
      if (value == null) {
        throw new LoaderSettingsException(key, null, key + ": no value; got null");
      }
      String previous = rawKeys.put(key, rawKey);
      if (previous != null) {
        throw new LoaderSettingsException(key, value,
            key + ": given twice; got '" + previous + "' and '" + rawKey + "' as keys");
      }
      values.put(key, new Given(value.trim(), layer.origin()));
    }
    return values;
  }

  private static Map<String, Given> readEnvironment(SettingsLayer layer) {
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
      values.put(key, new Given(value.trim(), layer.origin() + " (" + variable + ")"));
    }
    return values;
  }

  private static Map<String, String> withoutNullKeys(Map<String, String> map) {
    Map<String, String> copy = new HashMap<>(map);
    copy.keySet().removeIf(Objects::isNull);
    return copy;
  }

  private static LoaderSettingsException unknownKey(String key, @Nullable String value) {
    String help = SettingsKeys.nearest(key, SettingsKeys.catalogue().keySet())
        .map(nearest -> "did you mean '" + nearest + "'?")
        .orElseGet(() -> "known settings: " + String.join(", ", SettingsKeys.catalogue().keySet()));
    return new LoaderSettingsException(key, value, key + ": unknown setting; " + help);
  }

  private static LoaderSettingsException unknownVariable(String variable, @Nullable String value) {
    String help = SettingsKeys.nearest(variable, SettingsKeys.environmentVariables())
        .map(nearest -> "did you mean '" + nearest + "' (" + SettingsKeys.keyOfVariable(nearest).orElseThrow() + ")?")
        .orElse("an " + SettingsKeys.ENVIRONMENT_PREFIX + " variable must name a known setting: "
            + SettingsKeys.ENVIRONMENT_PREFIX + " and the key upper-cased, with '.' and '-' as '_'");
    return new LoaderSettingsException(variable, value, variable + ": unknown setting; " + help);
  }

  /** A value and where it came from. */
  private record Given(String value, String origin) {}

  /** A strategy name with the parameters a fallback stage gave, {@code null} where not given. */
  private record Stage(String name, @Nullable Integer chunkSize, @Nullable Integer parallelism) {
    boolean takesChunkSize() {
      return name.equals(CHUNKED) || name.equals(ADAPTIVE);
    }

    boolean takesParallelism() {
      return !name.equals(BATCH);
    }
  }

  private enum Sign { POSITIVE, NOT_NEGATIVE }

  /** Turns the merged values into settings, noting the default of each key it did not get. */
  private static final class Interpreter {
    private final Map<String, Given> given;
    /** The default text of each applicable key that was not given. */
    final Map<String, String> defaults = new HashMap<>();

    Interpreter(Map<String, Given> given) {
      this.given = given;
    }

    LoaderSettings settings() {
      Strategy strategy = strategy();
      TimeoutPolicy timeouts = timeouts();
      RetryPolicy retry = retry();
      int lookbackDays = integer(LOOKBACK_DAYS, 1, LoadRequest.MAX_LOOKBACK_DAYS, LoadRequest.DEFAULT_LOOKBACK_DAYS);
      int maxGames = integer(MAX_GAMES, 1, LoadRequest.MAX_MAX_GAMES, LoadRequest.DEFAULT_MAX_GAMES);
      CachePolicy cache = cache();
      BatchingPolicy batching = batching();
      Map<String, String> backendProperties = backendProperties();
      try {
        return new LoaderSettings(strategy, timeouts, retry, lookbackDays, maxGames, backendProperties, cache,
            batching);
      } catch (IllegalArgumentException e) {
        throw rejected(LOOKBACK_DAYS, e);
      }
    }

    private CachePolicy cache() {
      CachePolicy defaultPolicy = CachePolicy.disabled();
      boolean enabled = bool(CACHE_ENABLED, defaultPolicy.enabled());
      int maximumPlayers = integer(CACHE_MAXIMUM_PLAYERS, 1, CachePolicy.MAX_MAXIMUM_PLAYERS,
          defaultPolicy.maximumPlayers());
      Duration expireAfterWrite = duration(CACHE_EXPIRE_AFTER_WRITE, defaultPolicy.expireAfterWrite(), Sign.POSITIVE);
      return new CachePolicy(enabled, maximumPlayers, expireAfterWrite);
    }

    private BatchingPolicy batching() {
      BatchingPolicy defaultPolicy = BatchingPolicy.defaults();
      Duration maxDelay = duration(BATCHING_MAX_DELAY, defaultPolicy.maxDelay(), Sign.NOT_NEGATIVE);
      if (maxDelay.compareTo(BatchingPolicy.MAX_MAX_DELAY) > 0) {
        throw error(BATCHING_MAX_DELAY, "must be at most " + DurationParser.format(BatchingPolicy.MAX_MAX_DELAY), "");
      }
      int maxPlayers = integer(BATCHING_MAX_PLAYERS, 1, BatchingPolicy.MAX_MAX_PLAYERS, defaultPolicy.maxPlayers());
      return new BatchingPolicy(maxDelay, maxPlayers);
    }

    private boolean bool(String key, boolean defaultValue) {
      Given value = given.get(key);
      if (value == null) {
        defaults.put(key, Boolean.toString(defaultValue));
        return defaultValue;
      }
      return switch (value.value()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error(key, "must be true or false", "");
      };
    }

    private Strategy strategy() {
      Given strategyValue = given.get(STRATEGY);
      String mainName = ADAPTIVE;
      if (strategyValue == null) {
        defaults.put(STRATEGY, ADAPTIVE);
      } else if (STRATEGIES.contains(strategyValue.value())) {
        mainName = strategyValue.value();
      } else {
        throw error(STRATEGY, "unknown strategy", "; allowed: " + String.join(", ", STRATEGIES));
      }
      Stage main = new Stage(mainName, null, null);
      List<Stage> fallback = fallback();

      List<Stage> chunkSizeUsers = new ArrayList<>();
      List<Stage> parallelismUsers = new ArrayList<>();
      List<Stage> allStages = new ArrayList<>();
      allStages.add(main);
      allStages.addAll(fallback);
      for (Stage stage : allStages) {
        if (stage.takesChunkSize() && stage.chunkSize() == null) {
          chunkSizeUsers.add(stage);
        }
        if (stage.takesParallelism() && stage.parallelism() == null) {
          parallelismUsers.add(stage);
        }
      }
      Integer chunkSize = null;
      if (given.containsKey(CHUNK_SIZE)) {
        requireUsed(CHUNK_SIZE, chunkSizeUsers, mainName, "chunked and adaptive");
        // 0 (the whole slate as the first chunk) means something only to adaptive: it is accepted when
        // any stage that takes the shared chunk-size is adaptive; chunked stages then use the default.
        boolean zeroAllowed = (main.takesChunkSize() && mainName.equals(ADAPTIVE))
            || chunkSizeUsers.stream().anyMatch(stage -> stage.name().equals(ADAPTIVE));
        chunkSize = integer(CHUNK_SIZE, zeroAllowed ? 0 : 1, Strategy.MAX_CHUNK_SIZE, 0);
      } else if (!chunkSizeUsers.isEmpty()) {
        Set<String> stageNames = new LinkedHashSet<>();
        chunkSizeUsers.forEach(stage -> stageNames.add(stage.name()));
        defaults.put(CHUNK_SIZE, stageNames.size() > 1 ? DEFAULT_CHUNK_SIZE + " for chunked, 0 for adaptive"
            : stageNames.contains(CHUNKED) ? Integer.toString(DEFAULT_CHUNK_SIZE) : "0");
      }
      Integer parallelism = null;
      if (given.containsKey(PARALLELISM)) {
        requireUsed(PARALLELISM, parallelismUsers, mainName, "chunked, per-player and adaptive");
        parallelism = integer(PARALLELISM, 1, Strategy.MAX_PARALLELISM, DEFAULT_PARALLELISM);
      } else if (!parallelismUsers.isEmpty()) {
        defaults.put(PARALLELISM, Integer.toString(DEFAULT_PARALLELISM));
      }

      try {
        if (fallback.isEmpty()) {
          return build(main, chunkSize, parallelism);
        }
        List<Strategy> stages = new ArrayList<>();
        for (Stage stage : fallback) {
          stages.add(build(stage, chunkSize, parallelism));
        }
        return Strategy.fallback(build(main, chunkSize, parallelism), stages.toArray(new Strategy[0]));
      } catch (IllegalArgumentException e) {
        throw rejected(given.containsKey(FALLBACK) ? FALLBACK : STRATEGY, e);
      }
    }

    private void requireUsed(String key, List<Stage> users, String mainName, String usedBy) {
      if (users.isEmpty()) {
        Given fallback = given.get(FALLBACK);
        String stages = fallback == null || fallback.value().isEmpty()
            ? "" : " nor by fallback '" + fallback.value() + "'";
        throw error(key, "not used by strategy '" + mainName + "'" + stages, "; used by " + usedBy);
      }
    }

    private List<Stage> fallback() {
      Given value = given.get(FALLBACK);
      if (value == null || value.value().isEmpty()) {
        if (value == null) {
          defaults.put(FALLBACK, "");
        }
        return List.of();
      }
      List<Stage> stages = new ArrayList<>();
      for (String text : splitStages(value.value())) {
        stages.add(stage(text.trim()));
      }
      return stages;
    }

    private List<String> splitStages(String text) {
      List<String> parts = new ArrayList<>();
      int depth = 0;
      int start = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
          if (depth < 0) {
            break;
          }
        } else if (c == ',' && depth == 0) {
          parts.add(text.substring(start, i));
          start = i + 1;
        }
      }
      if (depth != 0) {
        throw error(FALLBACK, "unbalanced parentheses", "");
      }
      parts.add(text.substring(start));
      return parts;
    }

    private Stage stage(String text) {
      if (text.isEmpty()) {
        throw error(FALLBACK, "a stage is empty", "");
      }
      Matcher matcher = STAGE.matcher(text);
      if (!matcher.matches()) {
        throw malformedStage(text);
      }
      String name = matcher.group(1);
      if (!STRATEGIES.contains(name)) {
        throw error(FALLBACK, "unknown strategy '" + name + "'", "; allowed: " + String.join(", ", STRATEGIES));
      }
      Integer chunkSize = null;
      Integer parallelism = null;
      String parameters = matcher.group(2);
      if (parameters != null && !parameters.isBlank()) {
        List<String> allowed = name.equals(BATCH) ? List.of()
            : name.equals(PER_PLAYER) ? List.of(PARALLELISM) : List.of(CHUNK_SIZE, PARALLELISM);
        for (String parameter : parameters.split(",", -1)) {
          Matcher assignment = PARAMETER.matcher(parameter.trim());
          if (!assignment.matches()) {
            throw malformedStage(text);
          }
          String parameterName = assignment.group(1);
          String parameterValue = assignment.group(2);
          if (!allowed.contains(parameterName)) {
            throw error(FALLBACK, "stage '" + name + "' takes no parameter '" + parameterName + "'",
                "; allowed: " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
          }
          if (parameterName.equals(CHUNK_SIZE)) {
            if (chunkSize != null) {
              throw error(FALLBACK, "stage '" + name + "' has parameter '" + parameterName + "' twice", "");
            }
            chunkSize = stageInteger(name, parameterName, parameterValue,
                name.equals(ADAPTIVE) ? 0 : 1, Strategy.MAX_CHUNK_SIZE);
          } else {
            if (parallelism != null) {
              throw error(FALLBACK, "stage '" + name + "' has parameter '" + parameterName + "' twice", "");
            }
            parallelism = stageInteger(name, parameterName, parameterValue, 1, Strategy.MAX_PARALLELISM);
          }
        }
      }
      return new Stage(name, chunkSize, parallelism);
    }

    private LoaderSettingsException malformedStage(String text) {
      return error(FALLBACK, "malformed stage '" + text + "'",
          "; a stage is a strategy name, optionally with parameters, e.g. chunked(chunk-size=50, parallelism=2)");
    }

    private int stageInteger(String stage, String parameter, String text, int min, int max) {
      Integer value = parseInteger(text, min, max);
      if (value == null) {
        throw error(FALLBACK, parameter + " of stage '" + stage + "' must be an integer between " + min + " and " + max, "");
      }
      return value;
    }

    private TimeoutPolicy timeouts() {
      TimeoutPolicy defaultPolicy = TimeoutPolicy.defaults();
      Duration queryTimeout = duration(QUERY_TIMEOUT, defaultPolicy.queryTimeout(), Sign.POSITIVE);
      Duration perPlayer = duration(QUERY_TIMEOUT_PER_PLAYER, defaultPolicy.perPlayer(), Sign.NOT_NEGATIVE);
      Duration max = duration(QUERY_TIMEOUT_MAX, defaultPolicy.maxQueryTimeout(), Sign.NOT_NEGATIVE);
      Duration deadline = duration(DEADLINE, defaultPolicy.deadline(), Sign.POSITIVE);
      if (queryTimeout.compareTo(deadline) > 0) {
        if (given.containsKey(QUERY_TIMEOUT)) {
          throw error(QUERY_TIMEOUT, "must not exceed deadline (" + DurationParser.format(deadline) + ")", "");
        }
        throw error(DEADLINE, "must not be less than query-timeout (" + DurationParser.format(queryTimeout) + ")", "");
      }
      if (!max.isZero() && max.compareTo(queryTimeout) < 0) {
        throw error(QUERY_TIMEOUT_MAX,
            "must be 0 (no cap) or at least query-timeout (" + DurationParser.format(queryTimeout) + ")", "");
      }
      try {
        return new TimeoutPolicy(queryTimeout, perPlayer, max, deadline);
      } catch (IllegalArgumentException e) {
        throw rejected(QUERY_TIMEOUT, e);
      }
    }

    private RetryPolicy retry() {
      RetryPolicy defaultPolicy = RetryPolicy.defaults();
      int maxAttempts = integer(RETRY_MAX_ATTEMPTS, 1, RetryPolicy.MAX_ATTEMPTS, defaultPolicy.maxAttempts());
      Duration initialBackoff = duration(RETRY_INITIAL_BACKOFF, defaultPolicy.initialBackoff(), Sign.NOT_NEGATIVE);
      Duration maxBackoffDefault = initialBackoff.compareTo(RETRY_MAX_BACKOFF_DEFAULT) > 0
          ? initialBackoff : RETRY_MAX_BACKOFF_DEFAULT;
      Duration maxBackoff = duration(RETRY_MAX_BACKOFF, maxBackoffDefault, Sign.NOT_NEGATIVE);
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw error(RETRY_MAX_BACKOFF,
            "must not be less than retry.initial-backoff (" + DurationParser.format(initialBackoff) + ")", "");
      }
      double jitter = decimal(RETRY_JITTER, BigDecimal.ONE, defaultPolicy.jitter());
      try {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter);
      } catch (IllegalArgumentException e) {
        throw rejected(RETRY_MAX_ATTEMPTS, e);
      }
    }

    private Map<String, String> backendProperties() {
      Map<String, String> properties = new TreeMap<>();
      given.forEach((key, value) -> {
        if (SettingsKeys.isBackendKey(key)) {
          properties.put(key, value.value());
        }
      });
      if (!given.containsKey(BACKEND)) {
        defaults.put(BACKEND, LoaderSettings.DEFAULT_BACKEND);
      } else if (!SettingsKeys.BACKENDS.contains(given.get(BACKEND).value())) {
        throw error(BACKEND, "unknown backend", "; allowed: " + String.join(", ", SettingsKeys.BACKENDS));
      }
      return properties;
    }

    private int integer(String key, int min, int max, int defaultValue) {
      Given value = given.get(key);
      if (value == null) {
        defaults.put(key, Integer.toString(defaultValue));
        return defaultValue;
      }
      Integer parsed = parseInteger(value.value(), min, max);
      if (parsed == null) {
        throw error(key, "must be an integer between " + min + " and " + max, "");
      }
      return parsed;
    }

    private double decimal(String key, BigDecimal max, double defaultValue) {
      Given value = given.get(key);
      if (value == null) {
        defaults.put(key, BigDecimal.valueOf(defaultValue).stripTrailingZeros().toPlainString());
        return defaultValue;
      }
      if (DECIMAL.matcher(value.value()).matches()) {
        BigDecimal parsed = new BigDecimal(value.value());
        if (parsed.compareTo(max) <= 0) {
          return parsed.doubleValue();
        }
      }
      throw error(key, "must be a decimal number between 0 and " + max.toPlainString(), "");
    }

    private Duration duration(String key, Duration defaultValue, Sign sign) {
      Given value = given.get(key);
      if (value == null) {
        defaults.put(key, DurationParser.format(defaultValue));
        return defaultValue;
      }
      Duration parsed;
      try {
        parsed = DurationParser.parse(value.value());
      } catch (IllegalArgumentException e) {
        throw new LoaderSettingsException(key, value.value(),
            key + ": not a duration (" + DurationParser.FORMS + "); got '" + value.value() + "'", e);
      }
      if (sign == Sign.POSITIVE && (parsed.isNegative() || parsed.isZero())) {
        throw error(key, "must be a positive duration", "");
      }
      if (sign == Sign.NOT_NEGATIVE && parsed.isNegative()) {
        throw error(key, "must not be negative", "");
      }
      return parsed;
    }

    /** {@code <key>: <problem>; got '<value>'<help>} for a key that was given. */
    private LoaderSettingsException error(String key, String problem, String help) {
      String value = Objects.requireNonNull(given.get(key), key).value();
      return new LoaderSettingsException(key, value, key + ": " + problem + "; got '" + value + "'" + help);
    }

    /**
     * An API type's own validation failed: the same form, its message as the problem, naming the
     * key of the field the message starts with, else {@code fallbackKey}.
     */
    private LoaderSettingsException rejected(String fallbackKey, IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      String key = FIELD_KEYS.getOrDefault(message.split("[ (]", 2)[0], fallbackKey);
      Given value = given.get(key);
      String text = value == null ? "" : value.value();
      return new LoaderSettingsException(key, value == null ? null : text,
          key + ": " + message + "; got '" + text + "'", e);
    }
  }

  private static @Nullable Integer parseInteger(String text, int min, int max) {
    if (!INTEGER.matcher(text).matches()) {
      return null;
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      return null;
    }
    return value.intValue();
  }
}
