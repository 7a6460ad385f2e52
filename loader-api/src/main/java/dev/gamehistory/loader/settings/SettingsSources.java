package dev.gamehistory.loader.settings;

import dev.gamehistory.loader.internal.Internals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings gathered from layered sources, each value remembering where it came from: the defaults,
 * then the layers in the order they were added, a later layer overriding an earlier one. Typically:
 *
 * <pre>{@code
 * SettingsSources.Resolved resolved = SettingsSources.builder()
 *     .file(Path.of("/etc/hgl.properties"))
 *     .environment(System.getenv())
 *     .add("--set", commandLineValues)
 *     .build()
 *     .resolve();
 * LoaderSettings settings = resolved.settings();
 * }</pre>
 *
 * <p>Keys, values and rules are those of {@link LoaderSettings#fromMap(Map, Map)}; {@link #knownKeys()}
 * lists every key. The top layer wins: where a higher layer chooses a strategy (or fallback) that
 * does not use a lower layer's {@code chunk-size} or {@code parallelism}, that key is ignored (an
 * {@link Entry} with {@link Entry#ignored()} set, and one WARN line per resolution on the logger
 * {@code dev.gamehistory.loader.settings}), not an error; the same key given in the layer that
 * chose such a strategy, or above it, is an error. Every message names the key, where its value came
 * from (a file and line, {@code environment variable HGL_...}, the origin given to {@link
 * Builder#add}) and the value. Immutable and thread-safe.
 */
public final class SettingsSources {

  /** The origin of a value no source gave. */
  public static final String DEFAULT_ORIGIN = "default";

  /** The key of errors about reading a settings file. */
  public static final String CONFIG_KEY = Internals.CONFIG_KEY;

  private final List<Internals.Layer> layers;

  private SettingsSources(List<Internals.Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  /** A builder with no layers: resolving it gives the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Merges the layers and parses the result.
   *
   * @throws LoaderSettingsException as {@link LoaderSettings#fromMap(Map, Map)} does
   */
  public Resolved resolve() {
    return Internals.resolve(layers);
  }

  /**
   * Every key settings may hold, in catalogue order (the loader's keys, then the backends'), with
   * its environment variable, a one-line description and its default as text.
   */
  public static Map<String, KnownKey> knownKeys() {
    return Internals.knownKeys();
  }

  /**
   * Reads a {@code .properties} file, as UTF-8, into a map sorted by key; {@link Builder#file} also
   * keeps the line of each value.
   *
   * @throws LoaderSettingsException with key {@value #CONFIG_KEY}, naming the path and the reason,
   *     when the file cannot be read or is malformed
   */
  public static Map<String, String> readProperties(Path file) {
    return Internals.readProperties(file);
  }

  /** Collects the layers of a {@link SettingsSources}; later layers override earlier ones. */
  public static final class Builder {
    private final List<Internals.Layer> layers = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a layer of settings keys and values; {@code origin} names it in
     * {@link Resolved#entries()}, e.g. {@code file /etc/hgl.properties} or {@code --set}.
     */
    public Builder add(String origin, Map<String, String> values) {
      layers.add(Internals.valuesLayer(Objects.requireNonNull(origin, "origin"), values));
      return this;
    }

    /**
     * Adds a layer read from a {@code .properties} file (UTF-8); each value's origin is the file
     * and the line of its key, e.g. {@code ops.properties:3}.
     *
     * @throws LoaderSettingsException with key {@value #CONFIG_KEY}, naming the path and the reason,
     *     when the file cannot be read or is malformed
     */
    public Builder file(Path file) {
      layers.add(Internals.fileLayer(Objects.requireNonNull(file, "file")));
      return this;
    }

    /**
     * Adds a layer of settings keys, each value with its own origin (e.g. the property source a
     * framework read it from).
     */
    public Builder addWithOrigins(Map<String, Sourced> values) {
      Map<String, String> plain = new LinkedHashMap<>();
      Map<String, String> origins = new LinkedHashMap<>();
      values.forEach((key, value) -> {
        plain.put(key, value.value());
        origins.put(key, value.origin());
      });
      layers.add(Internals.sourcedLayer(plain, origins));
      return this;
    }

    /**
     * Adds a layer read from environment variables: {@code HGL_} followed by a key upper-cased, with
     * {@code .} and {@code -} as {@code _} (e.g. {@code HGL_RETRY_MAX_ATTEMPTS}). Other variables
     * are ignored; an {@code HGL_} variable that names no key is an error when resolving. Values
     * have the origin {@code environment variable HGL_...}.
     */
    public Builder environment(Map<String, String> environment) {
      layers.add(Internals.environmentLayer(environment));
      return this;
    }

    /** The sources; the maps given were copied. */
    public SettingsSources build() {
      return new SettingsSources(layers);
    }
  }

  /**
   * One key of the catalogue.
   *
   * @param key the settings key, e.g. {@code retry.max-attempts}
   * @param environmentVariable the variable overriding it, e.g. {@code HGL_RETRY_MAX_ATTEMPTS}
   * @param description what it sets, in one line
   * @param defaultValue the value used when it is absent, as text
   */
  public record KnownKey(String key, String environmentVariable, String description, String defaultValue) {
    /** Checks that no field is null. */
    public KnownKey {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(environmentVariable, "environmentVariable");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(defaultValue, "defaultValue");
    }
  }

  /**
   * A value and where it came from, for {@link Builder#addWithOrigins}.
   *
   * @param value the value as given
   * @param origin where it came from, as messages and {@link Entry#origin()} will name it
   */
  public record Sourced(String value, String origin) {
    /** Checks that no field is null. */
    public Sourced {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(origin, "origin");
    }
  }

  /**
   * One resolved setting.
   *
   * @param key the settings key
   * @param value the value as its source gave it (trimmed), or the default in canonical form
   * @param origin where it came from: the origin given to {@link Builder#add}, a file and line
   *     ({@code ops.properties:3}), {@code environment variable HGL_...}, or {@value #DEFAULT_ORIGIN}
   * @param ignored why the value is not used, when it is not: a higher layer chose a strategy that
   *     does not take it, e.g. {@code not used by strategy 'batch' (--set)}
   */
  public record Entry(String key, String value, String origin, Optional<String> ignored) {
    /** Checks that no field is null. */
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(ignored, "ignored");
    }

    /** A value that is used. */
    public Entry(String key, String value, String origin) {
      this(key, value, origin, Optional.empty());
    }

    /** Whether no source gave this value. */
    public boolean isDefault() {
      return origin.equals(DEFAULT_ORIGIN);
    }

    /** Whether the value is ignored: see {@link #ignored()}. */
    public boolean isIgnored() {
      return ignored.isPresent();
    }
  }

  /**
   * The outcome of {@link #resolve()}.
   *
   * @param settings the parsed settings
   * @param entries every key that has a value or a default applying to these settings, in catalogue
   *     order, and every ignored key ({@link Entry#isIgnored()}); unset keys that do not apply (e.g.
   *     {@code chunk-size} for the batch strategy) and unset backend keys are left out
   */
  public record Resolved(LoaderSettings settings, List<Entry> entries) {
    /** Copies the entries. */
    public Resolved {
      Objects.requireNonNull(settings, "settings");
      entries = List.copyOf(entries);
    }

    /** The entry of {@code key}, if it is among {@link #entries()}. */
    public Optional<Entry> entry(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /** The ignored entries, in catalogue order. */
    public List<Entry> ignored() {
      return entries.stream().filter(Entry::isIgnored).toList();
    }

    /**
     * {@code failure} naming the origin of its key's value, when the failure names none and a source
     * gave that value: for errors found after resolving, e.g. a backend rejecting {@code bigquery.table}.
     */
    public LoaderSettingsException withOrigin(LoaderSettingsException failure) {
      return entry(failure.key())
          .filter(e -> !e.isDefault() && failure.origin() == null)
          .map(e -> failure.withOrigin(e.origin()))
          .orElse(failure);
    }
  }
}
