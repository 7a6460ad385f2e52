package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKEND;
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
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGIES;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.STRATEGY;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.ADAPTIVE;
import static dev.gamehistory.loader.internal.settings.StrategyGrammar.CHUNKED;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.internal.settings.StrategyGrammar.Stage;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns the merged values of the settings layers into {@link LoaderSettings}, noting the default
 * of each applicable key that was not given and each key that is ignored. One use per resolution.
 *
 * <p>The top layer wins. A key a higher layer's strategy choice left unused ({@code chunk-size} or
 * {@code parallelism}, used by the strategy and fallback in effect at its own layer, but not by
 * those in effect at the top) is ignored, not an error; a key unused already at its own layer (that
 * layer, or one below it, chose a strategy that does not take it) is an error.
 */
final class SettingsInterpreter {

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

  /** A value, where it came from ({@code null}: not known) and the index of its layer. */
  record Given(String value, @Nullable String origin, int layer) {
    /** {@code " (<origin>)"}, or empty when the origin is not known. */
    String where() {
      return origin == null ? "" : " (" + origin + ")";
    }
  }

  private enum Sign { POSITIVE, NOT_NEGATIVE }

  private final Map<String, Given> given;
  private final List<Map<String, Given>> layers;
  /** The default text of each applicable key that was not given. */
  final Map<String, String> defaults = new HashMap<>();
  /** Each ignored key, with why. */
  final Map<String, String> ignored = new LinkedHashMap<>();

  /**
   * @param given the value of each key from the highest layer that gave it
   * @param layers each layer's values, lowest first
   */
  SettingsInterpreter(Map<String, Given> given, List<Map<String, Given>> layers) {
    this.given = given;
    this.layers = layers;
  }

