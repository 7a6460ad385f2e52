package dev.gamehistory.loader;

import org.jspecify.annotations.Nullable;

/**
 * A setting is unknown, malformed, out of range or in conflict with another. The message names the
 * key, the value received and what is allowed (and the nearest known key for a typo).
 */
public final class LoaderSettingsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final @Nullable String value;

  /** A problem with {@code key}, which had {@code value} ({@code null} when absent). */
  public LoaderSettingsException(String key, @Nullable String value, String message) {
    super(message);
    this.key = key;
    this.value = value;
  }

  /** A problem with {@code key} caused by {@code cause}. */
  public LoaderSettingsException(String key, @Nullable String value, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
    this.value = value;
  }

  /** The setting's key, e.g. {@code chunk-size}. */
  public String key() {
    return key;
  }

  /** The value received, or {@code null} when the key was missing. */
  public @Nullable String value() {
    return value;
  }
}
