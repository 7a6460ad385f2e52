package dev.gamehistory.loader.internal.settings;

import dev.gamehistory.loader.settings.SettingsSources.KnownKey;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.jspecify.annotations.Nullable;

/**
 * The catalogue of settings keys: the loader's own, then those reserved for the backends, each with
 * its environment variable, description and default. The one place that lists them; published
 * through {@link dev.gamehistory.loader.settings.SettingsSources#knownKeys()}.
 */
public final class SettingsKeys {

  /** How the players are split into queries. */
  public static final String STRATEGY = "strategy";
  /** Players per query of the chunked strategy; first chunk size of the adaptive one. */
  public static final String CHUNK_SIZE = "chunk-size";
  /** Queries at once. */
  public static final String PARALLELISM = "parallelism";
  /** Strategies run, in turn, for the players the main one failed. */
  public static final String FALLBACK = "fallback";
  /** The per-query timeout, or its base when scaled. */
  public static final String QUERY_TIMEOUT = "query-timeout";
  /** Added to the per-query timeout for each player in the query. */
  public static final String QUERY_TIMEOUT_PER_PLAYER = "query-timeout-per-player";
  /** The cap of a scaled per-query timeout. */
  public static final String QUERY_TIMEOUT_MAX = "query-timeout-max";
  /** The whole load's time limit. */
  public static final String DEADLINE = "deadline";
  /** Tries of the same players. */
  public static final String RETRY_MAX_ATTEMPTS = "retry.max-attempts";
  /** The first backoff. */
  public static final String RETRY_INITIAL_BACKOFF = "retry.initial-backoff";
  /** The longest backoff. */
  public static final String RETRY_MAX_BACKOFF = "retry.max-backoff";
  /** The random share of each backoff. */
  public static final String RETRY_JITTER = "retry.jitter";
  /** The default window length in days. */
  public static final String LOOKBACK_DAYS = "lookback-days";
  /** The default games per player. */
  public static final String MAX_GAMES = "max-games";
  /** Whether loads go through the result cache. */
  public static final String CACHE_ENABLED = "cache.enabled";
  /** The most histories the cache keeps. */
  public static final String CACHE_MAXIMUM_PLAYERS = "cache.maximum-players";
  /** How long the cache keeps a history after it was loaded. */
  public static final String CACHE_EXPIRE_AFTER_WRITE = "cache.expire-after-write";
  /** The longest a single-player call waits for others to share its load. */
  public static final String BATCHING_MAX_DELAY = "batching.max-delay";
  /** The most players in one gathered load. */
  public static final String BATCHING_MAX_PLAYERS = "batching.max-players";
  /** The most game dates in one query of a backfill. */
  public static final String BACKFILL_DATES_PER_QUERY = "backfill.dates-per-query";
  /** The most (date, player) pairs in one query of a backfill. */
  public static final String BACKFILL_PAIRS_PER_QUERY = "backfill.pairs-per-query";
  /** A backfill's deadline. */
  public static final String BACKFILL_DEADLINE = "backfill.deadline";
  /** The backend's name. */
  public static final String BACKEND = "backend";