  LoaderSettings settings() {
    Strategy strategy = strategy();
    TimeoutPolicy timeouts = timeouts();
    RetryPolicy retry = retry();
    int lookbackDays = integer(LOOKBACK_DAYS, 1, LoadRequest.MAX_LOOKBACK_DAYS, LoadRequest.DEFAULT_LOOKBACK_DAYS);
    int maxGames = integer(MAX_GAMES, 1, LoadRequest.MAX_MAX_GAMES, LoadRequest.DEFAULT_MAX_GAMES);
    CachePolicy cache = cache();
    BatchingPolicy batching = batching();
    requireWindowBeforeDeadline(batching, timeouts);
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

  /** A client's window must end before the loader's deadline: no call could be answered otherwise. */
  private void requireWindowBeforeDeadline(BatchingPolicy batching, TimeoutPolicy timeouts) {
    // As LoaderSettings checks in code: the default window against a tiny deadline fails only when a
    // client is made over the loader.
    if (!batching.equals(BatchingPolicy.defaults()) && batching.maxDelay().compareTo(timeouts.deadline()) >= 0) {
      Given delay = given.get(BATCHING_MAX_DELAY);
      String key = delay != null || given.get(DEADLINE) == null ? BATCHING_MAX_DELAY : DEADLINE;
      String value = key.equals(BATCHING_MAX_DELAY) ? DurationParser.format(batching.maxDelay())
          : DurationParser.format(timeouts.deadline());
      Given at = given.get(key);
      throw LoaderSettingsException.of(key, at != null ? at.value() : value, at != null ? at.origin() : null,
          BATCHING_MAX_DELAY + " (" + DurationParser.format(batching.maxDelay()) + ") must be shorter than "
              + DEADLINE + " (" + DurationParser.format(timeouts.deadline()) + ")");
    }
  }

  private boolean bool(String key, boolean defaultValue) {
    Given value = given.get(key);
    if (value == null) {
      defaults.put(key, Boolean.toString(defaultValue));
      return defaultValue;
    }
    String canonical = SettingsKeys.canonicalValue(key, value.value())
        .orElseThrow(() -> error(key, "must be true or false", ""));
    return Boolean.parseBoolean(canonical);
  }

  private Strategy strategy() {
    Given strategyValue = given.get(STRATEGY);
    String mainName = ADAPTIVE;
    if (strategyValue == null) {
      defaults.put(STRATEGY, ADAPTIVE);
    } else {
      String name = StrategyGrammar.strategyName(strategyValue.value());
      if (name == null) {
        throw error(STRATEGY, "unknown strategy", "; allowed: " + String.join(", ", STRATEGIES));
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
    if (given.containsKey(CHUNK_SIZE)) {
      if (chunkSizeUsers.isEmpty()) {
        ignoreOrReject(CHUNK_SIZE, mainName, "chunked and adaptive");
      } else {
        // 0 (the whole slate as the first chunk) means something only to adaptive: it is accepted when
        // any stage that takes the shared chunk-size is adaptive; chunked stages then use the default.
        boolean zeroAllowed = chunkSizeUsers.stream().anyMatch(stage -> stage.name().equals(ADAPTIVE));
        chunkSize = integer(CHUNK_SIZE, zeroAllowed ? 0 : 1, Strategy.MAX_CHUNK_SIZE, 0);
      }
    } else if (!chunkSizeUsers.isEmpty()) {
      Set<String> stageNames = new LinkedHashSet<>();
      chunkSizeUsers.forEach(stage -> stageNames.add(stage.name()));
      defaults.put(CHUNK_SIZE, stageNames.size() > 1 ? DEFAULT_CHUNK_SIZE + " for chunked, 0 for adaptive"
          : stageNames.contains(CHUNKED) ? Integer.toString(DEFAULT_CHUNK_SIZE) : "0");
    }
    Integer parallelism = null;
    boolean parallelismUsed = stages.stream().anyMatch(stage -> stage.usesShared(PARALLELISM));
    if (given.containsKey(PARALLELISM)) {
      if (!parallelismUsed) {
        ignoreOrReject(PARALLELISM, mainName, "chunked, per-player and adaptive");
      } else {
        parallelism = integer(PARALLELISM, 1, Strategy.MAX_PARALLELISM, DEFAULT_PARALLELISM);
      }
    } else if (parallelismUsed) {
      defaults.put(PARALLELISM, Integer.toString(DEFAULT_PARALLELISM));
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
      throw rejected(given.containsKey(FALLBACK) ? FALLBACK : STRATEGY, e);
    }
  }

  /**
   * {@code key} is used by no stage of the strategy in effect: ignored when the strategy in effect
   * at the key's own layer used it (a higher layer changed the strategy or the fallback), else an
   * error (its layer, or one below, chose a strategy that does not take it).
   */
  private void ignoreOrReject(String key, String mainName, String usedBy) {
    String unused = "not used by strategy '" + mainName + "'" + whereGiven(STRATEGY);
    Given fallback = given.get(FALLBACK);
    if (fallback != null && !fallback.value().isBlank()) {
      unused += " nor by fallback '" + fallback.value() + "'" + fallback.where();
    }
    if (usedAtLayer(key, Objects.requireNonNull(given.get(key), key).layer())) {
      ignored.put(key, unused);
      return;
    }
    throw error(key, unused, "; used by " + usedBy);
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

  /** {@code 10s}, or {@code 10s, ops.properties:2} when the key was given with an origin. */
  private String withOrigin(String key, Duration value) {
    Given other = given.get(key);
    return DurationParser.format(value) + (other == null || other.origin() == null ? "" : ", " + other.origin());
  }

  private String whereGiven(String key) {
    Given value = given.get(key);
    return value == null ? "" : value.where();
  }

  private List<Stage> fallback() {
    Given value = given.get(FALLBACK);
    if (value == null) {
      defaults.put(FALLBACK, "");
      return List.of();
    }
    try {
      return StrategyGrammar.stages(value.value());
    } catch (StrategyGrammar.Malformed e) {
      throw error(FALLBACK, e.problem(), e.help());
    }
  }

  /**
   * The time limits. An unset {@code query-timeout} is the shortest of 20 s, the deadline and a
   * non-zero {@code query-timeout-max}; a longer one is accepted, as in code ({@link TimeoutPolicy}):
   * the engine never lets a query run past the deadline.
   */
  private TimeoutPolicy timeouts() {
    TimeoutPolicy defaultPolicy = TimeoutPolicy.defaults();
    Duration givenQueryTimeout = given.containsKey(QUERY_TIMEOUT)
        ? duration(QUERY_TIMEOUT, defaultPolicy.queryTimeout(), Sign.POSITIVE) : null;
    Duration perPlayer = duration(QUERY_TIMEOUT_PER_PLAYER, defaultPolicy.perPlayer(), Sign.NOT_NEGATIVE);
    Duration max = duration(QUERY_TIMEOUT_MAX, defaultPolicy.maxQueryTimeout(), Sign.NOT_NEGATIVE);
    Duration deadline = duration(DEADLINE, defaultPolicy.deadline(), Sign.POSITIVE);
    Duration queryTimeout = givenQueryTimeout;
    if (queryTimeout == null) {
      queryTimeout = shortest(defaultPolicy.queryTimeout(), deadline);
      if (!max.isZero()) {
        queryTimeout = shortest(queryTimeout, max);
      }
      defaults.put(QUERY_TIMEOUT, DurationParser.format(queryTimeout));
    }
    if (!max.isZero() && max.compareTo(queryTimeout) < 0) {
      throw error(QUERY_TIMEOUT_MAX,
          "must be 0 (no cap) or at least query-timeout (" + withOrigin(QUERY_TIMEOUT, queryTimeout) + ")", "");
    }
    try {
      return new TimeoutPolicy(queryTimeout, perPlayer, max, deadline);
    } catch (IllegalArgumentException e) {
      throw rejected(QUERY_TIMEOUT, e);
    }
  }

  private static Duration shortest(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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
          "must not be less than retry.initial-backoff (" + withOrigin(RETRY_INITIAL_BACKOFF, initialBackoff) + ")", "");
    }
    double jitter = decimal(RETRY_JITTER, BigDecimal.ONE, defaultPolicy.jitter());
    try {
      return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter);
    } catch (IllegalArgumentException e) {
      throw rejected(RETRY_MAX_ATTEMPTS, e);
    }
  }

  /**
   * The backend keys as given (trimmed); values of keys that take names ({@code backend},
   * {@code bigquery.job-creation}) in their canonical spelling when they name one.
   */
  private Map<String, String> backendProperties() {
    Map<String, String> properties = new TreeMap<>();
    given.forEach((key, value) -> {
      if (SettingsKeys.isBackendKey(key)) {
        properties.put(key, SettingsKeys.canonicalValue(key, value.value()).orElse(value.value()));
      }
    });
    String backend;
    if (!given.containsKey(BACKEND)) {
      defaults.put(BACKEND, LoaderSettings.DEFAULT_BACKEND);
      backend = LoaderSettings.DEFAULT_BACKEND;
    } else {
      backend = SettingsKeys.canonicalValue(BACKEND, given.get(BACKEND).value()).orElseThrow(() ->
          error(BACKEND, "unknown backend", "; allowed: " + String.join(", ", SettingsKeys.BACKENDS)));
    }
    // Another backend's keys are kept (they are settings all the same) but shown and logged as unused.
    for (String key : properties.keySet()) {
      if (!key.equals(BACKEND) && !key.startsWith(backend + ".")) {
        ignored.put(key, "not used by backend '" + backend + "'");
      }
    }
    return properties;
  }

  private int integer(String key, int min, int max, int defaultValue) {
    Given value = given.get(key);
    if (value == null) {
      defaults.put(key, Integer.toString(defaultValue));
      return defaultValue;
    }
    Integer parsed = StrategyGrammar.parseInteger(value.value(), min, max);
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
      throw LoaderSettingsException.of(key, value.value(), value.origin(),
          "not a duration (" + DurationParser.FORMS + "); got '" + value.value() + "'", e);
    }
    if (sign == Sign.POSITIVE && (parsed.isNegative() || parsed.isZero())) {
      throw error(key, "must be a positive duration", "");
    }
    if (sign == Sign.NOT_NEGATIVE && parsed.isNegative()) {
      throw error(key, "must not be negative", "");
    }
    return parsed;
  }

  /** {@code <key> (<origin>): <problem>; got '<value>'<help>} for a key that was given. */
  private LoaderSettingsException error(String key, String problem, String help) {
    Given value = Objects.requireNonNull(given.get(key), key);
    return LoaderSettingsException.of(key, value.value(), value.origin(),
        problem + "; got '" + value.value() + "'" + help);
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
    return LoaderSettingsException.of(key, value == null ? null : text, value == null ? null : value.origin(),
        message + "; got '" + text + "'", e);
  }
}
