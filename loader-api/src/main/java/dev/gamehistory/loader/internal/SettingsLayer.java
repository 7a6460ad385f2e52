package dev.gamehistory.loader.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One source of settings values: a map of keys named by its origin, or the environment.
 *
 * @param origin how entries from this layer name their origin, e.g. {@code file hgl.properties}
 * @param values the keys and values, or the environment variables, as given (null values kept)
 * @param environment whether {@code values} are environment variables
 */
public record SettingsLayer(String origin, Map<String, String> values, boolean environment) {

  /** The origin of environment layers; each value adds its variable, e.g. {@code environment (HGL_DEADLINE)}. */
  public static final String ENVIRONMENT_ORIGIN = "environment";

  /** Copies the values (a null value is kept, to be reported when parsing). */
  public SettingsLayer {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(values, "values");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** A layer of settings keys. */
  public static SettingsLayer values(String origin, Map<String, String> values) {
    return new SettingsLayer(origin, values, false);
  }

  /** A layer of environment variables; only those starting with {@code HGL_} are read. */
  public static SettingsLayer environment(Map<String, String> environment) {
    return new SettingsLayer(ENVIRONMENT_ORIGIN, environment, true);
  }
}
