package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKEND;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_DATES_PER_QUERY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_DEADLINE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BACKFILL_PAIRS_PER_QUERY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BATCHING_MAX_DELAY;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.BATCHING_MAX_PLAYERS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_ENABLED;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_EXPIRE_AFTER_WRITE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.CACHE_MAXIMUM_PLAYERS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEADLINE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.LOOKBACK_DAYS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.MAX_GAMES;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT_MAX;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.QUERY_TIMEOUT_PER_PLAYER;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_INITIAL_BACKOFF;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_JITTER;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_MAX_ATTEMPTS;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.RETRY_MAX_BACKOFF;

import dev.gamehistory.loader.LoadRequest;
import dev.gamehistory.loader.internal.settings.GivenValues.Given;
import dev.gamehistory.loader.settings.BackfillPolicy;
import dev.gamehistory.loader.settings.BatchingPolicy;
import dev.gamehistory.loader.settings.CachePolicy;
import dev.gamehistory.loader.settings.LoaderSettings;
import dev.gamehistory.loader.settings.LoaderSettingsException;
import dev.gamehistory.loader.settings.RetryPolicy;
import dev.gamehistory.loader.settings.Strategy;
import dev.gamehistory.loader.settings.TimeoutPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the merged values of the settings layers into {@link LoaderSettings}, noting the default
 * of each applicable key that was not given and each key that is ignored. One use per resolution.
 * The top layer wins; {@link StrategyChoice} decides the strategy and which shared keys it leaves
 * unused, {@link GivenValues} reads each value.
 */
final class SettingsInterpreter {

  private static final Duration RETRY_MAX_BACKOFF_DEFAULT = RetryPolicy.defaults().maxBackoff();

  private final GivenValues values;
  private final StrategyChoice strategies;
  /** The default text of each applicable key that was not given. */
  final Map<String, String> defaults;
  /** Each ignored key, with why. */
  final Map<String, String> ignored = new LinkedHashMap<>();

  /**
   * @param given the value of each key from the highest layer that gave it
   * @param layers each layer's values, lowest first
   */
  SettingsInterpreter(Map<String, Given> given, List<Map<String, Given>> layers) {
    this.values = new GivenValues(given);
    this.defaults = values.defaults;
    this.strategies = new StrategyChoice(values, layers, ignored);
  }

  LoaderSettings settings() {
    Strategy strategy = strategies.strategy();
    TimeoutPolicy timeouts = timeouts();
    RetryPolicy retry = retry();
    int lookbackDays = values.integer(LOOKBACK_DAYS, 1, LoadRequest.MAX_LOOKBACK_DAYS, LoadRequest.DEFAULT_LOOKBACK_DAYS);
    int maxGames = values.integer(MAX_GAMES, 1, LoadRequest.MAX_MAX_GAMES, LoadRequest.DEFAULT_MAX_GAMES);
    CachePolicy cache = cache();
    BatchingPolicy batching = batching();
    BackfillPolicy backfill = backfill();
    requireWindowBeforeDeadline(batching, timeouts);
    Map<String, String> backendProperties = backendProperties();
    try {
      return new LoaderSettings(strategy, timeouts, retry, lookbackDays, maxGames, backendProperties, cache,
          batching, backfill);
    } catch (IllegalArgumentException e) {
      throw values.rejected(LOOKBACK_DAYS, e);
    }
  }

  private CachePolicy cache() {
    CachePolicy defaultPolicy = CachePolicy.disabled();
    boolean enabled = values.bool(CACHE_ENABLED, defaultPolicy.enabled());
    int maximumPlayers = values.integer(CACHE_MAXIMUM_PLAYERS, 1, CachePolicy.MAX_MAXIMUM_PLAYERS,
        defaultPolicy.maximumPlayers());
    Duration expireAfterWrite = values.duration(CACHE_EXPIRE_AFTER_WRITE, defaultPolicy.expireAfterWrite(), GivenValues.Sign.POSITIVE);
    return new CachePolicy(enabled, maximumPlayers, expireAfterWrite);
  }

