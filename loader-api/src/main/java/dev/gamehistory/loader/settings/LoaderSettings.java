package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.internal.Internals;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Everything a loader is configured with: its strategy, time limits, retries, the request defaults
 * and the backend's own settings. Immutable; build it in code with {@link #builder()} or parse it
 * with {@link #fromMap(Map, Map)} / {@link #fromProperties(Properties)}.
 *
 * <p>Backend settings are the keys {@code backend} and those under {@code bigquery.} and
 * {@code in-memory.}; the engine passes them to the backend untouched.
 *
 * @param strategy how players are split into queries
 * @param timeouts per-query timeouts and the load's deadline
 * @param retry retries of transient failures
 * @param lookbackDays the window length of requests made from these settings
 *     ({@code LoadRequest.builder(date, settings)}), 1..3650
 * @param maxGames games per player of requests made from these settings, 1..1000
 * @param backendProperties the backend's settings, by key
 * @param cache the result cache in front of the engine; disabled by default
 * @param batching how a {@link dev.gamehistory.loader.PlayerHistoryClient} over the loader gathers single-player calls
 * @param backfill how a backfill groups its (date, player) pairs into queries, and its deadline
 */
public record LoaderSettings(
    Strategy strategy,
    TimeoutPolicy timeouts,
    RetryPolicy retry,
    int lookbackDays,
    int maxGames,
    Map<String, String> backendProperties,
    CachePolicy cache,
    BatchingPolicy batching,
    BackfillPolicy backfill) {

  /** The backend used when the {@code backend} key is absent. */
  public static final String DEFAULT_BACKEND = "in-memory";

  /** Validates and copies the fields. */
  public LoaderSettings {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(backfill, "backfill");
    Internals.checkLookbackDays(lookbackDays);
    Internals.checkMaxGames(maxGames);
    // A batching window of one's own must end before the deadline, or no batched call could be answered.
    if (!batching.equals(BatchingPolicy.defaults()) && batching.maxDelay().compareTo(timeouts.deadline()) >= 0) {
      throw new IllegalArgumentException("batching.maxDelay must be shorter than the deadline ("
          + timeouts.deadline() + ") but was " + batching.maxDelay());
    }
    backendProperties = java.util.Collections.unmodifiableMap(new TreeMap<>(backendProperties));
  }

  /** Settings with the default backfill. */
  public LoaderSettings(Strategy strategy, TimeoutPolicy timeouts, RetryPolicy retry, int lookbackDays, int maxGames,
      Map<String, String> backendProperties, CachePolicy cache, BatchingPolicy batching) {
    this(strategy, timeouts, retry, lookbackDays, maxGames, backendProperties, cache, batching,
        BackfillPolicy.defaults());
  }

  /** Settings without a cache and with the default batching and backfill. */
  public LoaderSettings(Strategy strategy, TimeoutPolicy timeouts, RetryPolicy retry, int lookbackDays, int maxGames,
      Map<String, String> backendProperties) {
    this(strategy, timeouts, retry, lookbackDays, maxGames, backendProperties, CachePolicy.disabled(),
        BatchingPolicy.defaults());
  }

  /**
   * The defaults: adaptive strategy (all players in a first query, then up to 4 at once), 20 s
   * per-query timeout, 30 s deadline, 3 attempts from 200 ms backoff, 90 days, 30 games,
   * in-memory backend, no cache, batching within 5 ms up to 500 players, backfill queries of up to
   * 30 dates and 10,000 pairs within a 30-minute deadline.
   */
  public static LoaderSettings defaults() {
    return builder().build();
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder()
        .strategy(strategy)
        .timeouts(timeouts)
        .retry(retry)
        .lookbackDays(lookbackDays)
        .maxGames(maxGames)
        .backendProperties(backendProperties)
        .cache(cache)
        .batching(batching)
        .backfill(backfill);
  }

  /**
   * Parses settings from key/value pairs; see the README for every key.
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
   */
  public static LoaderSettings fromMap(Map<String, String> values) {
    return fromMap(values, Map.of());
  }

  /**
   * Parses settings from key/value pairs, then applies environment overrides: {@code HGL_} and the
   * key upper-cased with {@code .} and {@code -} as {@code _} (e.g. {@code HGL_RETRY_MAX_ATTEMPTS}).
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
   */
  public static LoaderSettings fromMap(Map<String, String> values, Map<String, String> environment) {
    return Internals.parse(values, environment);
  }

  /**
   * Parses settings from properties; see {@link #fromMap(Map)}. Every key and value must be a
   * {@code String}: another object (a {@code Duration} put under {@code deadline}, say) is rejected
   * naming the key, never ignored.
   *
   * @throws LoaderSettingsException naming the key and the value for an unknown key or a bad value
   */
  public static LoaderSettings fromProperties(Properties properties) {
    Map<String, String> values = new TreeMap<>();
    for (Map.Entry<Object, Object> entry : properties.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new LoaderSettingsException(String.valueOf(entry.getKey()), null, entry.getKey()
            + ": a settings key must be a string, not a " + entry.getKey().getClass().getName());
      }
      if (!(entry.getValue() instanceof String value)) {
        throw new LoaderSettingsException(key, String.valueOf(entry.getValue()), key + ": must be given as a string,"
            + " not a " + entry.getValue().getClass().getName() + "; got '" + entry.getValue() + "'");
      }
      values.put(key, value);
    }
    // Defaults of the Properties object (which entrySet() leaves out) count as given, under the
    // entries themselves.
    for (String name : properties.stringPropertyNames()) {
      values.putIfAbsent(name, properties.getProperty(name));
    }
    return fromMap(values);
  }

  /** These settings as the key/value pairs {@link #fromMap(Map)} parses back to equal settings. */
  public Map<String, String> toMap() {
    return Internals.toMap(this);
  }

  /** The backend's name: the {@code backend} key, {@code in-memory} when absent. */
  public String backend() {
    return backendProperties.getOrDefault("backend", DEFAULT_BACKEND);
  }

  /** Builds {@link LoaderSettings}; starts from the defaults. */
  public static final class Builder {
    private Strategy strategy = Strategy.adaptive();
    private TimeoutPolicy timeouts = TimeoutPolicy.defaults();
    private RetryPolicy retry = RetryPolicy.defaults();
    private int lookbackDays = Internals.DEFAULT_LOOKBACK_DAYS;
    private int maxGames = Internals.DEFAULT_MAX_GAMES;
    private Map<String, String> backendProperties = new TreeMap<>();
    private CachePolicy cache = CachePolicy.disabled();
    private BatchingPolicy batching = BatchingPolicy.defaults();
    private BackfillPolicy backfill = BackfillPolicy.defaults();

    private Builder() {}

    /** The grouping and deadline of backfills; default {@link BackfillPolicy#defaults()}. */
    public Builder backfill(BackfillPolicy backfill) {
      this.backfill = Objects.requireNonNull(backfill, "backfill");
      return this;
    }

    /** The result cache; default {@link CachePolicy#disabled()}. */
    public Builder cache(CachePolicy cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** The batching of single-player calls; default {@link BatchingPolicy#defaults()}. */
    public Builder batching(BatchingPolicy batching) {
      this.batching = Objects.requireNonNull(batching, "batching");
      return this;
    }

    /** The strategy; default {@link Strategy#adaptive()}. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** The time limits; default {@link TimeoutPolicy#defaults()}. */
    public Builder timeouts(TimeoutPolicy timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    /** The retries; default {@link RetryPolicy#defaults()}. */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The default window length; default 90. */
    public Builder lookbackDays(int lookbackDays) {
      this.lookbackDays = lookbackDays;
      return this;
    }

    /** The default games per player; default 30. */
    public Builder maxGames(int maxGames) {
      this.maxGames = maxGames;
      return this;
    }

    /** Replaces the backend's settings. */
    public Builder backendProperties(Map<String, String> properties) {
      this.backendProperties = new TreeMap<>(properties);
      return this;
    }

    /** Sets one backend setting, e.g. {@code backend} or {@code bigquery.table}. */
    public Builder backendProperty(String key, String value) {
      this.backendProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the field and value when one is out of range
     */
    public LoaderSettings build() {
      return new LoaderSettings(strategy, timeouts, retry, lookbackDays, maxGames, backendProperties, cache, batching,
          backfill);
    }
  }
}