  /** The BigQuery project that runs the jobs. */
  public static final String BIGQUERY_PROJECT = "bigquery.project";
  /** The games table. */
  public static final String BIGQUERY_TABLE = "bigquery.table";
  /** The BigQuery location of jobs. */
  public static final String BIGQUERY_LOCATION = "bigquery.location";
  /** Another BigQuery endpoint, e.g. an emulator. */
  public static final String BIGQUERY_HOST = "bigquery.host";
  /** The most bytes one query may bill. */
  public static final String BIGQUERY_MAXIMUM_BYTES_BILLED = "bigquery.maximum-bytes-billed";
  /** Labels put on every job. */
  public static final String BIGQUERY_LABELS = "bigquery.labels";
  /** A service-account key file. */
  public static final String BIGQUERY_CREDENTIALS = "bigquery.credentials";
  /** The longest server-side wait of one BigQuery request. */
  public static final String BIGQUERY_WAIT_SLICE = "bigquery.wait-slice";
  /** The longest server-side wait of a BigQuery query's first request. */
  public static final String BIGQUERY_FIRST_WAIT = "bigquery.first-wait";
  /** Whether jobs.query must create a job: required or optional. */
  public static final String BIGQUERY_JOB_CREATION = "bigquery.job-creation";
  /** Tries of a BigQuery read (a long-poll or a page) after a transient failure, and of a jobs.query that got no answer. */
  public static final String BIGQUERY_READ_ATTEMPTS = "bigquery.read-attempts";
  /** The prefix of the column-name keys, followed by the field name. */
  public static final String BIGQUERY_COLUMNS_PREFIX = "bigquery.columns.";
  /** The fields whose column names may be set under {@link #BIGQUERY_COLUMNS_PREFIX}. */
  public static final List<String> BIGQUERY_COLUMN_FIELDS = List.of(
      "player_lookup", "game_date", "opponent_team_abbr", "points", "minutes_played", "team_abbr", "game_id");
  /** A CSV file of games for the in-memory backend. */
  public static final String IN_MEMORY_CSV = "in-memory.csv";
  /** The seed of the in-memory backend's generated league. */
  public static final String IN_MEMORY_SEED = "in-memory.seed";
  /** Seasons of the in-memory backend's generated league. */
  public static final String IN_MEMORY_SEASONS = "in-memory.seasons";

  /** The values the {@code backend} key accepts. */
  public static final List<String> BACKENDS = List.of("in-memory", "bigquery");
  /** The strategies {@code strategy} and the stages of {@code fallback} name. */
  public static final List<String> STRATEGIES = List.of("batch", "chunked", "per-player", "adaptive");
  /** The values the {@code bigquery.job-creation} key accepts. */
  public static final List<String> JOB_CREATION_MODES = List.of("required", "optional");
  /** The values of the boolean keys. */
  public static final List<String> BOOLEANS = List.of("true", "false");

  /** The prefix of environment variables that override settings. */
  public static final String ENVIRONMENT_PREFIX = "HGL_";

  /** The chunk size of the chunked strategy when {@code chunk-size} is absent. */
  public static final int DEFAULT_CHUNK_SIZE = 100;
  /** The parallelism when {@code parallelism} is absent. */
  public static final int DEFAULT_PARALLELISM = 4;

  private static final Map<String, KnownKey> CATALOGUE = buildCatalogue();
  private static final Map<String, String> KEYS_BY_VARIABLE = keysByVariable();
  /** The keys whose values are names from a fixed list, read without regard to case, '-' and '_'. */
  private static final Map<String, List<String>> NAMED_VALUES = namedValues();

  private SettingsKeys() {}

  /** Every key, in catalogue order. */
  public static Map<String, KnownKey> catalogue() {
    return CATALOGUE;
  }

  /** Whether {@code key} is in the catalogue. */
  public static boolean isKnown(String key) {
    return CATALOGUE.containsKey(key);
  }

  /** Whether {@code key} belongs to the backends: {@code backend}, {@code bigquery.*}, {@code in-memory.*}. */
  public static boolean isBackendKey(String key) {
    return key.equals(BACKEND) || key.startsWith("bigquery.") || key.startsWith("in-memory.");
  }

