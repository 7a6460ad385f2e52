package dev.gamehistory.loader.settings;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A setting is unknown, malformed, out of range or in conflict with another. The message names the
 * key, where the value came from when known, the value received and what is allowed (and the
 * nearest known key for a typo), in one line:
 * {@code <key> (<origin>): <reason>}, e.g.
 * {@code chunk-size (ops.properties:3): must be an integer between 1 and 10000; got '0'}, or
 * {@code <key>: <reason>} for a value whose origin is not known (a map given to
 * {@link LoaderSettings#fromMap(Map)}).
 */
public final class LoaderSettingsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * The artifact that brings each backend the settings know, by backend name: what to add when
   * {@code backend} names one that is not on the class path.
   */
  private static final Map<String, String> BACKEND_ARTIFACTS = Map.of(
      "in-memory", "dev.gamehistory:loader-inmemory",
      "bigquery", "dev.gamehistory:loader-bigquery");

  private final String key;
  private final @Nullable String value;
  private final @Nullable String origin;
  private final String reason;

  /**
   * A problem with {@code key}, which had {@code value} ({@code null} when absent); the message is
   * used as given. Its reason is the message without a leading {@code "<key>: "}.
   */
  public LoaderSettingsException(String key, @Nullable String value, String message) {
    this(key, value, null, reasonOf(key, message), message, null);
  }

  /** A problem with {@code key} caused by {@code cause}; see {@link #LoaderSettingsException(String, String, String)}. */
  public LoaderSettingsException(String key, @Nullable String value, String message, Throwable cause) {
    this(key, value, null, reasonOf(key, message), message, cause);
  }

  private LoaderSettingsException(String key, @Nullable String value, @Nullable String origin, String reason,
      String message, @Nullable Throwable cause) {
    super(message, cause);
    this.key = key;
    this.value = value;
    this.origin = origin;
    this.reason = reason;
  }

  /**
   * A problem with the value of {@code key} that came from {@code origin} ({@code null}: not known),
   * with the message {@code <key> (<origin>): <reason>}.
   */
  public static LoaderSettingsException of(String key, @Nullable String value, @Nullable String origin, String reason) {
    return new LoaderSettingsException(key, value, origin, reason, message(key, origin, reason), null);
  }

  /** As {@link #of(String, String, String, String)}, caused by {@code cause}. */
  public static LoaderSettingsException of(String key, @Nullable String value, @Nullable String origin, String reason,
      Throwable cause) {
    return new LoaderSettingsException(key, value, origin, reason, message(key, origin, reason), cause);
  }

  /**
   * No backend named {@code name} is on the class path: the message names the artifact to add for
   * the backends the settings know ({@code in-memory}: {@code dev.gamehistory:loader-inmemory},
   * {@code bigquery}: {@code dev.gamehistory:loader-bigquery}) and the backends found, e.g.
   * {@code backend: no backend 'in-memory' on the class path; add dev.gamehistory:loader-inmemory
   * (found: none)}.
   *
   * @param available the names of the backends found on the class path
   */
  public static LoaderSettingsException unknownBackend(String name, List<String> available) {
    String found = available.isEmpty() ? "none" : String.join(", ", available);
    String artifact = BACKEND_ARTIFACTS.get(name);
    String reason = artifact != null
        ? "no backend '" + name + "' on the class path; add " + artifact + " (found: " + found + ")"
        : "unknown backend '" + name + "'; on the class path: " + found;
    return of("backend", name, null, reason);
  }

  /**
   * This problem with {@code origin} named in the message, e.g. when a backend rejected a value and
   * the caller knows where it came from: the same key, value, reason, cause and stack trace; itself
   * when it already names an origin.
   */
  public LoaderSettingsException withOrigin(String origin) {
    if (this.origin != null) {
      return this;
    }
    LoaderSettingsException named =
        new LoaderSettingsException(key, value, origin, reason, message(key, origin, reason), getCause());
    named.setStackTrace(getStackTrace());
    return named;
  }

  private static String message(String key, @Nullable String origin, String reason) {
    return key + (origin == null ? "" : " (" + origin + ")") + ": " + reason;
  }

  private static String reasonOf(String key, String message) {
    String prefix = key + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** The setting's key, e.g. {@code chunk-size}, or an environment variable that names no key. */
  public String key() {
    return key;
  }

  /** The value received, or {@code null} when the key was missing. */
  public @Nullable String value() {
    return value;
  }

  /**
   * Where the value came from, when known: a file and line ({@code ops.properties:3}), an
   * environment variable ({@code environment variable HGL_CHUNK_SIZE}), {@code --set}, a Spring
   * property source's origin.
   */
  public @Nullable String origin() {
    return origin;
  }

  /** What is wrong, without the key and the origin: e.g. {@code must be an integer between 1 and 10000; got '0'}. */
  public String reason() {
    return reason;
  }
}
