package dev.gamehistory.loader.internal.settings;

import static dev.gamehistory.loader.internal.settings.SettingsKeys.CHUNK_SIZE;
import static dev.gamehistory.loader.internal.settings.SettingsKeys.DEADLINE;
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

import dev.gamehistory.loader.settings.LoaderSettingsException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The values the settings layers gave, read key by key as the catalogue types them: a reader names
 * the key, its origin and the value received in its error, and notes the default of a key that was
 * not given.
 */
final class GivenValues {

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

  /** A value, where it came from ({@code null}: not known) and the index of its layer. */
  record Given(String value, @Nullable String origin, int layer) {
    /** {@code " (<origin>)"}, or empty when the origin is not known. */
    String where() {
      return origin == null ? "" : " (" + origin + ")";
    }
  }

  /** Which durations a key takes. */
  enum Sign { POSITIVE, NOT_NEGATIVE }

  private final Map<String, Given> given;
  /** The default text of each applicable key that was not given. */
  final Map<String, String> defaults = new HashMap<>();

  /** @param given the value of each key from the highest layer that gave it */
  GivenValues(Map<String, Given> given) {
    this.given = given;
  }

  /** The value of {@code key}, or {@code null} when no layer gave it. */
  @Nullable Given get(String key) {
    return given.get(key);
  }

  boolean has(String key) {
    return given.containsKey(key);
  }

  /** Each given key and its value. */
  Map<String, Given> all() {
    return given;
  }

  boolean bool(String key, boolean defaultValue) {
    Given value = given.get(key);
    if (value == null) {
      defaults.put(key, Boolean.toString(defaultValue));
      return defaultValue;
    }
    String canonical = SettingsKeys.canonicalValue(key, value.value())
        .orElseThrow(() -> error(key, "must be true or false", ""));
    return Boolean.parseBoolean(canonical);
  }

  int integer(String key, int min, int max, int defaultValue) {
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

  double decimal(String key, BigDecimal max, double defaultValue) {
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

  Duration duration(String key, Duration defaultValue, Sign sign) {
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
  LoaderSettingsException error(String key, String problem, String help) {
    Given value = Objects.requireNonNull(given.get(key), key);
    return LoaderSettingsException.of(key, value.value(), value.origin(),
        problem + "; got '" + value.value() + "'" + help);
  }

  /**
   * An API type's own validation failed: the same form, its message as the problem, naming the
   * key of the field the message starts with, else {@code fallbackKey}.
   */
  LoaderSettingsException rejected(String fallbackKey, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    String key = FIELD_KEYS.getOrDefault(message.split("[ (]", 2)[0], fallbackKey);
    Given value = given.get(key);
    String text = value == null ? "" : value.value();
    return LoaderSettingsException.of(key, value == null ? null : text, value == null ? null : value.origin(),
        message + "; got '" + text + "'", e);
  }

  /** {@code 10s}, or {@code 10s, ops.properties:2} when the key was given with an origin. */
  String withOrigin(String key, Duration value) {
    Given other = given.get(key);
    return DurationParser.format(value) + (other == null || other.origin() == null ? "" : ", " + other.origin());
  }

  String whereGiven(String key) {
    Given value = given.get(key);
    return value == null ? "" : value.where();
  }
}