  /** The environment variable of {@code key}: {@code HGL_} and the key upper-cased, {@code .} and {@code -} as {@code _}. */
  public static String environmentVariable(String key) {
    return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The key an environment variable overrides, if it names one. */
  public static Optional<String> keyOfVariable(String variable) {
    return Optional.ofNullable(KEYS_BY_VARIABLE.get(variable));
  }

  /** Every environment variable that overrides a key, in catalogue order. */
  public static Collection<String> environmentVariables() {
    return KEYS_BY_VARIABLE.keySet();
  }

  /**
   * The candidate nearest to {@code given} by Levenshtein distance, if it is close: at most 3 edits
   * away, or a prefix of {@code given}, or {@code given} a prefix of it. Ties go to the first.
   */
  public static Optional<String> nearest(String given, Collection<String> candidates) {
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(given)) {
        return Optional.of(candidate);
      }
    }
    @Nullable String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = levenshtein(given, candidate);
      boolean close = distance <= 3 || (!given.isEmpty() && (candidate.startsWith(given) || given.startsWith(candidate)));
      if (close && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The canonical spelling of {@code value} for a key whose values are names from a fixed list
   * ({@code strategy}, {@code backend}, {@code cache.enabled}, {@code bigquery.job-creation}): the
   * name equal to it when case, {@code -} and {@code _} are ignored ({@code BATCH},
   * {@code Per_Player}, {@code perPlayer}, {@code IN_MEMORY}, {@code TRUE}); empty when no name is,
   * or when the key takes any value.
   */
  public static Optional<String> canonicalValue(String key, String value) {
    List<String> names = NAMED_VALUES.get(key);
    return names == null ? Optional.empty() : canonicalName(value, names);
  }

  /** The name of {@code names} equal to {@code value} when case, {@code -} and {@code _} are ignored. */
  public static Optional<String> canonicalName(String value, List<String> names) {
    String folded = fold(value);
    return names.stream().filter(name -> fold(name).equals(folded)).findFirst();
  }

  /** Whether the key's values are names from a fixed list, read as {@link #canonicalValue} says. */
  public static boolean takesNamedValues(String key) {
    return NAMED_VALUES.containsKey(key);
  }

  /** The text lower-cased without {@code -} and {@code _}: how named values are compared. */
  static String fold(String text) {
    StringBuilder folded = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '-' && c != '_') {
        folded.append(Character.toLowerCase(c));
      }
    }
    return folded.toString();
  }

  /** The number of single-character insertions, deletions and substitutions turning {@code a} into {@code b}. */
  static int levenshtein(String a, String b) {
    return LevenshteinDistance.getDefaultInstance().apply(a, b);
  }

  private static Map<String, KnownKey> buildCatalogue() {
    Map<String, KnownKey> keys = new LinkedHashMap<>();
    add(keys, STRATEGY, "how players are split into queries: batch, chunked, per-player or adaptive", "adaptive");
    add(keys, CHUNK_SIZE, "players per query (chunked, 1..10000) or in each first query (adaptive, 0 = all players)",
        DEFAULT_CHUNK_SIZE + " for chunked, 0 for adaptive");
    add(keys, PARALLELISM, "queries at once for chunked, per-player and adaptive, 1..256",
        Integer.toString(DEFAULT_PARALLELISM));
    add(keys, FALLBACK, "comma list of strategies run in turn for the players that failed, e.g. per-player",
        "none");
    add(keys, QUERY_TIMEOUT, "per-query timeout (its base when query-timeout-per-player is set), > 0;"
        + " a query never runs past the deadline", "20s, or deadline or query-timeout-max when shorter");
    add(keys, QUERY_TIMEOUT_PER_PLAYER, "added to the per-query timeout per player in the query, 0 = fixed", "0s");
    add(keys, QUERY_TIMEOUT_MAX, "cap of the scaled per-query timeout, 0 = no cap but the deadline", "0s");
    add(keys, DEADLINE, "time limit of a whole load, measured from its start, > 0", "30s");
    add(keys, RETRY_MAX_ATTEMPTS, "tries of the same players after a transient failure, 1..20", "3");
    add(keys, RETRY_INITIAL_BACKOFF, "wait before the first retry, doubling for each next one, >= 0", "200ms");
    add(keys, RETRY_MAX_BACKOFF, "longest wait between retries, >= retry.initial-backoff",
        "5s, or retry.initial-backoff when longer");
    add(keys, RETRY_JITTER, "random share of each wait, 0..1", "0.5");
    add(keys, LOOKBACK_DAYS, "default window length in days, 1..3650", "90");
    add(keys, MAX_GAMES, "default most recent games per player, 1..1000", "30");
    add(keys, CACHE_ENABLED, "true to keep loaded histories and share running queries between loads "
        + "(needs loader-cache on the class path)", "false");
    add(keys, CACHE_MAXIMUM_PLAYERS, "most histories the cache keeps, 1..10000000", "10000");
    add(keys, CACHE_EXPIRE_AFTER_WRITE, "how long the cache keeps a history after loading it, > 0", "10m");
    add(keys, BATCHING_MAX_DELAY, "longest a PlayerHistoryClient call waits for others, 0..10s, shorter than deadline", "5ms");
    add(keys, BATCHING_MAX_PLAYERS, "most players in one load of a PlayerHistoryClient, 1..10000", "500");
    add(keys, BACKFILL_DATES_PER_QUERY, "most game dates in one query of a backfill, 1..366", "30");
    add(keys, BACKFILL_PAIRS_PER_QUERY, "most (date, player) pairs in one query of a backfill, 1..50000", "10000");
    add(keys, BACKFILL_DEADLINE, "a backfill's deadline, unless its request gives one, at most 24h", "30m");
    add(keys, BACKEND, "backend: " + String.join(" or ", BACKENDS), "in-memory");
    add(keys, BIGQUERY_PROJECT, "Google Cloud project that runs the query jobs", "the client's default project");
    add(keys, BIGQUERY_TABLE, "games table: project.dataset.table or dataset.table", "none (required)");
    add(keys, BIGQUERY_LOCATION, "location of the query jobs; none: BigQuery runs each where its table is",
        "the client's location, else none");
    add(keys, BIGQUERY_HOST, "BigQuery endpoint URL, e.g. an emulator (then no credentials)", "the BigQuery API");
    add(keys, BIGQUERY_MAXIMUM_BYTES_BILLED, "most bytes one query may bill; a query above it fails", "no limit");
    add(keys, BIGQUERY_LABELS, "labels on every job: k=v,k2=v2", "none");
    add(keys, BIGQUERY_CREDENTIALS, "path to a service-account JSON key", "Application Default Credentials");
    add(keys, BIGQUERY_WAIT_SLICE, "longest server-side wait of one request (jobs.query, getQueryResults), 1ms..60s",
        "5s");
    add(keys, BIGQUERY_FIRST_WAIT, "longest server-side wait of a query's first request (also at most wait-slice and"
        + " a quarter of the query's time), 1ms..60s", "900ms");
    add(keys, BIGQUERY_JOB_CREATION, "required (always a cancellable job) or optional (short-query mode)", "required");
    add(keys, BIGQUERY_READ_ATTEMPTS, "tries of a result read after a transient failure (and of a jobs.query without an answer), in place, 1..20", "4");
    for (String field : BIGQUERY_COLUMN_FIELDS) {
      add(keys, BIGQUERY_COLUMNS_PREFIX + field, "column holding " + field, field);
    }
    add(keys, IN_MEMORY_CSV, "CSV file of games for the in-memory backend", "none: a generated league");
    add(keys, IN_MEMORY_SEED, "seed of the generated league", "42");
    add(keys, IN_MEMORY_SEASONS, "seasons of the generated league, 1..10", "1");
    return Collections.unmodifiableMap(keys);
  }

  private static void add(Map<String, KnownKey> keys, String key, String description, String defaultValue) {
    keys.put(key, new KnownKey(key, environmentVariable(key), description, defaultValue));
  }

  private static Map<String, List<String>> namedValues() {
    Map<String, List<String>> values = Map.of(
        STRATEGY, STRATEGIES, BACKEND, BACKENDS, CACHE_ENABLED, BOOLEANS, BIGQUERY_JOB_CREATION, JOB_CREATION_MODES);
    values.forEach((key, names) -> {
      if (names.stream().map(SettingsKeys::fold).distinct().count() != names.size()) {
        throw new IllegalStateException("the values of " + key + " are ambiguous when case, '-' and '_' are ignored");
      }
    });
    return values;
  }

  private static Map<String, String> keysByVariable() {
    Map<String, String> byVariable = new LinkedHashMap<>();
    for (KnownKey key : CATALOGUE.values()) {
      String previous = byVariable.put(key.environmentVariable(), key.key());
      if (previous != null) {
        throw new IllegalStateException(
            "keys " + previous + " and " + key.key() + " share the variable " + key.environmentVariable());
      }
    }
    return Collections.unmodifiableMap(byVariable);
  }
}