  private BatchingPolicy batching() {
    BatchingPolicy defaultPolicy = BatchingPolicy.defaults();
    Duration maxDelay = values.duration(BATCHING_MAX_DELAY, defaultPolicy.maxDelay(), GivenValues.Sign.NOT_NEGATIVE);
    if (maxDelay.compareTo(BatchingPolicy.MAX_MAX_DELAY) > 0) {
      throw values.error(BATCHING_MAX_DELAY, "must be at most " + DurationParser.format(BatchingPolicy.MAX_MAX_DELAY), "");
    }
    int maxPlayers = values.integer(BATCHING_MAX_PLAYERS, 1, BatchingPolicy.MAX_MAX_PLAYERS, defaultPolicy.maxPlayers());
    return new BatchingPolicy(maxDelay, maxPlayers);
  }

  private BackfillPolicy backfill() {
    BackfillPolicy defaultPolicy = BackfillPolicy.defaults();
    int datesPerQuery = values.integer(BACKFILL_DATES_PER_QUERY, 1, BackfillPolicy.MAX_DATES_PER_QUERY,
        defaultPolicy.datesPerQuery());
    int pairsPerQuery = values.integer(BACKFILL_PAIRS_PER_QUERY, 1, BackfillPolicy.MAX_PAIRS_PER_QUERY,
        defaultPolicy.pairsPerQuery());
    Duration deadline = values.duration(BACKFILL_DEADLINE, defaultPolicy.deadline(), GivenValues.Sign.POSITIVE);
    if (deadline.compareTo(BackfillPolicy.MAX_DEADLINE) > 0) {
      throw values.error(BACKFILL_DEADLINE, "must be at most " + DurationParser.format(BackfillPolicy.MAX_DEADLINE), "");
    }
    return new BackfillPolicy(datesPerQuery, pairsPerQuery, deadline);
  }

  /** A client's window must end before the loader's deadline: no call could be answered otherwise. */
  private void requireWindowBeforeDeadline(BatchingPolicy batching, TimeoutPolicy timeouts) {
    // As LoaderSettings checks in code: the default window against a tiny deadline fails only when a
    // client is made over the loader.
    if (!batching.equals(BatchingPolicy.defaults()) && batching.maxDelay().compareTo(timeouts.deadline()) >= 0) {
      Given delay = values.get(BATCHING_MAX_DELAY);
      String key = delay != null || values.get(DEADLINE) == null ? BATCHING_MAX_DELAY : DEADLINE;
      String value = key.equals(BATCHING_MAX_DELAY) ? DurationParser.format(batching.maxDelay())
          : DurationParser.format(timeouts.deadline());
      Given at = values.get(key);
      throw LoaderSettingsException.of(key, at != null ? at.value() : value, at != null ? at.origin() : null,
          BATCHING_MAX_DELAY + " (" + DurationParser.format(batching.maxDelay()) + ") must be shorter than "
              + DEADLINE + " (" + DurationParser.format(timeouts.deadline()) + ")");
    }
  }

  /**
   * The time limits. An unset {@code query-timeout} is the shortest of 20 s, the deadline and a
   * non-zero {@code query-timeout-max}; a longer one is accepted, as in code ({@link TimeoutPolicy}):
   * the engine never lets a query run past the deadline.
   */
  private TimeoutPolicy timeouts() {
    TimeoutPolicy defaultPolicy = TimeoutPolicy.defaults();
    Duration givenQueryTimeout = values.has(QUERY_TIMEOUT)
        ? values.duration(QUERY_TIMEOUT, defaultPolicy.queryTimeout(), GivenValues.Sign.POSITIVE) : null;
    Duration perPlayer = values.duration(QUERY_TIMEOUT_PER_PLAYER, defaultPolicy.perPlayer(), GivenValues.Sign.NOT_NEGATIVE);
    Duration max = values.duration(QUERY_TIMEOUT_MAX, defaultPolicy.maxQueryTimeout(), GivenValues.Sign.NOT_NEGATIVE);
    Duration deadline = values.duration(DEADLINE, defaultPolicy.deadline(), GivenValues.Sign.POSITIVE);
    Duration queryTimeout = givenQueryTimeout;
    if (queryTimeout == null) {
      queryTimeout = shortest(defaultPolicy.queryTimeout(), deadline);
      if (!max.isZero()) {
        queryTimeout = shortest(queryTimeout, max);
      }
      defaults.put(QUERY_TIMEOUT, DurationParser.format(queryTimeout));
    }
    if (!max.isZero() && max.compareTo(queryTimeout) < 0) {
      throw values.error(QUERY_TIMEOUT_MAX,
          "must be 0 (no cap) or at least query-timeout (" + values.withOrigin(QUERY_TIMEOUT, queryTimeout) + ")", "");
    }
    try {
      return new TimeoutPolicy(queryTimeout, perPlayer, max, deadline);
    } catch (IllegalArgumentException e) {
      throw values.rejected(QUERY_TIMEOUT, e);
    }
  }

  private static Duration shortest(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private RetryPolicy retry() {
    RetryPolicy defaultPolicy = RetryPolicy.defaults();
    int maxAttempts = values.integer(RETRY_MAX_ATTEMPTS, 1, RetryPolicy.MAX_ATTEMPTS, defaultPolicy.maxAttempts());
    Duration initialBackoff = values.duration(RETRY_INITIAL_BACKOFF, defaultPolicy.initialBackoff(), GivenValues.Sign.NOT_NEGATIVE);
    Duration maxBackoffDefault = initialBackoff.compareTo(RETRY_MAX_BACKOFF_DEFAULT) > 0
        ? initialBackoff : RETRY_MAX_BACKOFF_DEFAULT;
    Duration maxBackoff = values.duration(RETRY_MAX_BACKOFF, maxBackoffDefault, GivenValues.Sign.NOT_NEGATIVE);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw values.error(RETRY_MAX_BACKOFF,
          "must not be less than retry.initial-backoff (" + values.withOrigin(RETRY_INITIAL_BACKOFF, initialBackoff) + ")", "");
    }
    double jitter = values.decimal(RETRY_JITTER, BigDecimal.ONE, defaultPolicy.jitter());
    try {
      return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, jitter);
    } catch (IllegalArgumentException e) {
      throw values.rejected(RETRY_MAX_ATTEMPTS, e);
    }
  }

  /**
   * The backend keys as given (trimmed); values of keys that take names ({@code backend},
   * {@code bigquery.job-creation}) in their canonical spelling when they name one.
   */
  private Map<String, String> backendProperties() {
    Map<String, String> properties = new TreeMap<>();
    values.all().forEach((key, value) -> {
      if (SettingsKeys.isBackendKey(key)) {
        properties.put(key, SettingsKeys.canonicalValue(key, value.value()).orElse(value.value()));
      }
    });
    String backend;
    if (!values.has(BACKEND)) {
      defaults.put(BACKEND, LoaderSettings.DEFAULT_BACKEND);
      backend = LoaderSettings.DEFAULT_BACKEND;
    } else {
      backend = SettingsKeys.canonicalValue(BACKEND, values.get(BACKEND).value()).orElseThrow(() ->
          values.error(BACKEND, "unknown backend", "; allowed: " + String.join(", ", SettingsKeys.BACKENDS)));
    }
    // Another backend's keys are kept (they are settings all the same) but shown and logged as unused.
    for (String key : properties.keySet()) {
      if (!key.equals(BACKEND) && !key.startsWith(backend + ".")) {
        ignored.put(key, "not used by backend '" + backend + "'");
      }
    }
    return properties;
  }

}
